from .invoices import InterestPaidForm, InvoiceForm
from .purchase_orders import OrderDraftForm
from .requests import (
    AttachmentForm,
    CollectivityFormSet,
    TeamRequestForm,
)

__all__ = [
    "AttachmentForm",
    "InterestPaidForm",
    "InvoiceForm",
    "CollectivityFormSet",
    "OrderDraftForm",
    "TeamRequestForm",
]
