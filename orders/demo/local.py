"""Demo re-competitions of Local ateliers, in every state, for both pilots, on a credible
timeline (the clock is set to each step's day)."""

import datetime
from decimal import Decimal

from orders import services
from orders.models import Consultation
from procurement import clock

from . import execution

DAY = datetime.timedelta(days=1)
PHASES = ["kickoff", "diagnosis", "strategy", "roadmap", "final_report"]
SHARES = [Decimal("0.10"), Decimal("0.25"), Decimal("0.25"), Decimal("0.25"), Decimal("0.15")]
JUSTIFICATIONS = {
    "territory": "Lecture fine des dynamiques du territoire et des acteurs ; enjeux {quality}.",
    "method": "Démarche en trois séminaires {quality}, avec restitutions publiques.",
    "team": "Équipe pluridisciplinaire {quality} ; chef de projet expérimenté.",
}
# (state, days ago the consultation was launched, what the awarded contract goes through)
SCENARIOS = [
    ("draft", None, None),
    ("launched", 10, None),
    ("evaluating", 40, None),
    ("awarded", 150, "running"),
    ("unsuccessful", 70, None),
    ("cancelled", 60, None),
]
# More contracts for one pilot: every execution state (see demo/execution.py).
EXECUTION_SCENARIOS = [
    ("awarded", 55, "awarded"),
    ("awarded", 75, "notified"),
    ("awarded", 240, "advance_repaid"),
    ("awarded", 300, "revised"),
    ("awarded", 280, "terminated"),
    ("awarded", 430, "completed"),
    ("awarded", 500, "closed"),
]


def _at(day):
    return clock.frozen(day)


def _deadline(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


def run(request, state, launched_ago, buyer, index, *, plan=None, users=None):
    """One consultation of `request`, driven to `state`; an awarded contract follows `plan`."""
    today = clock.today()
    launched = today - (launched_ago or 3) * DAY
    with _at(launched - 7 * DAY):
        consultation = services.consultation_prepare(
            team_request=request, by=buyer, estimated_amount=Decimal("105000.00")
        )
        deadline = _deadline(launched + 30 * DAY if state != "launched" else today + 12 * DAY)
        services.consultation_update(
            consultation=consultation,
            by=buyer,
            subject=consultation.subject,
            estimated_amount=consultation.estimated_amount,
            deadline=deadline,
            contact=consultation.contact,
        )
    if state == "draft":
        return consultation
    with _at(launched):
        services.consultation_launch(consultation=_fresh(consultation), by=buyer)
    if state == "cancelled":
        with _at(launched + 5 * DAY):
            services.consultation_cancel(
                consultation=_fresh(consultation),
                by=buyer,
                comment="La collectivité a fusionné : le besoin sera redéfini avec le nouvel EPCI.",
            )
        return consultation
    holders = [i.holder for i in consultation.invitations.order_by("holder__pk")]
    answers = holders[:2] if state == "launched" else holders
    with _at(launched + 8 * DAY):
        for position, holder in enumerate(answers):
            declines = state == "launched" and position == 1 or position == 3
            services.offer_record(
                consultation=consultation,
                by=buyer,
                holder=holder,
                received_at=clock.now() - datetime.timedelta(hours=2),
                declined=declines,
                reason="Plan de charge complet sur la période." if declines else "",
            )
    if state == "launched":
        return consultation
    with _at(launched + 31 * DAY):
        services.consultation_open(consultation=_fresh(consultation), by=buyer)
        offers = list(consultation.offers.filter(status="submitted").order_by("holder__pk"))
        for position, offer in enumerate(offers):
            total = Decimal("96000") + Decimal("9000") * ((position + index) % 3)
            experts = list(offer.holder.experts.order_by("pk"))
            services.offer_content(
                offer=offer,
                by=buyer,
                prices={
                    p: (total * share).quantize(Decimal("1"))
                    for p, share in zip(PHASES, SHARES, strict=True)
                },
                team=[
                    (
                        experts[0],
                        True,
                        {
                            "kickoff": 1,
                            "diagnosis": 2,
                            "strategy": 2,
                            "roadmap": 2,
                            "final_report": 3,
                        },
                    ),
                    (experts[2], False, {"diagnosis": 2, "strategy": 2, "roadmap": 1}),
                    (experts[3], False, {"diagnosis": 1, "strategy": 2, "roadmap": 2}),
                ],
            )
    with _at(launched + 35 * DAY):
        services.consultation_evaluate(consultation=_fresh(consultation), by=buyer)
        for position, offer in enumerate(offers):
            if state == "unsuccessful":
                services.offer_reject(
                    offer=offer,
                    by=buyer,
                    kind="unacceptable",
                    reason="Prix au-delà des crédits budgétaires disponibles pour l'atelier.",
                )
                continue
            if state == "evaluating" and position == len(offers) - 1:
                continue  # scoring in progress: the last offer is not marked yet
            marks = [(7, 6, 7), (8, 8, 9), (9, 8, 8)][(position + index) % 3]
            services.offer_score(
                offer=offer,
                by=buyer,
                marks={
                    key: (
                        Decimal(mark),
                        JUSTIFICATIONS[key].format(quality="solides" if mark >= 8 else "correctes"),
                    )
                    for key, mark in zip(("territory", "method", "team"), marks, strict=True)
                },
            )
    if state == "unsuccessful":
        with _at(launched + 40 * DAY):
            services.consultation_declare_unsuccessful(
                consultation=_fresh(consultation),
                by=buyer,
                comment="Aucune offre acceptable : toutes dépassent les crédits disponibles.",
            )
    if state == "awarded":
        with _at(launched + 45 * DAY):
            contract = services.consultation_award(consultation=_fresh(consultation), by=buyer)
        execution.run(contract, plan, launched + 45 * DAY, users, shift=index % 3)
    return consultation


def _fresh(consultation):
    return Consultation.objects.get(pk=consultation.pk)
