"""How a purchase order reaches a given state through the real services, defined once.

seed_demo, the test factories and the benchmark all drive orders with `drive_order`: every
step is the business action itself (locks, ceiling, number, documents, history), never an
assignment. Tests that do not exercise the path use the fast factories instead.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from . import services
from .enums import OrderState
from .models import PurchaseOrder

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
    import io

    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    pdf.drawString(72, 750, title)
    pdf.save()
    return buffer.getvalue()


def default_data(action, order, today):
    """What each step needs when the caller gives nothing: plausible values around today."""
    return {
        "start": {
            "session_start": order.session_start or today,
            "session_end": order.session_end or today + datetime.timedelta(days=2),
            "session_place": order.session_place or "Mairie",
        },
        "deliver": {
            "deliverable": SimpleUploadedFile(
                "synthese.pdf", minimal_pdf("Synthèse de l'atelier"), "application/pdf"
            )
        },
        "invoice": {
            "number": f"FAC-{order.pk:05d}",
            "amount": order.total_incl_tax,
            "received_on": today - datetime.timedelta(days=10),
        },
        "pay": {"on": today},
    }.get(action, {})


def run_step(order, action, *, by, data=None, today=None):
    """One step of the path: the action's own service, with the step's data."""
    today = today or timezone.localdate()
    order = PurchaseOrder.objects.get(pk=order.pk)
    values = {**default_data(action, order, today), **(data or {})}
    return services.ORDER_ACTIONS[action].run(order, by=by, **values)


def actor_for(action, *, buyer, finance, pilot=None):
    if action in FINANCE_ACTIONS:
        return finance
    if pilot is not None and action in PILOT_ACTIONS:
        return pilot
    return buyer


def drive_order(order, target, *, buyer, finance, pilot=None, data=None, today=None):
    """Drive a draft to `target`. `data` maps an action to the values its step uses."""
    data = data or {}
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
        run_step(
            order,
            action,
            by=actor_for(action, buyer=buyer, finance=finance, pilot=pilot),
            data=values,
            today=today,
        )
    return PurchaseOrder.objects.get(pk=order.pk)
