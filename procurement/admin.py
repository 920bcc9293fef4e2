from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Department, Region, Service, User

admin.site.site_header = "Atelier des territoires — administration"
admin.site.site_title = "Atelier des territoires"


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "coastal"]
    list_filter = ["region", "coastal"]
    search_fields = ["code", "name"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["code", "short_name", "name", "kind", "region", "department"]
    list_filter = ["kind", "region"]
    search_fields = ["code", "name", "short_name"]
    list_select_related = ["region", "department"]


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "first_name", "last_name", "role", "service", "is_active"]
    list_filter = ["role", "is_active", "service__kind"]
    list_select_related = ["service"]
    autocomplete_fields = ["service"]
    fieldsets = BaseUserAdmin.fieldsets + (("Rattachement", {"fields": ("service", "role")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Rattachement", {"fields": ("service", "role")}),
    )
