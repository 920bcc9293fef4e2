from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("exports/", views.export_list, name="list"),
    path("exports/<int:pk>/fichier/", views.export_download, name="download"),
]
