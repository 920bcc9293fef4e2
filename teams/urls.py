from django.urls import path

from . import views

app_name = "teams"
urlpatterns = [
    path("", views.expert_list, name="expert_list"),
    path("nouveau/", views.expert_create, name="expert_create"),
    path("import/", views.expert_import, name="expert_import"),
    path("import/modele.xlsx", views.import_template, name="import_template"),
    path("affectations.xlsx", views.allocation_xlsx, name="allocation_xlsx"),
    path("<int:pk>/", views.expert_detail, name="expert_detail"),
    path("<int:pk>/modifier/", views.expert_edit, name="expert_edit"),
    path("<int:pk>/plan-de-charge.xlsx", views.expert_workload_xlsx, name="expert_workload_xlsx"),
]
