"""Who receives what: buyers the new and completed requests, the pilot each decision and each
step of their order, finance each service fait. In French, plain text and HTML, with a link."""

import pytest
from django.core import mail

from orders import services
from orders.enums import OrderState
from tests.factories import UserFactory, make_agreement, make_order, make_request


@pytest.fixture
def everyone(db, buyer, finance, pilot35):
    make_agreement()
    second_buyer = UserFactory(buyer=True, username="buyer2")
    UserFactory(buyer=True, username="gone", is_active=False)
    return {"buyers": {buyer.email, second_buyer.email}, "finance": {finance.email}}


def sent_to(address):
    return [m for m in mail.outbox if address in m.to]


def test_buyers_receive_new_and_completed_requests(
    everyone, pilot35, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = make_request(pilot35, state="returned", buyer=buyer)
    new = [m for m in mail.outbox if m.subject.startswith("Nouvelle demande")]
    assert len(new) == 1 and set(new[0].to) == everyone["buyers"]  # active buyers only
    assert f"/demandes/{request.pk}/" in new[0].body and request.title in new[0].body
    with django_capture_on_commit_callbacks(execute=True):
        services.request_submit(team_request=request, by=pilot35)
    assert any(m.subject.startswith("Demande complétée") for m in mail.outbox)


@pytest.mark.parametrize(
    "state, words",
    [("accepted", "acceptée"), ("returned", "renvoyée pour compléments"), ("rejected", "refusée")],
)
def test_the_pilot_receives_each_decision_on_their_request(
    state, words, everyone, pilot35, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_request(pilot35, state=state, buyer=buyer)
    decisions = [m for m in sent_to(pilot35.email) if words in m.subject]
    assert len(decisions) == 1
    assert words in decisions[0].body
    if state != "accepted":
        assert "Motif : motif de test" in decisions[0].body
    html = decisions[0].alternatives[0]
    assert html.mimetype == "text/html" and 'lang="fr"' in html.content


def test_the_pilot_follows_each_step_of_the_order_and_finance_each_service_fait(
    everyone, pilot35, buyer, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)
    subjects = [m.subject for m in sent_to(pilot35.email)]
    for word in ("émis", "accepté", "livré"):
        assert f"Bon de commande {order.number} {word}" in subjects
    done = sent_to(finance.email)
    assert [m.subject for m in done] == [f"Service fait : bon de commande {order.number}"]
    assert order.get_absolute_url() in done[0].body


def test_the_pilot_hears_of_a_decline(
    everyone, pilot35, buyer, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(pilot35, buyer, finance, state=OrderState.DECLINED)
    declined = [m for m in sent_to(pilot35.email) if m.subject.endswith("refusé")]
    assert len(declined) == 1 and order.number in declined[0].subject
    assert "Motif : motif" in declined[0].body
