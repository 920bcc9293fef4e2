from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import TemplateView

from orders.views import dashboard

from . import views

urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("connexion/", auth_views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "mot-de-passe/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("journal/", views.audit_log, name="audit_log"),
    # Public information pages, linked from every page's footer.
    path(
        "accessibilite/",
        TemplateView.as_view(template_name="procurement/legal/accessibility.html"),
        name="accessibility",
    ),
    path(
        "mentions-legales/",
        TemplateView.as_view(template_name="procurement/legal/legal_notice.html"),
        name="legal_notice",
    ),
    path(
        "donnees-personnelles/",
        TemplateView.as_view(template_name="procurement/legal/personal_data.html"),
        name="personal_data",
    ),
    path("", include("notifications.urls")),
    path("", include("exports.urls")),
    path("accords-cadres/", include("framework_agreements.urls")),
    path("", include("teams.urls")),
    path("", include("orders.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "procurement.errors.permission_denied"
handler404 = "procurement.errors.page_not_found"
handler500 = "procurement.errors.server_error"
