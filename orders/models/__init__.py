"""Models of the orders app, one module per kind (requests, purchase orders, documents,
payments). Import them from here."""

from .documents import Document, DocumentKind
from .payments import LatePaymentRate
from .purchase_orders import (
    LATE_PAYMENT_FLAT_FEE,
    HolderDecline,
    OrderLine,
    PurchaseOrder,
    deliverable_path,
)
from .requests import (
    Collectivity,
    RequestAttachment,
    TeamRequest,
    attachment_path,
    validate_siren,
)

__all__ = [
    "LATE_PAYMENT_FLAT_FEE",
    "Collectivity",
    "Document",
    "DocumentKind",
    "HolderDecline",
    "LatePaymentRate",
    "OrderLine",
    "PurchaseOrder",
    "RequestAttachment",
    "TeamRequest",
    "attachment_path",
    "deliverable_path",
    "validate_siren",
]
