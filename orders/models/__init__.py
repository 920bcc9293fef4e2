"""Models of the orders app, one module per kind (requests, purchase orders, documents,
payments). Import them from here."""

from .consultations import (
    Consultation,
    ConsultationState,
    Invitation,
    Offer,
    OfferPrice,
    OfferStatus,
    OfferTeamMember,
    RejectionKind,
    Score,
    memo_path,
)
from .contracts import ContractState, SubsequentContract
from .documents import Document, DocumentKind
from .execution import (
    ContractPhase,
    Deliverable,
    DeliverableKind,
    PhaseState,
    PriceRevision,
)
from .payments import Invoice, InvoiceKind, InvoiceState, LatePaymentRate, Payment
from .purchase_orders import (
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
    "Collectivity",
    "Consultation",
    "ConsultationState",
    "ContractPhase",
    "ContractState",
    "Deliverable",
    "DeliverableKind",
    "PhaseState",
    "PriceRevision",
    "Invitation",
    "Offer",
    "OfferPrice",
    "OfferStatus",
    "OfferTeamMember",
    "RejectionKind",
    "Score",
    "SubsequentContract",
    "memo_path",
    "Invoice",
    "InvoiceKind",
    "InvoiceState",
    "Payment",
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
