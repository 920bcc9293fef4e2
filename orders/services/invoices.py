"""Invoices and payments of an order: record, interrupt the delay (once), complete, accept
for payment, reject, pay, and pay the late interest. One service function per action.

The order follows its invoices: its first invoice accepted for payment makes it "invoiced";
its balance paid, with nothing left pending, makes it "paid".
"""

from django import forms
from django.db import transaction

from procurement import clock
from procurement.actions import ActionRefused, Catalogue, save
from procurement.fields import TEXT_MAX
from procurement.money import format_euros

from .. import chronology, late_payment, notices
from ..enums import OrderState
from ..models import Invoice, InvoiceKind, LatePaymentRate, Payment, PurchaseOrder
from ..models.payments import PENDING_INVOICE_STATES
from . import contract_payments
from .purchase_orders import date_field, today_initial

INVOICE_ACTIONS = Catalogue("invoice")
action = INVOICE_ACTIONS.action

# Orders on which invoices may be received: notified and not ended.
INVOICEABLE_STATES = [
    OrderState.NOTIFIED,
    OrderState.ACCEPTED,
    OrderState.IN_PROGRESS,
    OrderState.DELIVERED,
    OrderState.SERVICE_DONE,
    OrderState.INVOICED,
]


@transaction.atomic
def invoice_record(
    *,
    order,
    by,
    kind,
    holder_number,
    received_on,
    amount_excl_tax,
    vat,
    chorus_number="",
):
    """Record an invoice as received in Chorus Pro."""
    locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if not locked.abilities(by)["record_invoice"]:
        raise ActionRefused("Vous ne pouvez pas enregistrer de facture sur ce bon de commande.")
    if locked.state not in INVOICEABLE_STATES:
        raise ActionRefused(
            f"Aucune facture ne peut être reçue sur un bon de commande « "
            f"{locked.get_state_display()} »."
        )
    if kind == InvoiceKind.ADVANCE:
        raise ActionRefused("Un bon de commande Flash ne donne pas lieu à une avance.")
    chronology.invoice_received(locked, received_on, clock.today())
    amount = amount_excl_tax + vat
    if kind == InvoiceKind.CREDIT_NOTE:
        invoiced = locked.invoiced_total()
        if amount > invoiced:
            raise ActionRefused(
                f"Avoir refusé : {format_euros(amount)} TTC dépasse le montant facturé "
                f"({format_euros(invoiced)} TTC)."
            )
    else:
        remaining = locked.remaining_to_invoice()
        if amount > remaining:
            raise ActionRefused(
                f"Facture refusée : {format_euros(amount)} TTC dépasse ce qui reste à facturer "
                f"sur le bon de commande, soit {format_euros(remaining)} TTC (montant "
                f"{format_euros(locked.total_incl_tax)} TTC, déjà facturé "
                f"{format_euros(locked.invoiced_total())} TTC, avoirs déduits)."
            )
    invoice = Invoice(
        purchase_order=locked,
        kind=kind,
        holder_number=holder_number,
        chorus_number=chorus_number,
        received_on=received_on,
        amount_excl_tax=amount_excl_tax,
        vat=vat,
        amount_incl_tax=amount,
        created_by=by,
    )
    return save(invoice, by, f"Facture reçue ({invoice.get_kind_display().lower()})")


def _notify_interruption(invoice, by):
    """R2192-28: the holder is told why the delay stops and what is missing."""
    order = invoice.order
    kind = "bon de commande" if invoice.purchase_order_id else "marché"
    notices.document_to_holder(
        kind="payment_interruption",
        about=order,
        holder=order.holder,
        subject=f"Interruption du délai de paiement — facture {invoice.holder_number}",
        paragraphs=[
            f"Le délai de paiement de votre facture n° {invoice.holder_number} "
            f"({format_euros(invoice.amount_incl_tax)} TTC), relative au {kind} {order.number}, "
            f"est interrompu à compter du {invoice.interrupted_on:%d/%m/%Y} (articles R2192-27 et "
            "R2192-28 du code de la commande publique).",
            f"Pièces ou mentions à fournir ou à compléter :\n{invoice.missing_items}",
            "Un nouveau délai de paiement courra à réception de la facture complète (article "
            "R2192-29).",
        ],
        document=None,
        by=by,
    )


@action(
    "interrupt",
    "Interrompre le délai de paiement",
    fields={
        "on": date_field("Interrompu le"),
        "missing_items": forms.CharField(
            label="Pièces ou mentions manquantes",
            max_length=TEXT_MAX,
            widget=forms.Textarea(attrs={"rows": 3}),
        ),
    },
    initial=today_initial,
    secondary=True,
)
@transaction.atomic
def invoice_interrupt(*, invoice, by, missing_items, on=None, expected_state=None, comment=""):
    """R2192-27: once, for missing or wrong items, before the invoice is accepted."""
    with INVOICE_ACTIONS.perform(
        "interrupt", invoice, by=by, expected_state=expected_state, comment=comment
    ) as step:
        if not (missing_items or "").strip():
            raise ActionRefused("Indiquez les pièces ou mentions manquantes.")
        day = on or clock.today()
        chronology.invoice_interrupted(step.obj, day, clock.today())
        step.obj.interrupt(on=day, missing_items=missing_items.strip())
    _notify_interruption(step.obj, by)
    return step.obj


@action(
    "complete",
    "Enregistrer la facture complète",
    fields={"on": date_field("Facture complète reçue le")},
    initial=today_initial,
)
@transaction.atomic
def invoice_complete(*, invoice, by, on=None, expected_state=None, comment=""):
    """R2192-29: a new delay opens on receipt of the complete invoice."""
    with INVOICE_ACTIONS.perform(
        "complete", invoice, by=by, expected_state=expected_state, comment=comment
    ) as step:
        day = on or clock.today()
        chronology.invoice_completed(step.obj, day, clock.today())
        step.obj.complete(on=day)
    return step.obj


@action(
    "accept",
    "Accepter pour paiement",
    fields={"on": date_field("Acceptée le")},
    initial=today_initial,
)
@transaction.atomic
def invoice_accept(*, invoice, by, on=None, expected_state=None, comment=""):
    with INVOICE_ACTIONS.perform(
        "accept", invoice, by=by, expected_state=expected_state, comment=comment
    ) as step:
        order = None
        if step.obj.purchase_order_id:
            order = PurchaseOrder.objects.select_for_update().get(pk=step.obj.purchase_order_id)
            if order.service_done_at is None:
                # R2191-23 CCP: payment follows the written acceptance of the work.
                raise ActionRefused(
                    "Acceptation refusée : le service fait n'est pas encore certifié (article "
                    "R2191-23 du code de la commande publique)."
                )
        else:
            contract_payments.check_payable(step.obj)
        day = on or clock.today()
        chronology.invoice_accepted(step.obj, day, clock.today())
        step.obj.accept(on=day)
    if order is not None and order.state == OrderState.SERVICE_DONE:
        order.invoice()
        save(order, by, "Facturé", f"facture n° {step.obj.holder_number} acceptée pour paiement")
    return step.obj


@action("reject", "Rejeter la facture", reason_required=True, secondary=True)
@transaction.atomic
def invoice_reject(*, invoice, by, expected_state=None, comment=""):
    with INVOICE_ACTIONS.perform(
        "reject", invoice, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.reject(reason=step.comment)
    return step.obj


@action(
    "pay",
    "Enregistrer le paiement",
    fields={"on": date_field("Payée le")},
    initial=today_initial,
)
@transaction.atomic
def invoice_pay(*, invoice, by, on=None, expected_state=None, comment=""):
    """One payment per invoice, with the interest and fee it owes if it is late."""
    with INVOICE_ACTIONS.perform(
        "pay", invoice, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        day = on or clock.today()
        chronology.payment(locked, day, clock.today())
        # What is paid is the net amount: an instalment's advance repayment is deducted.
        lateness = late_payment.lateness(
            locked.net_amount, locked.due_date, day, LatePaymentRate.table()
        )
        locked.pay()
    payment = Payment(
        invoice=locked,
        paid_on=day,
        amount=locked.net_amount,
        days_late=lateness.days,
        ecb_rate=lateness.ecb_rate,
        interest_due=lateness.interest,
        flat_fee_due=lateness.flat_fee or 0,
        recorded_by=by,
    )
    save(payment, by, "Paiement enregistré")
    if not locked.purchase_order_id:
        return locked  # a contract is closed by its own action, with its final statement
    order = PurchaseOrder.objects.select_for_update().get(pk=locked.purchase_order_id)
    pending = order.invoices.filter(state__in=PENDING_INVOICE_STATES).exclude(
        kind=InvoiceKind.CREDIT_NOTE
    )
    if (
        locked.kind == InvoiceKind.BALANCE
        and order.state == OrderState.INVOICED
        and not pending.exists()
    ):
        order.pay()
        save(order, by, "Payé", f"solde payé le {day:%d/%m/%Y}")
    return locked


@transaction.atomic
def payment_interest_paid(*, payment, by, on):
    """R2192-36: the interest and fee, paid within 45 days of the principal."""
    locked = Payment.objects.select_for_update().get(pk=payment.pk)
    if not locked.invoice.abilities(by)["pay"]:
        raise ActionRefused("Vous ne pouvez pas enregistrer ce paiement.")
    if not locked.owes_interest:
        raise ActionRefused("Ce paiement n'était pas en retard : il ne doit pas d'intérêts.")
    if locked.interest_paid_on is not None:
        raise ActionRefused("Les intérêts de ce paiement sont déjà enregistrés comme payés.")
    chronology.interest_payment(locked, on, clock.today())
    locked.interest_paid_on = on
    locked._history_user = by
    locked.save()
    return locked
