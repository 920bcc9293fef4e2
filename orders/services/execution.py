"""Executing a Flash purchase order: the session, the deliverable, the service fait, the
invoice, the payment and the closing. One service function per action."""

from django import forms
from django.db import transaction
from django.utils import timezone

from procurement.actions import ActionRefused
from procurement.uploads import PdfField
from teams import services as team_services

from .purchase_orders import ORDER_ACTIONS, date_field, schedule_team, today_initial

action = ORDER_ACTIONS.action


def _session_initial(order):
    return {
        "session_start": order.session_start,
        "session_end": order.session_end,
        "session_place": order.session_place,
        "delivery_deadline": order.delivery_deadline,
    }


@action(
    "start",
    "Démarrer l'exécution",
    fields={
        "session_start": date_field("Début de la session sur site"),
        "session_end": date_field("Fin de la session sur site"),
        "session_place": forms.CharField(label="Lieu", required=False, max_length=200),
        "delivery_deadline": date_field("Livraison de la synthèse"),
    },
    initial=_session_initial,
)
@transaction.atomic
def order_start(
    *,
    order,
    by,
    expected_state=None,
    comment="",
    session_start=None,
    session_end=None,
    session_place="",
    delivery_deadline=None,
):
    with ORDER_ACTIONS.perform(
        "start", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        given = {
            "session_start": session_start,
            "session_end": session_end,
            "session_place": session_place,
            "delivery_deadline": delivery_deadline,
        }
        for name, value in given.items():
            if value:
                setattr(locked, name, value)
        if not (locked.session_start and locked.session_end and locked.session_place):
            raise ActionRefused("Indiquez les dates et le lieu de la session sur site.")
        if locked.session_end < locked.session_start:
            raise ActionRefused("La fin de la session précède son début.")
        if locked.team is not None:
            team_services.team_book(
                team=locked.team,
                start=locked.session_start,
                end=locked.session_end,
                place=locked.session_place,
            )
        locked.start()
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
        step.obj.deliverable = deliverable
        step.obj.deliver(delivered_on=on or timezone.localdate())
    return step.obj


@action(
    "certify",
    "Certifier le service fait",
    fields={"on": date_field("Service fait le")},
    initial=today_initial,
)
@transaction.atomic
def order_certify(*, order, by, expected_state=None, comment="", on=None):
    with ORDER_ACTIONS.perform(
        "certify", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.certify(by=by, on=on or timezone.localdate())
    return step.obj


@action(
    "invoice",
    "Enregistrer la facture",
    fields={
        "number": forms.CharField(label="Numéro de facture", max_length=40),
        "amount": forms.DecimalField(
            label="Montant TTC (€)", min_value=0, max_digits=14, decimal_places=2
        ),
        "received_on": date_field("Reçue le (Chorus Pro)", required=True),
    },
    initial=lambda order: {"amount": order.total_incl_tax, "received_on": timezone.localdate()},
)
@transaction.atomic
def order_invoice(*, order, by, number, amount, received_on, expected_state=None, comment=""):
    with ORDER_ACTIONS.perform(
        "invoice", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.invoice(number=number, amount=amount, received_on=received_on)
    return step.obj


@action(
    "pay",
    "Enregistrer le paiement",
    fields={"on": date_field("Payée le")},
    initial=today_initial,
)
@transaction.atomic
def order_pay(*, order, by, expected_state=None, comment="", on=None):
    with ORDER_ACTIONS.perform(
        "pay", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        paid_on = on or timezone.localdate()
        if paid_on < step.obj.invoice_received_at:
            raise ActionRefused("La date de paiement précède la réception de la facture.")
        step.obj.pay(paid_on=paid_on)
    return step.obj


@action("close", "Clôturer")
@transaction.atomic
def order_close(*, order, by, expected_state=None, comment=""):
    with ORDER_ACTIONS.perform(
        "close", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.close()
    return step.obj
