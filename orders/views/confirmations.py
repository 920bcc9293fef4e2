"""Confirmation before the irreversible steps of a purchase order.

Issuing takes a number for good and commits the amount against the ceiling; notifying sends
the e-mail that starts the holder's deadline. Each opens a page that says what will happen,
links to the PDF (a preview marked "PROJET — sans valeur" before issue, which takes no
number), and posts the action with confirmed=1.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from framework_agreements import ceiling, numbering
from procurement import audit, clock, roles
from procurement.models import Service

from .. import services
from ..enums import OrderState
from .purchase_orders import order_for_page

CONFIRMED = ("issue", "notify")


def _available(order, user, name):
    action = services.ORDER_ACTIONS[name]
    if action not in services.ORDER_ACTIONS.available(order, user):
        raise PermissionDenied
    return action


def issue_summary(order, user, today):
    agreement = order.agreement
    figures = ceiling.agreement_figures(agreement)
    after = figures.committed + order.total_excl_tax
    lot = ceiling.lot_figures(order.lot)
    return {
        "number": numbering.peek(agreement, today.year),
        "committed": figures.committed,
        "maximum": figures.maximum,
        "committed_after": after,
        "remaining_after": figures.maximum - after,
        "lot_remaining_after": (lot.remaining - order.total_excl_tax) if lot else None,
        "blockers": services.issue_blockers(order, Service.objects.get(pk=user.service_id), today),
    }


def notify_summary(order):
    document = services.documents.latest(order.documents, "purchase_order")
    return {
        "to": order.holder.contact_email,
        "cc": order.request.created_by.email,
        "document": document,
        "blockers": (
            ["l'envoi du bon de commande est déjà en attente."]
            if order.notification_pending()
            else []
        ),
    }


@login_required
def order_confirm(request, pk, action):
    if action not in CONFIRMED:
        raise Http404
    order = order_for_page(request.user, pk)
    declared = _available(order, request.user, action)
    today = clock.today()
    summary = issue_summary(order, request.user, today) if action == "issue" else None
    summary = summary or notify_summary(order)
    return render(
        request,
        "orders/order_confirm.html",
        {
            "object": order,
            "action": declared,
            "form": declared.form(order),
            "summary": summary,
            "today": today,
        },
    )


@login_required
def order_preview(request, pk):
    """The draft as it would be issued by this user's service: no number, never stored."""
    order = order_for_page(request.user, pk)
    roles.require(order.abilities(request.user), "issue")
    if order.state != OrderState.DRAFT:
        raise Http404
    content = services.documents.purchase_order_preview(order, request.user)
    audit.record("download", request=request, file="apercu-bon-de-commande", order=order.pk)
    response = HttpResponse(content, content_type="application/pdf")
    # Opens in its own tab (pages may not be framed); the name says it is a draft.
    response["Content-Disposition"] = f'inline; filename="projet-bon-de-commande-{order.pk}.pdf"'
    return response


@login_required
def contract_confirm(request, pk, action):
    """Before the notification letter of a subsequent contract leaves."""
    from .contracts import get_contract_for_user

    if action != "notify":
        raise Http404
    contract = get_contract_for_user(request.user, pk)
    declared = services.CONTRACT_ACTIONS["notify"]
    if declared not in services.CONTRACT_ACTIONS.available(contract, request.user):
        raise PermissionDenied
    return render(
        request,
        "orders/contract_confirm.html",
        {
            "object": contract,
            "action": declared,
            "form": declared.form(contract),
            "blockers": services.contracts.notify_blockers(contract),
            "cc": contract.request.created_by.email,
        },
    )
