from .invoices import InterestPaidForm, InvoiceForm
from .purchase_orders import OrderDraftForm, OrderFilterForm
from .requests import (
    AttachmentForm,
    CollectivityFormSet,
    RequestFilterForm,
    TeamRequestForm,
)

__all__ = [
    "AttachmentForm",
    "InterestPaidForm",
    "InvoiceForm",
    "CollectivityFormSet",
    "OrderDraftForm",
    "OrderFilterForm",
    "RequestFilterForm",
    "TeamRequestForm",
]
