"""Subsequent contracts driven through the real services, with the clock set to each step's
day: the worked example of the issue (100 000 € excl. tax, phases 10/25/25/25/15 %), awarded
from a re-competition, notified, started, and each phase accepted in its own month."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from framework_agreements.models import SyntecIndex
from notifications import outbox
from orders import services
from orders.models import ContractPhase, SubsequentContract
from procurement import clock
from procurement.uploads import validate_pdf
from tests import pdfs
from tests.local_factories import PHASES, make_consultation

SHARES = {
    "kickoff": Decimal("0.10"),
    "diagnosis": Decimal("0.25"),
    "strategy": Decimal("0.25"),
    "roadmap": Decimal("0.25"),
    "final_report": Decimal("0.15"),
}
START = datetime.date(2027, 3, 1)  # the consultation is launched; offers due 31/03/2027
AWARDED_ON = START + datetime.timedelta(days=33)
NOTIFIED_ON = datetime.date(2027, 4, 10)
STARTED_ON = datetime.date(2027, 4, 12)
STATES = ["awarded", "notified", "in_execution", "completed", "closed", "terminated"]


def worked_split(total):
    return {phase: total * share for phase, share in SHARES.items()}


def seed_indices(values=None, first=datetime.date(2026, 1, 1), months=36):
    """A Syntec series: 300.0 in the base month (03/2027) and +1 point a month around it,
    unless `values` {month: value} says otherwise."""
    base = datetime.date(2027, 3, 1)
    for i in range(months):
        year, month = divmod(first.month - 1 + i, 12)
        day = datetime.date(first.year + year, month + 1, 1)
        offset = (day.year - base.year) * 12 + day.month - base.month
        value = (values or {}).get(day, Decimal("300.0") + offset)
        SyntecIndex.objects.update_or_create(month=day, defaults={"value": value})


def pdf_upload(name="livrable.pdf"):
    upload = SimpleUploadedFile(name, pdfs.clean(), content_type="application/pdf")
    upload.sha256 = validate_pdf(upload)
    return upload


def phase_month(position):
    """Phase n is held and accepted in month n after the start: May, June… 2027."""
    month = STARTED_ON.month + position
    return datetime.date(2027 + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def fresh(contract):
    return SubsequentContract.objects.get(pk=contract.pk)


def run_phase(phase, by, *, accept=True, shift=0):
    """Schedule the phase in its month, record its deliverables, submit, accept. `shift`
    moves the days (two contracts of one holder never share a session's dates)."""
    month = phase_month(phase.position) + 2 * shift * datetime.timedelta(days=1)
    with clock.frozen(month):
        services.phase_schedule(
            phase=phase,
            by=by,
            start_on=month + datetime.timedelta(days=9),
            end_on=month + datetime.timedelta(days=10),
            place="Mairie de Quimper",
        )
    with clock.frozen(month + datetime.timedelta(days=12)):
        for kind in phase.required_deliverables:
            services.deliverable_add(
                phase=ContractPhase.objects.get(pk=phase.pk), by=by, kind=kind, file=pdf_upload()
            )
        services.phase_submit(phase=ContractPhase.objects.get(pk=phase.pk), by=by)
    if accept:
        with clock.frozen(month + datetime.timedelta(days=14)):
            services.phase_accept(phase=ContractPhase.objects.get(pk=phase.pk), by=by)
    return ContractPhase.objects.get(pk=phase.pk)


def make_contract(
    pilot,
    buyer,
    state="notified",
    *,
    total=Decimal("100000.00"),
    duration=10,
    advance_rate=None,
    declined=False,
    accepted=None,
    indices=True,
    finance=None,
    shift=0,
):
    """A contract in `state`; `accepted` phases (default: all for completed/closed, one for
    terminated). A closed contract has its advance and instalments paid (needs `finance`)."""
    consultation = make_consultation(
        pilot,
        buyer,
        "awarded",
        start=START,
        offers=[(total, (9, 9, 9)), (total + Decimal("20000"), (5, 5, 5))],
        split=worked_split,
    )
    if indices:
        seed_indices()
    contract = consultation.contract
    fields = {"ej_number": "2100004321", "duration_months": duration, "advance_declined": declined}
    if advance_rate is not None:
        fields["advance_rate"] = Decimal(advance_rate)
    with clock.frozen(AWARDED_ON):
        services.contract_update(contract=contract, by=buyer, **fields)
    if state == "awarded":
        return fresh(contract)
    with clock.frozen(NOTIFIED_ON):
        services.contract_notify(contract=fresh(contract), by=buyer)
        outbox.deliver_about(contract)
    if state == "notified":
        return fresh(contract)
    with clock.frozen(STARTED_ON):
        services.contract_start(contract=fresh(contract), by=buyer)
    if accepted is None:
        accepted = {"completed": 5, "closed": 5, "terminated": 1}.get(state, 0)
    if state == "closed":
        invoice_advance(fresh(contract), finance)
        execute_and_invoice(contract, pilot, finance)
        with clock.frozen(datetime.date(2028, 1, 10)):
            services.contract_close(contract=fresh(contract), by=finance)
        return fresh(contract)
    for phase in fresh(contract).phases.order_by("position")[:accepted]:
        run_phase(phase, pilot, shift=shift)
    if state == "terminated":
        with clock.frozen(phase_month(accepted + 1)):
            services.contract_terminate(
                contract=fresh(contract), by=buyer, comment="Le territoire abandonne le projet"
            )
    return fresh(contract)


def pay(invoice, finance, on):
    with clock.frozen(on):
        services.invoice_accept(invoice=invoice, by=finance)
        return services.invoice_pay(
            invoice=invoice.__class__.objects.get(pk=invoice.pk), by=finance
        )


def invoice_phase(contract, phase_name, finance, *, paid=True):
    """Record (and pay) the instalment of a phase, in the month after its service fait."""
    phase = contract.phases.get(phase=phase_name)
    day = phase.accepted_on + datetime.timedelta(days=3)
    with clock.frozen(day):
        invoice = services.instalment_record(
            phase=phase, by=finance, holder_number=f"F-{phase_name}", received_on=day
        )
    if paid:
        pay(invoice, finance, day + datetime.timedelta(days=10))
    return invoice.__class__.objects.get(pk=invoice.pk)


def invoice_advance(contract, finance, *, paid=True):
    day = NOTIFIED_ON + datetime.timedelta(days=2)
    with clock.frozen(day):
        invoice = services.advance_record(
            contract=contract, by=finance, holder_number="AV-1", received_on=day
        )
    if paid:
        pay(invoice, finance, day + datetime.timedelta(days=5))
    return invoice.__class__.objects.get(pk=invoice.pk)


__all__ = ["PHASES", "STATES", "make_contract"]


def execute_and_invoice(contract, follower, finance):
    """Each phase accepted, then its instalment recorded and paid, in turn (the way the
    repayment examples run): returns the instalments."""
    rows = []
    for phase in fresh(contract).phases.order_by("position"):
        run_phase(phase, follower)
        rows.append(invoice_phase(fresh(contract), phase.phase, finance))
    return rows
