from django.contrib import admin

from procurement.admin_roles import BusinessRecordAdmin, ReferenceAdmin
from procurement.models import Role

from .models import Document, LatePaymentRate, PurchaseOrder, TeamRequest


@admin.register(TeamRequest)
class TeamRequestAdmin(BusinessRecordAdmin):
    list_display = ["title", "service", "department", "format", "state"]
    list_filter = ["state", "format"]
    list_select_related = ["service", "department"]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(BusinessRecordAdmin):
    list_display = ["number", "holder", "state", "total_excl_tax"]
    list_filter = ["state", "agreement"]
    list_select_related = ["holder"]


@admin.register(Document)
class DocumentAdmin(BusinessRecordAdmin):
    list_display = ["reference", "kind", "version", "created_at", "sha256"]
    list_filter = ["kind"]
    exclude = ["content"]


@admin.register(LatePaymentRate)
class LatePaymentRateAdmin(ReferenceAdmin):
    editors = {Role.FINANCE, Role.ADMIN}
    list_display = ["valid_from", "ecb_rate"]
