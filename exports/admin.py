from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: the jobs are written by the pages and the task queue."""

    list_display = ["requested_at", "label", "requested_by", "status", "rows", "attempts"]
    list_filter = ["status", "kind"]
    date_hierarchy = "requested_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
