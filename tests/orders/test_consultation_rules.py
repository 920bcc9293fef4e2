"""Every (action, state) pair, the role × action matrix, and who sees what of the offers."""

import datetime

import pytest
from django.urls import reverse

from orders import services
from orders.models import Consultation, SubsequentContract
from procurement import clock
from tests.factories import make_local_agreement
from tests.local_factories import DAY, STATES, make_consultation

START = datetime.date(2027, 3, 1)
# action: (source states, the day it runs relative to START)
SOURCES = {
    "launch": (["draft"], -2),
    "open": (["launched"], 31),
    "evaluate": (["opened"], 32),
    "award": (["evaluating"], 33),
    "declare_unsuccessful": (["opened", "evaluating"], 33),
    "cancel": (["draft", "launched", "opened", "evaluating"], 33),
}


@pytest.fixture
def agreement(db):
    return make_local_agreement(holders=3)


def _run(consultation, action, user):
    day = START + SOURCES[action][1] * DAY
    with clock.frozen(day):
        return services.CONSULTATION_ACTIONS[action].run(
            Consultation.objects.get(pk=consultation.pk), by=user, comment="motif"
        )


PAIRS = [(a, s) for a, (sources, _) in SOURCES.items() for s in sources]


@pytest.mark.parametrize("action,state", PAIRS)
def test_every_action_from_its_source_state(action, state, agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, state, start=START)
    _run(consultation, action, buyer)
    after = Consultation.objects.get(pk=consultation.pk)
    assert after.state != state
    assert after.history.first().history_user == buyer


@pytest.mark.parametrize(
    "action,state",
    [(a, s) for a in SOURCES for s in STATES if s not in SOURCES[a][0]],
)
def test_no_action_from_any_other_state(action, state, agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, state, start=START)
    with pytest.raises(services.ActionRefused):
        _run(consultation, action, buyer)
    assert Consultation.objects.get(pk=consultation.pk).state == state


@pytest.mark.parametrize("role", ["finance", "admin", "pilot35", "pilot29"])
@pytest.mark.parametrize("action", list(SOURCES))
def test_only_the_buyer_runs_a_re_competition(action, role, agreement, all_users):
    u = all_users
    state = SOURCES[action][0][0]
    consultation = make_consultation(u["pilot35"], u["buyer"], state, start=START)
    with pytest.raises(services.ActionRefused):
        _run(consultation, action, u[role])
    assert Consultation.objects.get(pk=consultation.pk).state == state


# --- who sees what --------------------------------------------------------------------------------


def _page(client, user, consultation):
    client.force_login(user)
    return client.get(reverse("orders:consultation_detail", args=[consultation.pk]))


def test_before_the_award_the_pilot_sees_who_answered_but_no_price_team_or_memo(
    client, agreement, all_users
):
    u = all_users
    consultation = make_consultation(u["pilot35"], u["buyer"], "evaluating", start=START)
    html = _page(client, u["pilot35"], consultation).content.decode()
    assert "offre reçue le" in html
    for secret in ("96\u00a0000,00", "104\u00a0000,00", "Justification territory", "E0 Expert"):
        assert secret not in html, secret
    buyer_html = _page(client, u["buyer"], consultation).content.decode()
    assert "104\u00a0000,00" in buyer_html and "Justification territory" in buyer_html


def test_after_the_award_the_pilot_and_finance_read_the_report_not_the_losers_memos(
    client, agreement, all_users
):
    u = all_users
    consultation = make_consultation(u["pilot35"], u["buyer"], "awarded", start=START)
    report = consultation.documents.get(kind="evaluation_report")
    letter = consultation.documents.filter(kind="rejection_letter").first()
    loser = (
        consultation.offers.exclude(pk=consultation.contract.offer_id)
        .filter(status="submitted")
        .first()
    )
    for role in ("pilot35", "finance"):
        client.force_login(u[role])
        assert client.get(reverse("orders:document_download", args=[report.pk])).status_code == 200
        assert client.get(reverse("orders:document_download", args=[letter.pk])).status_code == 403
        memo = reverse("orders:offer_memo", args=[consultation.pk, loser.pk])
        assert client.get(memo).status_code in (403, 404)
        html = _page(client, u[role], consultation).content.decode()
        assert "E2 Expert" not in html  # the losing offers' teams
        contract = SubsequentContract.objects.get(consultation=consultation)
        assert client.get(reverse("orders:contract_detail", args=[contract.pk])).status_code == 200


def test_another_service_sees_nothing(client, agreement, all_users):
    u = all_users
    consultation = make_consultation(u["pilot35"], u["buyer"], "awarded", start=START)
    contract = SubsequentContract.objects.get(consultation=consultation)
    client.force_login(u["pilot29"])
    for url in (
        reverse("orders:consultation_detail", args=[consultation.pk]),
        reverse("orders:contract_detail", args=[contract.pk]),
        reverse("orders:document_download", args=[consultation.documents.first().pk]),
    ):
        assert client.get(url).status_code == 404, url
    page = client.get(reverse("orders:consultation_list")).content.decode()
    assert consultation.reference not in page


def test_documents_download_with_the_bytes_stored(client, agreement, all_users):
    u = all_users
    consultation = make_consultation(u["pilot35"], u["buyer"], "awarded", start=START)
    client.force_login(u["buyer"])
    for document in consultation.documents.all():
        url = reverse("orders:document_download", args=[document.pk])
        assert client.get(url).content == client.get(url).content == bytes(document.content)
