from django.urls import path

from . import team_views, views

app_name = "teams"
urlpatterns = [
    path("experts/", views.expert_list, name="expert_list"),
    path("experts/nouveau/", views.expert_create, name="expert_create"),
    path("experts/import/", views.expert_import, name="expert_import"),
    path("experts/import/modele.xlsx", views.import_template, name="import_template"),
    path("experts/affectations.xlsx", views.allocation_xlsx, name="allocation_xlsx"),
    path("experts/<int:pk>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/modifier/", views.expert_edit, name="expert_edit"),
    path(
        "experts/<int:pk>/plan-de-charge.xlsx",
        views.expert_workload_xlsx,
        name="expert_workload_xlsx",
    ),
    path("equipes/<int:pk>/", team_views.team_detail, name="team_detail"),
    path("equipes/<int:pk>/ajouter/", team_views.member_add, name="member_add"),
    path(
        "equipes/<int:pk>/membres/<int:member_pk>/retirer/",
        team_views.member_remove,
        name="member_remove",
    ),
    path("equipes/<int:pk>/justifier/", team_views.justify, name="justify"),
    path(
        "equipes/<int:pk>/substitution/",
        team_views.substitution_request,
        name="substitution_request",
    ),
    path(
        "equipes/<int:pk>/substitution/<int:substitution_pk>/<str:decision>/",
        team_views.substitution_decide,
        name="substitution_decide",
    ),
]
