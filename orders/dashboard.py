"""What each role sees first: the work waiting for them."""

from procurement import roles

from .enums import OrderState, RequestState
from .models import (
    Consultation,
    ConsultationState,
    Invoice,
    InvoiceState,
    PurchaseOrder,
    TeamRequest,
)
from .models.consultations import ENDED_CONSULTATION_STATES

LIMIT = 10


def _orders(user):
    return PurchaseOrder.objects.visible_to(user).select_related(
        "holder", "request__department", "agreement"
    )


def _invoices(user):
    return (
        Invoice.objects.filter(purchase_order__in=PurchaseOrder.objects.visible_to(user))
        .select_related("purchase_order__holder", "purchase_order__request")
        .order_by("received_on", "pk")
    )


def _consultations(user):
    return (
        Consultation.objects.visible_to(user)
        .select_related("request__department", "agreement")
        .order_by("deadline", "pk")
    )


def _requests(user):
    return TeamRequest.objects.visible_to(user).select_related("department", "service")


def dashboard_context(user):
    if roles.is_buyer(user):
        return {
            "panels": [
                (
                    "Demandes à instruire",
                    "requests",
                    list(_requests(user).filter(state=RequestState.SUBMITTED)[:LIMIT]),
                ),
                (
                    "Bons de commande à émettre ou notifier",
                    "orders",
                    list(
                        _orders(user).filter(state__in=[OrderState.DRAFT, OrderState.ISSUED])[
                            :LIMIT
                        ]
                    ),
                ),
                (
                    "Remises en concurrence à mener",
                    "consultations",
                    list(
                        _consultations(user).filter(
                            state__in=[
                                ConsultationState.DRAFT,
                                ConsultationState.LAUNCHED,
                                ConsultationState.OPENED,
                                ConsultationState.EVALUATING,
                            ]
                        )[:LIMIT]
                    ),
                ),
                (
                    "Livrables à réceptionner (service fait)",
                    "orders",
                    list(_orders(user).filter(state=OrderState.DELIVERED)[:LIMIT]),
                ),
            ]
        }
    if roles.is_finance(user):
        return {
            "panels": [
                (
                    "Factures à payer",
                    "invoices",
                    list(_invoices(user).filter(state=InvoiceState.ACCEPTED)[:LIMIT]),
                ),
                (
                    "Factures reçues à instruire",
                    "invoices",
                    list(
                        _invoices(user).filter(
                            state__in=[InvoiceState.RECEIVED, InvoiceState.INTERRUPTED]
                        )[:LIMIT]
                    ),
                ),
                (
                    "Service fait, facture attendue",
                    "orders",
                    list(_orders(user).filter(state=OrderState.SERVICE_DONE)[:LIMIT]),
                ),
                (
                    "Intérêts moratoires et indemnités à payer (45 jours, art. R2192-36)",
                    "interest",
                    list(
                        _invoices(user)
                        .filter(payment__days_late__gt=0, payment__interest_paid_on=None)
                        .select_related("payment")
                        .order_by("payment__paid_on")[:LIMIT]
                    ),
                ),
            ]
        }
    if roles.is_pilot(user):
        return {
            "panels": [
                (
                    "Mes demandes en cours",
                    "requests",
                    list(
                        _requests(user).filter(
                            state__in=[
                                RequestState.DRAFT,
                                RequestState.SUBMITTED,
                                RequestState.RETURNED,
                            ]
                        )[:LIMIT]
                    ),
                ),
                (
                    "Remises en concurrence de mon territoire",
                    "consultations",
                    list(
                        _consultations(user).exclude(
                            state__in=[ConsultationState.DRAFT, *ENDED_CONSULTATION_STATES]
                        )[:LIMIT]
                    ),
                ),
                (
                    "Ateliers en cours sur mon territoire",
                    "orders",
                    list(
                        _orders(user).filter(
                            state__in=[
                                OrderState.NOTIFIED,
                                OrderState.ACCEPTED,
                                OrderState.IN_PROGRESS,
                                OrderState.DELIVERED,
                            ]
                        )[:LIMIT]
                    ),
                ),
            ],
            "can_create_request": True,
        }
    return {"panels": [], "is_admin": True}
