from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("courriels/<int:pk>/renvoyer/", views.resend, name="resend"),
]
