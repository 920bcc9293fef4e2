"""Business actions of the orders app, one module per kind; import them from here.

Each action is one service function registered in its kind's catalogue (REQUEST_ACTIONS,
ORDER_ACTIONS) with what its form needs; see procurement/actions.py.
"""

from procurement.actions import ActionRefused

from . import documents
from .consultations import (
    CONSULTATION_ACTIONS,
    consultation_launch,
    consultation_open,
    consultation_prepare,
    consultation_update,
    offer_content,
    offer_record,
)
from .contracts import CONTRACT_ACTIONS, contract_notify, contract_update
from .evaluation import (
    analysis,
    consultation_award,
    consultation_cancel,
    consultation_declare_unsuccessful,
    consultation_evaluate,
    offer_explanation,
    offer_flag,
    offer_reject,
    offer_score,
)
from .execution import order_certify, order_close, order_deliver, order_start
from .invoices import (
    INVOICE_ACTIONS,
    invoice_accept,
    invoice_complete,
    invoice_interrupt,
    invoice_pay,
    invoice_record,
    invoice_reject,
    payment_interest_paid,
)
from .purchase_orders import (
    ORDER_ACTIONS,
    flash_agreement_for,
    order_cancel,
    order_create,
    order_decline,
    order_holder_accept,
    order_issue,
    order_notify,
    order_update_draft,
    request_has_no_holder_left,
)
from .requests import (
    REQUEST_ACTIONS,
    request_accept,
    request_reject,
    request_return_for_changes,
    request_submit,
    request_withdraw,
)

__all__ = [
    "CONSULTATION_ACTIONS",
    "CONTRACT_ACTIONS",
    "INVOICE_ACTIONS",
    "ORDER_ACTIONS",
    "REQUEST_ACTIONS",
    "ActionRefused",
    "analysis",
    "consultation_award",
    "consultation_cancel",
    "consultation_declare_unsuccessful",
    "consultation_evaluate",
    "consultation_launch",
    "consultation_open",
    "consultation_prepare",
    "consultation_update",
    "contract_notify",
    "contract_update",
    "documents",
    "offer_content",
    "offer_explanation",
    "offer_flag",
    "offer_record",
    "offer_reject",
    "offer_score",
    "flash_agreement_for",
    "invoice_accept",
    "invoice_complete",
    "invoice_interrupt",
    "invoice_pay",
    "invoice_record",
    "invoice_reject",
    "payment_interest_paid",
    "order_cancel",
    "order_certify",
    "order_close",
    "order_create",
    "order_decline",
    "order_deliver",
    "order_holder_accept",
    "order_issue",
    "order_notify",
    "order_start",
    "order_update_draft",
    "request_accept",
    "request_has_no_holder_left",
    "request_reject",
    "request_return_for_changes",
    "request_submit",
    "request_withdraw",
]
