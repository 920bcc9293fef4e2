"""Invoices of an order: recorded from the order's page, each with its own page where its
delay can be interrupted, and where it is accepted, rejected and paid."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from procurement import clock, roles
from procurement.web import action_forms, attempt, errors_text, run_action

from .. import services
from ..forms import InterestPaidForm, InvoiceForm
from ..models import Invoice, LatePaymentRate, PriceRevision, PurchaseOrder, SubsequentContract
from ..services.invoices import INVOICEABLE_STATES
from ..timeline import timeline


def invoices_context(order, user, today):
    """The invoices of an order, each with its lateness, and the form to record one."""
    # None before the notification (recording one requires it): nothing to read then.
    invoices = list(order.invoices.all()) if order.notified_at else []
    rates = LatePaymentRate.table() if invoices else None  # read only when there is one
    rows = [(invoice, invoice.lateness(today, rates)) for invoice in invoices]
    may_record = order.abilities(user)["record_invoice"] and order.state in INVOICEABLE_STATES
    remaining = order.remaining_to_invoice() if may_record else None
    return {
        "invoices": rows,
        "invoice_form": (
            InvoiceForm(
                initial={
                    "kind": "balance",
                    "received_on": today,
                    "amount_excl_tax": order.total_excl_tax if remaining else None,
                    "vat": order.total_vat if remaining else None,
                },
                auto_id="invoice-%s",
            )
            if may_record
            else None
        ),
        "remaining_to_invoice": remaining,
    }


def _get_invoice_for_user(user, pk):
    invoice = get_object_or_404(
        Invoice.objects.select_related(
            "purchase_order__request",
            "purchase_order__holder",
            "purchase_order__agreement",
            "subsequent_contract__request",
            "subsequent_contract__holder",
            "contract_phase",
        ),
        pk=pk,
    )
    # Visible exactly when its order is: 404 otherwise, so nothing leaks.
    if invoice.purchase_order_id:
        get_object_or_404(PurchaseOrder.objects.visible_to(user), pk=invoice.purchase_order_id)
    else:
        get_object_or_404(
            SubsequentContract.objects.visible_to(user), pk=invoice.subsequent_contract_id
        )
    return invoice


@login_required
@require_POST
def invoice_record(request, pk):
    order = get_object_or_404(PurchaseOrder.objects.visible_to(request.user), pk=pk)
    roles.require(order.abilities(request.user), "record_invoice")
    form = InvoiceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Facture non enregistrée : " + errors_text(form))
        return redirect(order)
    attempt(
        request,
        lambda: services.invoice_record(order=order, by=request.user, **form.cleaned_data),
        lambda invoice: f"La facture n° {invoice.holder_number} a été enregistrée.",
    )
    return redirect(order)


@login_required
def invoice_detail(request, pk):
    invoice = _get_invoice_for_user(request.user, pk)
    today = clock.today()
    payment = getattr(invoice, "payment", None)
    return render(
        request,
        "orders/invoice_detail.html",
        {
            "object": invoice,
            "order": invoice.order,
            "late": invoice.lateness(today, LatePaymentRate.table()),
            "payment": payment,
            "revision": (
                PriceRevision.objects.filter(phase_id=invoice.contract_phase_id).first()
                if invoice.contract_phase_id
                else None
            ),
            "interest_form": (
                InterestPaidForm(initial={"on": today})
                if payment
                and payment.owes_interest
                and not payment.interest_paid_on
                and invoice.abilities(request.user)["pay"]
                else None
            ),
            "action_forms": action_forms(invoice, request.user, services.INVOICE_ACTIONS),
            "timeline": timeline(invoice),
            "today": today,
        },
    )


@login_required
@require_POST
def invoice_transition(request, pk, action):
    invoice = _get_invoice_for_user(request.user, pk)
    return run_action(
        request, invoice, services.INVOICE_ACTIONS, action, redirect_to=invoice.get_absolute_url()
    )


@login_required
@require_POST
def payment_interest_paid(request, pk):
    invoice = _get_invoice_for_user(request.user, pk)
    roles.require(invoice.abilities(request.user), "pay")
    form = InterestPaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Paiement des intérêts non enregistré : " + errors_text(form))
    elif getattr(invoice, "payment", None) is None:
        messages.error(request, "Cette facture n'est pas payée.")
    else:
        attempt(
            request,
            lambda: services.payment_interest_paid(
                payment=invoice.payment, by=request.user, on=form.cleaned_data["on"]
            ),
            "Le paiement des intérêts moratoires et de l'indemnité a été enregistré.",
        )
    return redirect(invoice)
