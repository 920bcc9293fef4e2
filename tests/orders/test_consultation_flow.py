"""A Local re-competition from the accepted request to the award, through the services."""

import datetime
from decimal import Decimal

import pytest

from orders import services
from orders.models import Consultation, SubsequentContract
from procurement import clock
from tests.factories import make_local_agreement, make_request

D = datetime.date
DEADLINE = datetime.datetime(2027, 3, 15, 12, 0, tzinfo=datetime.UTC)


def test_a_whole_re_competition(pilot35, buyer):
    agreement = make_local_agreement(holders=3)
    request = make_request(pilot35, state="accepted", buyer=buyer, fmt="local")
    consultation = services.consultation_prepare(team_request=request, by=buyer)
    assert consultation.specification == request.problem_statement
    services.consultation_update(
        consultation=consultation, by=buyer, subject="Atelier Local",
        estimated_amount=Decimal("100000"), deadline=DEADLINE, contact="AD1",
    )
    services.consultation_launch(consultation=Consultation.objects.get(pk=consultation.pk), by=buyer)
    holders = [h.holder for h in agreement.lots.get().holdings.order_by("rank")]
    with clock.frozen(D(2027, 3, 10)):
        for holder in holders:
            services.offer_record(consultation=consultation, by=buyer, holder=holder)
    with clock.frozen(D(2027, 3, 16)):
        services.consultation_open(consultation=Consultation.objects.get(pk=consultation.pk), by=buyer)
        prices = [Decimal("96000"), Decimal("104000"), Decimal("120000")]
        marks = [(6, 7, 5), (8, 8, 9), (9, 9, 9)]
        for offer, price in zip(consultation.offers.order_by("holder__holdings__rank"), prices, strict=True):
            share = price / 5
            experts = list(offer.holder.experts.all())
            services.offer_content(
                offer=offer, by=buyer,
                prices={p: share for p in ("kickoff", "diagnosis", "strategy", "roadmap", "final_report")},
                team=[(experts[0], True, {"diagnosis": 2}), (experts[1], False, {"strategy": 1})],
            )
        services.consultation_evaluate(consultation=Consultation.objects.get(pk=consultation.pk), by=buyer)
        for offer, (a, b, c) in zip(consultation.offers.order_by("holder__holdings__rank"), marks, strict=True):
            services.offer_score(
                offer=offer, by=buyer,
                marks={"territory": (a, "x"), "method": (b, "y"), "team": (c, "z")},
            )
        contract = services.consultation_award(consultation=Consultation.objects.get(pk=consultation.pk), by=buyer)
    assert isinstance(contract, SubsequentContract)
    assert contract.holder == holders[1] and contract.total_excl_tax == Decimal("104000.00")
    assert contract.number == "LOCAL-2027-0001"
