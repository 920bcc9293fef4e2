"""Demo execution of Local subsequent contracts, in every state, on a credible timeline: the
Syntec series, then for each contract its notification, advance, sessions, deliverables,
acceptances, instalments (revised, with the advance repaid), termination or closing. The
clock is set to each step's day; nothing is recorded after today."""

import datetime
import io
from decimal import Decimal

from django.core.files.base import ContentFile

from framework_agreements.models import SyntecIndex
from notifications import outbox
from orders import services
from orders.models import Invoice
from procurement import clock
from teams.services import TeamRefused

DAY = datetime.timedelta(days=1)
# Days after the start of execution: kick-off, the three sessions, the final report.
PHASE_OFFSETS = [14, 70, 130, 190, 250]
PHASE_LENGTH = {"kickoff": 0, "diagnosis": 1, "strategy": 1, "roadmap": 1, "final_report": 0}
PLACES = ["Hôtel de ville", "Salle des fêtes", "Médiathèque", "Maison du projet", "Mairie"]

# What each plan does: the phases accepted, those invoiced and paid, and what follows.
PLANS = {
    "awarded": {"notify": False},
    "notified": {"start": False, "advance": "received"},
    "running": {"accepted": 1, "paid": 1, "submitted": True},
    "advance_repaid": {"advance_rate": "40", "guarantee": True, "accepted": 3, "paid": 3},
    "revised": {"accepted": 4, "paid": 3},
    "completed": {"accepted": 5, "paid": 4, "received": 1},
    "closed": {"accepted": 5, "paid": 5, "close": True},
    "terminated": {"declined": True, "accepted": 1, "paid": 1, "terminate": True},
}


def syntec_series(today):
    """A plausible monthly Syntec series from January 2023 to the last published month (the
    index of a month is published the next month: the current month is missing)."""
    month, i = datetime.date(2023, 1, 1), 0
    last = (today.replace(day=1) - DAY).replace(day=1)
    while month <= last:
        value = Decimal("288.7") + Decimal("0.37") * i + Decimal((i * 7) % 5 - 2) / 10
        SyntecIndex.objects.update_or_create(
            month=month, defaults={"value": value.quantize(Decimal("0.1"))}
        )
        month = (month + 32 * DAY).replace(day=1)
        i += 1


def _fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


def _pdf(title):
    """A one-page PDF standing for a deliverable the holder sent."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from procurement.uploads import validate_pdf

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setTitle(title)
    page.drawString(72, 760, f"Livrable de démonstration — {title}")
    page.showPage()
    page.save()
    upload = ContentFile(buffer.getvalue(), name=f"{title}.pdf")
    upload.sha256 = validate_pdf(upload)
    return upload


def _at(day, today):
    if day > today:
        raise ValueError(f"The demo would record a fact in the future: {day} > {today}.")
    return clock.frozen(day)


def _schedule(phase, start, buyer, shift):
    """Book the phase; on a conflict with another atelier, the next free days."""
    for extra in range(0, 30, 2):
        day = start + (shift + extra) * DAY
        try:
            return services.phase_schedule(
                phase=_fresh(phase),
                by=buyer,
                start_on=day,
                end_on=day + PHASE_LENGTH[phase.phase] * DAY,
                place=f"{PLACES[phase.position - 1]}, {phase.contract.request.department.name}",
            )
        except TeamRefused:
            continue
    raise ValueError(f"No free dates for {phase}.")


def _pay_invoice(invoice, finance, received, today, paid_after=25):
    with _at(received + 4 * DAY, today):
        services.invoice_accept(invoice=_fresh(invoice), by=finance)
    with _at(received + paid_after * DAY, today):
        services.invoice_pay(invoice=_fresh(invoice), by=finance)


def run(contract, plan_name, awarded_on, users, shift):
    """Drive an awarded contract along its plan."""
    buyer, finance, pilot = users["acheteur"], users["finance"], users["pilot"]
    plan = PLANS[plan_name]
    today = clock.today()
    with _at(awarded_on + 5 * DAY, today):
        fields = {
            "ej_number": f"22{contract.pk:08d}",
            "budget_centre": "0135-CDGA-C001",
            "budget_domain": "0135-07",
            "budget_activity": "013507AT0002",
            "duration_months": 10,
            "advance_declined": plan.get("declined", False),
            "guarantee_required": plan.get("guarantee", False),
        }
        if "advance_rate" in plan:
            fields["advance_rate"] = Decimal(plan["advance_rate"])
        if plan.get("notify", True):
            services.contract_update(contract=contract, by=buyer, **fields)
    if not plan.get("notify", True):
        return _fresh(contract)
    notified = awarded_on + 7 * DAY
    with _at(notified, today):
        contract = services.contract_notify(contract=_fresh(contract), by=buyer)
        outbox.deliver_about(contract)  # the letter leaves: the contract is notified
        contract = _fresh(contract)
    if plan.get("guarantee"):
        with _at(notified + 5 * DAY, today):
            services.guarantee_record(contract=_fresh(contract), by=finance, on=clock.today())
    if contract.has_advance:
        received = notified + 6 * DAY
        with _at(received, today):
            advance = services.advance_record(
                contract=_fresh(contract), by=finance, holder_number="AV-01", received_on=received
            )
        if plan.get("advance") != "received":
            _pay_invoice(advance, finance, received, today, paid_after=14)
    started = notified + 7 * DAY
    phases = list(_fresh(contract).phases.order_by("position"))
    with _at(notified + 2 * DAY, today):
        # The kick-off is set with the notification; the others at the start of execution.
        _schedule(phases[0], started + PHASE_OFFSETS[0] * DAY, buyer, shift)
    if not plan.get("start", True):
        return _fresh(contract)
    with _at(started, today):
        services.contract_start(contract=_fresh(contract), by=buyer)
        for phase in phases[1:]:
            _schedule(phase, started + PHASE_OFFSETS[phase.position - 1] * DAY, buyer, shift)
    accepted, paid = plan.get("accepted", 0), plan.get("paid", 0)
    for phase in phases[:accepted]:
        _execute_phase(phase, pilot if phase.position % 2 else buyer, today)
        phase = _fresh(phase)
        if phase.position <= paid + plan.get("received", 0):
            received = phase.accepted_on + 4 * DAY
            with _at(received, today):
                invoice = services.instalment_record(
                    phase=phase,
                    by=finance,
                    holder_number=f"F-{contract.number[-4:]}-{phase.position}",
                    received_on=received,
                )
            if phase.position <= paid:
                _pay_invoice(invoice, finance, received, today)
    if plan.get("submitted") and accepted < len(phases):
        _execute_phase(phases[accepted], pilot, today, accept=False)
    if plan.get("terminate"):
        with _at(today - 60 * DAY, today):
            services.contract_terminate(
                contract=_fresh(contract),
                by=buyer,
                comment="Fusion des communes porteuses : le projet est repris dans le PLUi, "
                "la démarche s'arrête après le diagnostic.",
            )
    if plan.get("close"):
        last_paid = max(
            i.payment.paid_on for i in Invoice.objects.filter(subsequent_contract=contract)
        )
        with _at(last_paid + 10 * DAY, today):
            services.contract_close(contract=_fresh(contract), by=finance)
    return _fresh(contract)


def _execute_phase(phase, by, today, accept=True):
    phase = _fresh(phase)
    delivered = phase.end_on + 3 * DAY
    with _at(delivered, today):
        for kind in phase.required_deliverables:
            services.deliverable_add(
                phase=_fresh(phase), by=by, kind=kind, file=_pdf(f"{kind}-{phase.phase}")
            )
        services.phase_submit(phase=_fresh(phase), by=by)
    if accept:
        with _at(delivered + 3 * DAY, today):
            services.phase_accept(phase=_fresh(phase), by=by)
