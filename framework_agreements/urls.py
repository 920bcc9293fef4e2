from django.urls import path

from . import views

app_name = "agreements"
urlpatterns = [
    path("", views.agreement_list, name="list"),
    path("plafonds.xlsx", views.ceilings_xlsx, name="ceilings_xlsx"),
    path("<int:pk>/", views.agreement_detail, name="detail"),
    path("titulaires/<int:pk>/", views.holder_detail, name="holder"),
    path("indices-syntec/", views.index_list, name="indices"),
    path("indices-syntec/import/", views.index_import, name="index_import"),
]
