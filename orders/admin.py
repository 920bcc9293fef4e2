from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import LatePaymentRate, PurchaseOrder, TeamRequest


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Requests and orders change only through their business actions, never in the admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TeamRequest)
class TeamRequestAdmin(ReadOnlyHistoryAdmin):
    list_display = ["title", "service", "department", "format", "state"]
    list_filter = ["state", "format"]
    list_select_related = ["service", "department"]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyHistoryAdmin):
    list_display = ["number", "holder", "state", "total_excl_tax"]
    list_filter = ["state", "agreement"]
    list_select_related = ["holder"]


@admin.register(LatePaymentRate)
class LatePaymentRateAdmin(admin.ModelAdmin):
    list_display = ["valid_from", "ecb_rate"]
