from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("demandes/", views.request_list, name="request_list"),
    path("demandes/nouvelle/", views.request_create, name="request_create"),
    path("demandes/<int:pk>/", views.request_detail, name="request_detail"),
    path("demandes/<int:pk>/modifier/", views.request_edit, name="request_edit"),
    path(
        "demandes/<int:pk>/action/<str:action>/",
        views.request_transition,
        name="request_transition",
    ),
    path("demandes/<int:pk>/pieces/", views.attachment_upload, name="attachment_upload"),
    path(
        "demandes/<int:pk>/pieces/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path("demandes/<int:pk>/bon-de-commande/", views.order_create, name="order_create"),
    path("commandes/", views.order_list, name="order_list"),
    path("commandes/export.xlsx", views.order_list_xlsx, name="order_list_xlsx"),
    path("commandes/<int:pk>/", views.order_detail, name="order_detail"),
    path("commandes/<int:pk>/modifier/", views.order_edit, name="order_edit"),
    path(
        "commandes/<int:pk>/action/<str:action>/", views.order_transition, name="order_transition"
    ),
    path("commandes/<int:pk>/pdf/", views.order_pdf, name="order_pdf"),
    path("commandes/<int:pk>/livrable/", views.order_deliverable, name="order_deliverable"),
    path("commandes/<int:pk>/documents/<str:kind>/", views.order_document, name="order_document"),
    path("commandes/<int:pk>/equipe/ajouter/", views.team_member_add, name="team_member_add"),
    path(
        "commandes/<int:pk>/equipe/<int:member_pk>/retirer/",
        views.team_member_remove,
        name="team_member_remove",
    ),
    path("commandes/<int:pk>/equipe/justifier/", views.team_justify, name="team_justify"),
    path(
        "commandes/<int:pk>/equipe/substitution/",
        views.substitution_request,
        name="substitution_request",
    ),
    path(
        "commandes/<int:pk>/equipe/substitution/<int:substitution_pk>/<str:decision>/",
        views.substitution_decide,
        name="substitution_decide",
    ),
]
