from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    CommitmentEntry,
    Company,
    FrameworkAgreement,
    Holder,
    Lot,
    LotHolding,
    PriceLine,
)


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "title", "mechanism", "start_date", "duration_months"]
    filter_horizontal = ["authorised_services"]
    inlines = [LotInline]


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "siret", "city", "is_sme"]
    search_fields = ["name", "siret"]


@admin.register(Holder)
class HolderAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "consortium_type", "company", "contact_email", "is_fictitious"]
    list_filter = ["kind", "is_fictitious"]
    search_fields = ["name", "company__name", "company__siret"]
    autocomplete_fields = ["company", "members"]
    list_select_related = ["company"]


class PriceLineInline(admin.TabularInline):
    model = PriceLine
    extra = 0


@admin.register(LotHolding)
class LotHoldingAdmin(SimpleHistoryAdmin):
    list_display = ["lot", "holder", "rank"]
    list_filter = ["lot__agreement"]
    list_select_related = ["lot__agreement", "holder"]
    inlines = [PriceLineInline]


@admin.register(CommitmentEntry)
class CommitmentEntryAdmin(admin.ModelAdmin):
    """Read-only: the ledger is written by the ceiling service alone."""

    list_display = ["created_at", "agreement", "lot", "kind", "amount", "reference"]
    list_filter = ["agreement", "kind"]
    list_select_related = ["agreement", "lot"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
