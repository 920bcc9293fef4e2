from .purchase_orders import OrderDraftForm, OrderFilterForm
from .requests import (
    AttachmentForm,
    CollectivityFormSet,
    RequestFilterForm,
    TeamRequestForm,
)

__all__ = [
    "AttachmentForm",
    "CollectivityFormSet",
    "OrderDraftForm",
    "OrderFilterForm",
    "RequestFilterForm",
    "TeamRequestForm",
]
