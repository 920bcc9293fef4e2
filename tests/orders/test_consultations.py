"""Local re-competitions: preparation, launch, the deadline's discipline, the analysis, the
award and the other endings, each rule with its test."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from framework_agreements import ceiling
from notifications import outbox
from orders import services
from orders.models import SubsequentContract
from procurement import clock
from tests.factories import make_local_agreement, make_request
from tests.local_factories import DAY, deadline_of, fresh, make_consultation, prices_of

START = datetime.date(2027, 3, 1)


@pytest.fixture
def agreement(db):
    return make_local_agreement(holders=4)


def test_a_local_request_is_prepared_once_and_its_note_becomes_the_specification(
    agreement, pilot35, buyer
):
    request = make_request(pilot35, state="accepted", buyer=buyer, fmt="local")
    consultation = services.consultation_prepare(team_request=request, by=buyer)
    assert consultation.specification == request.problem_statement
    assert [c["weight"] for c in consultation.criteria] == [20, 20, 20, 40]
    with pytest.raises(services.ActionRefused, match="déjà en cours"):
        services.consultation_prepare(team_request=request, by=buyer)
    flash = make_request(pilot35, state="accepted", buyer=buyer)
    with pytest.raises(services.ActionRefused):
        services.consultation_prepare(team_request=flash, by=buyer)
    with pytest.raises(services.ActionRefused):
        services.consultation_prepare(team_request=request, by=pilot35)


@pytest.mark.parametrize("ending", ["unsuccessful", "cancelled"])
def test_after_an_unsuccessful_or_cancelled_one_the_request_is_consulted_again(
    agreement, pilot35, buyer, ending
):
    first = make_consultation(pilot35, buyer, ending)
    again = services.consultation_prepare(team_request=first.request, by=buyer)
    assert again.pk != first.pk and again.state == "draft"


def test_launching_invites_every_holder_the_same_day_with_the_same_letter(
    agreement, pilot35, buyer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        consultation = make_consultation(pilot35, buyer, "launched")
    holders = {h.holder for h in agreement.lots.get().holdings.all()}
    invitations = list(consultation.invitations.select_related("letter"))
    assert {i.holder for i in invitations} == holders
    assert {i.sent_at for i in invitations} == {consultation.launched_at}
    for invitation in invitations:
        letter = invitation.letter
        assert letter.kind == "consultation_letter" and letter.holder == invitation.holder
        assert letter.sha256 == hashlib.sha256(bytes(letter.content)).hexdigest()
    sent = [m for m in mail.outbox if consultation.reference in m.subject]
    assert sorted(m.to[0] for m in sent) == sorted(h.contact_email for h in holders)
    assert all(m.attachments[0][2] == "application/pdf" for m in sent)


def test_a_launch_needs_a_deadline_to_come(agreement, pilot35, buyer):
    request = make_request(pilot35, state="accepted", buyer=buyer, fmt="local")
    consultation = services.consultation_prepare(team_request=request, by=buyer)
    with pytest.raises(services.ActionRefused, match="date limite"):
        services.consultation_launch(consultation=consultation, by=buyer)


# --- the deadline's discipline -------------------------------------------------------------------


def test_before_the_opening_no_content_may_be_entered(agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "launched", start=START)
    offer = consultation.offers.filter(status="submitted").first()
    with clock.frozen(START + 20 * DAY), pytest.raises(services.ActionRefused, match="ouverture"):
        services.offer_content(offer=offer, by=buyer, prices=prices_of(Decimal("1000")), team=[])
    assert not offer.prices.exists()


def test_a_submission_received_after_the_deadline_is_refused_as_late(agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "launched", start=START, offers=[])
    late = deadline_of(START) + datetime.timedelta(minutes=1)
    holder = consultation.invitations.first().holder
    consultation.offers.filter(holder=holder).delete()
    with clock.frozen(START + 31 * DAY), pytest.raises(services.ActionRefused) as excinfo:
        services.offer_record(consultation=consultation, by=buyer, holder=holder, received_at=late)
    assert "hors délai" in str(excinfo.value) and "31/03/2027 à 12:00" in str(excinfo.value)


def test_the_bids_are_opened_only_after_the_deadline(agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "launched", start=START)
    with clock.frozen(START + 29 * DAY), pytest.raises(services.ActionRefused):
        services.consultation_open(consultation=consultation, by=buyer)
    with clock.frozen(START + 31 * DAY):
        opened = services.consultation_open(consultation=fresh(consultation), by=buyer)
    assert opened.state == "opened" and opened.opened_by == buyer and opened.opened_at


def test_the_content_is_kept_in_history_and_frozen_once_the_analysis_starts(
    agreement, pilot35, buyer
):
    consultation = make_consultation(pilot35, buyer, "evaluating", start=START)
    offer = consultation.offers.filter(status="submitted").order_by("pk").first()
    assert offer.history.filter(history_change_reason__startswith="Contenu").exists()
    price_before = offer.price()
    assert price_before > Decimal("1000")
    with clock.frozen(START + 33 * DAY), pytest.raises(services.ActionRefused, match="analyse"):
        services.offer_content(offer=offer, by=buyer, prices=prices_of(Decimal("1")), team=[])
    assert type(offer).objects.get(pk=offer.pk).price() == price_before


# --- analysis and award ---------------------------------------------------------------------------


def test_the_award_goes_to_b_with_its_number_ceiling_phases_and_team(agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "awarded", start=START)
    contract = SubsequentContract.objects.get(consultation=consultation)
    analysis = services.analysis(consultation)
    assert [(o.holder, r.total) for o, r in analysis.ranked][0] == (
        contract.holder,
        Decimal("86.92"),
    )
    assert contract.number == "LOCAL-2027-0001" and contract.state == "awarded"
    assert contract.total_excl_tax == Decimal("104000.00")
    assert contract.total_incl_tax == Decimal("124800.00")
    assert [p.amount_excl_tax for p in contract.phases.all()] == [Decimal("20800.00")] * 5
    assert ceiling.held_by(contract.source_key) == Decimal("104000.00")
    assert contract.team.format == "local" and contract.team.lead() is not None
    assert consultation.documents.filter(kind="evaluation_report").count() == 1
    assert consultation.documents.filter(kind="rejection_letter").count() == 2


def test_scores_need_a_justification_and_stay_between_0_and_10(agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "evaluating", start=START)
    offer = consultation.offers.filter(status="submitted").first()
    with pytest.raises(services.ActionRefused, match="justification"):
        services.offer_score(offer=offer, by=buyer, marks={"territory": (Decimal(5), " ")})
    with pytest.raises(services.ActionRefused, match="de 0 à 10"):
        services.offer_score(offer=offer, by=buyer, marks={"territory": (Decimal(11), "x")})


def test_the_award_waits_for_every_offer_to_be_scored(agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "evaluating", start=START)
    consultation.offers.first().scores.all().delete()
    with pytest.raises(services.ActionRefused, match="Notez d'abord"):
        services.consultation_award(consultation=consultation, by=buyer)
    assert not SubsequentContract.objects.exists()


def test_a_rejected_offer_is_not_ranked(agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "evaluating", start=START)
    b = consultation.offers.filter(status="submitted").order_by("holder__pk")[1]
    services.offer_reject(offer=b, by=buyer, kind="irregular", reason="Pièce manquante")
    contract = services.consultation_award(consultation=fresh(consultation), by=buyer)
    assert contract.total_excl_tax == Decimal("120000.00")  # C, once B is out


ABNORMAL = [
    (Decimal("70000"), (8, 8, 8)),
    (Decimal("104000"), (8, 8, 9)),
    (Decimal("120000"), (9, 9, 9)),
]


def test_an_abnormally_low_offer_is_flagged_and_rejected_only_after_its_explanation(
    agreement, pilot35, buyer
):
    consultation = make_consultation(pilot35, buyer, "evaluating", start=START, offers=ABNORMAL)
    low = consultation.offers.get(flagged_abnormally_low=True)
    assert low.price() == Decimal("70000.00")
    assert consultation.offers.filter(flagged_abnormally_low=True).count() == 1
    with pytest.raises(services.ActionRefused, match="R2152-3"):
        services.offer_reject(offer=low, by=buyer, kind="abnormally_low", reason="Trop bas")
    with clock.frozen(START + 33 * DAY):
        services.offer_explanation(
            offer=low, by=buyer, text="Prix justifié ?", received_on=START + 33 * DAY
        )
    services.offer_reject(offer=low, by=buyer, kind="abnormally_low", reason="Non justifié")
    assert consultation.offers.get(pk=low.pk).rejection == "abnormally_low"


def test_with_fewer_offers_the_buyer_flags_by_hand(agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "evaluating", start=START, offers=ABNORMAL[:2])
    low = consultation.offers.filter(status="submitted").order_by("holder__pk").first()
    assert not low.flagged_abnormally_low
    services.offer_flag(offer=low, by=buyer)
    assert consultation.offers.get(pk=low.pk).flagged_abnormally_low


def test_notification_sends_the_letter_and_needs_the_ej(
    agreement, pilot35, buyer, django_capture_on_commit_callbacks
):
    consultation = make_consultation(pilot35, buyer, "awarded", start=START)
    contract = SubsequentContract.objects.get(consultation=consultation)
    with pytest.raises(services.ActionRefused, match="EJ"):
        services.contract_notify(contract=contract, by=buyer)
    services.contract_update(contract=contract, by=buyer, ej_number="2200000001")
    with django_capture_on_commit_callbacks(execute=True):
        services.contract_notify(contract=SubsequentContract.objects.get(pk=contract.pk), by=buyer)
        # Until the e-mail has left, the contract is not notified.
        assert SubsequentContract.objects.get(pk=contract.pk).state == "awarded"
    contract.refresh_from_db()
    message = outbox.about(contract).get(kind="contract_notification")
    assert message.status == "sent" and mail.outbox[-1].to == [contract.holder.contact_email]
    assert contract.state == "notified" and contract.notified_at == message.sent_at
    letter = contract.documents.get(kind="notification_letter")
    assert letter.sha256 == hashlib.sha256(bytes(letter.content)).hexdigest()


def test_a_stale_post_changes_nothing(client, agreement, pilot35, buyer):
    consultation = make_consultation(pilot35, buyer, "draft", start=START)
    client.force_login(buyer)
    with clock.frozen(START - 2 * DAY):
        url = reverse("orders:consultation_transition", args=[consultation.pk, "launch"])
        client.post(url, {"expected_state": "draft"})
        response = client.post(url, {"expected_state": "draft"}, follow=True)
    assert "état a changé" in response.content.decode()
    assert consultation.invitations.count() == 4  # launched once, not twice
