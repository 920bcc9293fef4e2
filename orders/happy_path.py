"""How a purchase order reaches a given state through the real services, defined once.

seed_demo, the test factories and the benchmark all drive orders with `drive_order`: every
step is the business action itself (locks, ceiling, number, documents, invoices, history),
never an assignment. Tests that do not exercise the path use the fast factories instead.
Dates: every step happens "today" by the application clock (procurement.clock); the demo
sets that clock to build its backdated history.
"""

import contextlib
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from notifications import outbox
from procurement import clock

from . import services
from .enums import OrderState
from .models import InvoiceKind, PurchaseOrder

PATH = [
    OrderState.ISSUED,
    OrderState.NOTIFIED,
    OrderState.ACCEPTED,
    OrderState.IN_PROGRESS,
    OrderState.DELIVERED,
    OrderState.SERVICE_DONE,
    OrderState.INVOICED,
    OrderState.PAID,
    OrderState.CLOSED,
]
# The step that leads to each state: an order action, or an invoice step.
ACTION_TO = {
    OrderState.ISSUED: "issue",
    OrderState.NOTIFIED: "notify",
    OrderState.ACCEPTED: "holder_accept",
    OrderState.IN_PROGRESS: "start",
    OrderState.DELIVERED: "deliver",
    OrderState.SERVICE_DONE: "certify",
    OrderState.INVOICED: "invoice",
    OrderState.PAID: "pay",
    OrderState.CLOSED: "close",
}
FINANCE_ACTIONS = {"invoice", "pay"}
PILOT_ACTIONS = {"start", "deliver", "certify"}


def minimal_pdf(title="Livrable"):
    """A small, valid one-page PDF (reportlab), for deliverables in demo and tests."""
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.drawString(72, 750, title)
    pdf.save()
    return buffer.getvalue()


def plan(order, today):
    """What an issued order must state, for a draft that does not say it yet: a session
    today (so that the whole path may run in one day) and a delivery within a month."""
    return {
        name: value
        for name, value in {
            "session_start": today,
            "session_end": today,
            "session_place": "Mairie",
            "delivery_deadline": today + datetime.timedelta(days=30),
            "ej_number": f"21{order.pk:08d}",
        }.items()
        if not getattr(order, name)
    }


def default_data(action, order, today):
    """What each step needs when the caller gives nothing: plausible values for today."""
    return {
        "deliver": {
            "deliverable": SimpleUploadedFile(
                "synthese.pdf", minimal_pdf("Synthèse de l'atelier"), "application/pdf"
            )
        },
        "invoice": {
            "holder_number": f"FAC-{order.pk:05d}",
            "received_on": today,
            "amount_excl_tax": order.total_excl_tax,
            "vat": order.total_vat,
            "kind": InvoiceKind.BALANCE,
        },
    }.get(action, {})


def _on(day):
    """Run a step on `day` when given, else today."""
    return clock.frozen(day) if day else contextlib.nullcontext()


def _invoice(
    order,
    by,
    received_on,
    holder_number,
    amount_excl_tax,
    vat,
    kind,
    chorus_number="",
    accepted_on=None,
    interrupted_on=None,
    missing_items="",
    completed_on=None,
):
    """Record the invoice; if it lacked something, interrupt the delay then complete it;
    accept it for payment. Each on its own day when given."""
    invoice = services.invoice_record(
        order=order,
        by=by,
        kind=kind,
        holder_number=holder_number,
        chorus_number=chorus_number,
        received_on=received_on,
        amount_excl_tax=amount_excl_tax,
        vat=vat,
    )
    if interrupted_on:
        with _on(interrupted_on):
            invoice = services.invoice_interrupt(
                invoice=invoice, by=by, on=interrupted_on, missing_items=missing_items
            )
        with _on(completed_on):
            invoice = services.invoice_complete(invoice=invoice, by=by, on=completed_on)
    with _on(accepted_on):
        return services.invoice_accept(invoice=invoice, by=by, on=accepted_on)


def _pay(order, by, on=None, interest_paid_on=None):
    """Pay the accepted invoice; when it was late, its interest on `interest_paid_on`."""
    invoice = services.invoice_pay(invoice=order.invoices.get(state="accepted"), by=by, on=on)
    if interest_paid_on and invoice.payment.owes_interest:
        with _on(interest_paid_on):
            services.payment_interest_paid(payment=invoice.payment, by=by, on=interest_paid_on)
    return invoice


def run_step(order, action, *, by, data=None):
    """One step of the path, with the step's data."""
    order = PurchaseOrder.objects.get(pk=order.pk)
    values = {**default_data(action, order, clock.today()), **(data or {})}
    if action == "invoice":
        return _invoice(order, by, **values)
    if action == "pay":
        return _pay(order, by, **values)
    result = services.ORDER_ACTIONS[action].run(order, by=by, **values)
    if action == "notify":
        # The holder's e-mail leaves now (a worker's job in production): the order is notified.
        outbox.deliver_about(result)
        result = PurchaseOrder.objects.get(pk=order.pk)
    return result


def actor_for(action, *, buyer, finance, pilot=None):
    if action in FINANCE_ACTIONS:
        return finance
    if pilot is not None and action in PILOT_ACTIONS:
        return pilot
    return buyer


def drive_order(order, target, *, buyer, finance, pilot=None, data=None):
    """Drive a draft to `target`. `data` maps a step to its values; a step given an "at"
    date runs with the clock set to that day."""
    data = data or {}
    missing = plan(order, clock.today())
    if missing:
        order = services.order_update_draft(
            order=order,
            by=buyer,
            quantities={line.price_line_id: line.quantity for line in order.lines.all()},
            fields=missing,
        )
    if target == OrderState.DRAFT:
        return order
    if target in (OrderState.CANCELLED, OrderState.DECLINED):
        steps = ["issue"] + (["notify", "decline"] if target == OrderState.DECLINED else ["cancel"])
    else:
        steps = [ACTION_TO[state] for state in PATH[: PATH.index(target) + 1]]
    for action in steps:
        values = dict(data.get(action, {}))
        if action in ("cancel", "decline"):
            values.setdefault("comment", "motif")
        at = values.pop("at", None)
        actor = actor_for(action, buyer=buyer, finance=finance, pilot=pilot)
        if at is None:
            run_step(order, action, by=actor, data=values)
        else:
            with clock.frozen(at):
                run_step(order, action, by=actor, data=values)
    return PurchaseOrder.objects.get(pk=order.pk)
