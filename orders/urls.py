from django.urls import path

from .views import confirmations as conf
from .views import consultations as cons
from .views import contract_execution as mx
from .views import contracts as ms
from .views import documents as docs
from .views import invoices as inv
from .views import purchase_orders as po
from .views import requests as req

app_name = "orders"
urlpatterns = [
    path("demandes/", req.request_list, name="request_list"),
    path("demandes/nouvelle/", req.request_create, name="request_create"),
    path("demandes/<int:pk>/", req.request_detail, name="request_detail"),
    path("demandes/<int:pk>/modifier/", req.request_edit, name="request_edit"),
    path(
        "demandes/<int:pk>/action/<str:action>/",
        req.request_transition,
        name="request_transition",
    ),
    path("demandes/<int:pk>/pieces/", req.attachment_upload, name="attachment_upload"),
    path(
        "demandes/<int:pk>/pieces/<int:attachment_pk>/",
        req.attachment_download,
        name="attachment_download",
    ),
    path(
        "demandes/<int:pk>/pieces/<int:attachment_pk>/retirer/",
        req.attachment_delete,
        name="attachment_delete",
    ),
    path("demandes/<int:pk>/bon-de-commande/", po.order_create, name="order_create"),
    path("commandes/", po.order_list, name="order_list"),
    path("commandes/export.xlsx", po.order_list_xlsx, {"kind": "orders"}, name="order_list_xlsx"),
    path("commandes/factures.xlsx", po.order_list_xlsx, {"kind": "payments"}, name="payments_xlsx"),
    path("commandes/ae-cp.xlsx", po.order_list_xlsx, {"kind": "budget"}, name="budget_xlsx"),
    path("commandes/<int:pk>/", po.order_detail, name="order_detail"),
    path("commandes/<int:pk>/modifier/", po.order_edit, name="order_edit"),
    path("commandes/<int:pk>/action/<str:action>/", po.order_transition, name="order_transition"),
    path(
        "commandes/<int:pk>/action/<str:action>/confirmer/",
        conf.order_confirm,
        name="order_confirm",
    ),
    path("commandes/<int:pk>/apercu.pdf", conf.order_preview, name="order_preview"),
    path("commandes/<int:pk>/pdf/", po.order_pdf, name="order_pdf"),
    path("commandes/<int:pk>/livrable/", po.order_deliverable, name="order_deliverable"),
    path("documents/", docs.document_register, name="document_register"),
    path("donnees-essentielles.json", docs.decp_json, name="decp_json"),
    path("documents/<int:pk>/", po.document_download, name="document_download"),
    path("documents/<int:pk>/verifier/", docs.document_verify, name="document_verify"),
    path("commandes/<int:pk>/factures/", inv.invoice_record, name="invoice_record"),
    path("factures/<int:pk>/", inv.invoice_detail, name="invoice_detail"),
    path(
        "factures/<int:pk>/action/<str:action>/", inv.invoice_transition, name="invoice_transition"
    ),
    path("factures/<int:pk>/interets/", inv.payment_interest_paid, name="payment_interest_paid"),
    path(
        "demandes/<int:pk>/remise-en-concurrence/",
        cons.consultation_prepare,
        name="consultation_prepare",
    ),
    path("consultations/", cons.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/", cons.consultation_detail, name="consultation_detail"),
    path("consultations/<int:pk>/modifier/", cons.consultation_edit, name="consultation_edit"),
    path(
        "consultations/<int:pk>/action/<str:action>/",
        cons.consultation_transition,
        name="consultation_transition",
    ),
    path("consultations/<int:pk>/reponses/", cons.offer_record, name="offer_record"),
    path(
        "consultations/<int:pk>/offres/<int:offer_pk>/contenu/",
        cons.offer_content,
        name="offer_content",
    ),
    path(
        "consultations/<int:pk>/offres/<int:offer_pk>/analyse/<str:step>/",
        cons.offer_evaluate,
        name="offer_evaluate",
    ),
    path(
        "consultations/<int:pk>/offres/<int:offer_pk>/memoire/", cons.offer_memo, name="offer_memo"
    ),
    path("marches/<int:pk>/", ms.contract_detail, name="contract_detail"),
    path("marches/<int:pk>/modifier/", ms.contract_edit, name="contract_edit"),
    path(
        "marches/<int:pk>/action/<str:action>/",
        ms.contract_transition,
        name="contract_transition",
    ),
    path(
        "marches/<int:pk>/action/<str:action>/confirmer/",
        conf.contract_confirm,
        name="contract_confirm",
    ),
    path(
        "marches/<int:pk>/phases/<int:phase_pk>/action/<str:action>/",
        mx.phase_transition,
        name="phase_transition",
    ),
    path(
        "marches/<int:pk>/phases/<int:phase_pk>/livrables/",
        mx.deliverable_upload,
        name="deliverable_upload",
    ),
    path(
        "marches/<int:pk>/livrables/<int:deliverable_pk>/",
        mx.deliverable_download,
        name="deliverable_download",
    ),
    path("marches/<int:pk>/avance/", mx.advance_record, name="advance_record"),
    path(
        "marches/<int:pk>/phases/<int:phase_pk>/acompte/",
        mx.instalment_record,
        name="instalment_record",
    ),
    path("marches/<int:pk>/garantie/", mx.guarantee_record, name="guarantee_record"),
]
