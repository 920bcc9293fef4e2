from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .admin_roles import ReferenceAdmin, role_of
from .models import AuditEvent, Department, Region, Role, Service, User

admin.site.site_header = "Atelier des territoires — administration"
admin.site.site_title = "Atelier des territoires"


@admin.register(Region)
class RegionAdmin(ReferenceAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(ReferenceAdmin):
    list_display = ["code", "name", "region", "coastal"]
    list_filter = ["region", "coastal"]
    search_fields = ["code", "name"]


@admin.register(Service)
class ServiceAdmin(ReferenceAdmin):
    list_display = ["code", "short_name", "name", "kind", "region", "department"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["region", "department"]
    fieldsets = [
        (None, {"fields": ["code", "kind", "name", "short_name", "region", "department"]}),
        ("Coordonnées", {"fields": ["address", "contact_email", "contact_phone"]}),
        (
            "Facturation (bons de commande émis par ce service)",
            {"fields": ["siret", "chorus_service_code", "accountant"]},
        ),
        (
            "Signataire des bons de commande",
            {"fields": ["signatory_name", "signatory_function", "signatory_delegation"]},
        ),
    ]


@admin.register(User)
class UserAdmin(BaseUserAdmin, ReferenceAdmin):
    list_display = ["username", "first_name", "last_name", "role", "service", "is_active"]
    list_filter = ["role", "is_active", "service__kind"]
    list_select_related = ["service"]
    autocomplete_fields = ["service"]
    fieldsets = BaseUserAdmin.fieldsets + (("Rattachement", {"fields": ("service", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Rattachement", {"fields": ("service", "role")}),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log is written by the application only; administrators read it."""

    list_display = ["at", "username", "event", "ip", "path"]
    list_filter = ["event"]
    date_hierarchy = "at"
    search_fields = ["username", "path"]

    def has_module_permission(self, request):
        return role_of(request.user) == Role.ADMIN

    def has_view_permission(self, request, obj=None):
        return role_of(request.user) == Role.ADMIN

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
