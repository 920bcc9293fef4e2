"""Consultations driven to a state through the real services, with the clock set to each
step's day: launched on `start`, deadline 30 days later, opened the next day."""

import datetime
from decimal import Decimal

from orders import services
from orders.models import Consultation
from procurement import clock
from tests.factories import make_request

DAY = datetime.timedelta(days=1)
PHASES = ["kickoff", "diagnosis", "strategy", "roadmap", "final_report"]
STATES = ["draft", "launched", "opened", "evaluating", "awarded", "unsuccessful", "cancelled"]
# The worked example of the issue: prices and marks (territory, method, team).
EXAMPLE = [
    (Decimal("96000"), (6, 7, 5)),
    (Decimal("104000"), (8, 8, 9)),
    (Decimal("120000"), (9, 9, 9)),
]


def deadline_of(start):
    return datetime.datetime.combine(start + 30 * DAY, datetime.time(12), tzinfo=datetime.UTC)


def fresh(consultation):
    return Consultation.objects.get(pk=consultation.pk)


def prices_of(total):
    return {phase: total / 5 for phase in PHASES}


def make_consultation(
    pilot, buyer, state="draft", *, start=None, offers=EXAMPLE, request=None, split=prices_of
):
    start = start or datetime.date(2027, 3, 1)
    request = request or make_request(pilot, state="accepted", buyer=buyer, fmt="local")
    with clock.frozen(start - 5 * DAY):
        consultation = services.consultation_prepare(team_request=request, by=buyer)
        services.consultation_update(
            consultation=consultation,
            by=buyer,
            subject="Atelier Local de test",
            estimated_amount=Decimal("105000.00"),
            deadline=deadline_of(start),
            contact="AD1",
        )
    if state == "draft":
        return fresh(consultation)
    if state == "cancelled":
        with clock.frozen(start):
            services.consultation_launch(consultation=fresh(consultation), by=buyer)
            services.consultation_cancel(consultation=fresh(consultation), by=buyer, comment="x")
        return fresh(consultation)
    with clock.frozen(start):
        services.consultation_launch(consultation=fresh(consultation), by=buyer)
    holders = [i.holder for i in consultation.invitations.order_by("holder__pk")]
    with clock.frozen(start + 10 * DAY):
        for holder in holders[: len(offers)]:
            services.offer_record(consultation=consultation, by=buyer, holder=holder)
        for holder in holders[len(offers) :]:
            services.offer_record(
                consultation=consultation, by=buyer, holder=holder, declined=True, reason="Non"
            )
    if state == "launched":
        return fresh(consultation)
    opened = start + 31 * DAY
    with clock.frozen(opened):
        services.consultation_open(consultation=fresh(consultation), by=buyer)
        ordered = list(consultation.offers.filter(status="submitted").order_by("holder__pk"))
        for offer, (price, _marks) in zip(ordered, offers, strict=True):
            experts = list(offer.holder.experts.order_by("pk"))
            services.offer_content(
                offer=offer,
                by=buyer,
                prices=split(price),
                team=[(experts[0], True, {"diagnosis": 2}), (experts[2], False, {"strategy": 2})],
            )
    if state == "opened":
        return fresh(consultation)
    with clock.frozen(opened + DAY):
        services.consultation_evaluate(consultation=fresh(consultation), by=buyer)
        if state == "unsuccessful":
            services.consultation_declare_unsuccessful(
                consultation=fresh(consultation), by=buyer, comment="Aucune offre acceptable"
            )
            return fresh(consultation)
        for offer, (_price, marks) in zip(ordered, offers, strict=True):
            services.offer_score(
                offer=offer,
                by=buyer,
                marks={
                    k: (Decimal(m), f"Justification {k}")
                    for k, m in zip(("territory", "method", "team"), marks, strict=True)
                },
            )
    if state == "evaluating":
        return fresh(consultation)
    with clock.frozen(opened + 2 * DAY):
        services.consultation_award(consultation=fresh(consultation), by=buyer)
    return fresh(consultation)
