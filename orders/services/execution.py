"""Executing a Flash purchase order: the start, the deliverable, the service fait with its
certificate, and the closing. Invoices and payments are orders/services/invoices.py."""

from django import forms
from django.db import transaction

from procurement import clock
from procurement.actions import ActionRefused
from procurement.uploads import PdfField
from teams import services as team_services

from .. import chronology
from . import documents
from .purchase_orders import ORDER_ACTIONS, date_field, schedule_team, today_initial

action = ORDER_ACTIONS.action


def _start_initial(order):
    return {
        "on": clock.today(),
        "session_start": order.session_start,
        "session_end": order.session_end,
        "session_place": order.session_place,
        "delivery_deadline": order.delivery_deadline,
    }


@action(
    "start",
    "Démarrer l'exécution",
    fields={
        "on": date_field("Exécution commencée le"),
        "session_start": date_field("Début de la session sur site"),
        "session_end": date_field("Fin de la session sur site"),
        "session_place": forms.CharField(label="Lieu", required=False, max_length=200),
        "delivery_deadline": date_field("Livraison de la synthèse"),
    },
    initial=_start_initial,
)
@transaction.atomic
def order_start(
    *,
    order,
    by,
    expected_state=None,
    comment="",
    on=None,
    session_start=None,
    session_end=None,
    session_place="",
    delivery_deadline=None,
):
    today = clock.today()
    with ORDER_ACTIONS.perform(
        "start", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        moved = {
            name: value
            for name, value in (
                ("session_start", session_start),
                ("session_end", session_end),
                ("delivery_deadline", delivery_deadline),
            )
            if value and value != getattr(locked, name)
        }
        chronology.order_plan(locked, moved, today)  # a moved session is not in the past
        for name, value in moved.items():
            setattr(locked, name, value)
        if session_place:
            locked.session_place = session_place
        if not (locked.session_start and locked.session_end and locked.session_place):
            raise ActionRefused("Indiquez les dates et le lieu de la session sur site.")
        if locked.session_end < locked.session_start:
            raise ActionRefused("La fin de la session précède son début.")
        started_on = on or today
        chronology.start_of_execution(locked, started_on, today)
        if locked.team is not None:
            team_services.team_book(
                team=locked.team,
                start=locked.session_start,
                end=locked.session_end,
                place=locked.session_place,
            )
        locked.start(started_on=started_on)
    schedule_team(locked)
    return locked


@action(
    "deliver",
    "Enregistrer le livrable",
    fields={
        "deliverable": PdfField(label="Livrable de synthèse (PDF)", required=False),
        "on": date_field("Livré le"),
    },
    initial=today_initial,
)
@transaction.atomic
def order_deliver(*, order, by, expected_state=None, comment="", deliverable=None, on=None):
    with ORDER_ACTIONS.perform(
        "deliver", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        if not deliverable:
            raise ActionRefused("Joignez le livrable de synthèse (PDF).")
        delivered_on = on or clock.today()
        chronology.delivery(step.obj, delivered_on, clock.today())
        step.obj.deliverable = deliverable
        step.obj.deliverable_sha256 = getattr(deliverable, "sha256", "") or _sha256(deliverable)
        step.obj.deliver(delivered_on=delivered_on)
    return step.obj


def _sha256(upload):
    import hashlib

    upload.seek(0)
    digest = hashlib.sha256(upload.read()).hexdigest()
    upload.seek(0)
    return digest


@action(
    "certify",
    "Certifier le service fait",
    fields={"on": date_field("Service fait le")},
    initial=today_initial,
)
@transaction.atomic
def order_certify(*, order, by, expected_state=None, comment="", on=None):
    """R2191-23 CCP: the written acceptance of the work, which opens the way to payment; its
    certificate is built and stored in the same transaction."""
    with ORDER_ACTIONS.perform(
        "certify", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        done_on = on or clock.today()
        chronology.service_done(step.obj, done_on, clock.today())
        step.obj.certify(by=by, on=done_on)
    documents.store_service_done_certificate(step.obj, by)
    return step.obj


@action("close", "Clôturer")
@transaction.atomic
def order_close(*, order, by, expected_state=None, comment=""):
    with ORDER_ACTIONS.perform(
        "close", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.close()
    return step.obj
