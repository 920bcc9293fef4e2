from django.contrib import admin

from procurement.admin_roles import BusinessRecordAdmin, ReferenceAdmin
from procurement.models import Role

from .models import (
    CommitmentEntry,
    Company,
    FrameworkAgreement,
    Holder,
    Lot,
    LotHolding,
    NumberSequence,
    PriceLine,
)

BUYER_DATA = {Role.BUYER, Role.ADMIN}


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0


@admin.register(FrameworkAgreement)
class FrameworkAgreementAdmin(ReferenceAdmin):
    editors = BUYER_DATA
    list_display = ["reference", "title", "mechanism", "start_date", "duration_months"]
    filter_horizontal = ["authorised_services"]
    inlines = [LotInline]


@admin.register(Company)
class CompanyAdmin(ReferenceAdmin):
    editors = BUYER_DATA
    list_display = ["name", "siret", "city", "is_sme"]
    search_fields = ["name", "siret"]


@admin.register(Holder)
class HolderAdmin(ReferenceAdmin):
    editors = BUYER_DATA
    list_display = ["name", "kind", "consortium_type", "company", "contact_email", "is_fictitious"]
    list_filter = ["kind", "is_fictitious"]
    search_fields = ["name", "company__name", "company__siret"]
    autocomplete_fields = ["company", "members"]
    list_select_related = ["company"]


class PriceLineInline(admin.TabularInline):
    model = PriceLine
    extra = 0


@admin.register(LotHolding)
class LotHoldingAdmin(ReferenceAdmin):
    editors = BUYER_DATA
    list_display = ["lot", "holder", "rank"]
    list_filter = ["lot__agreement"]
    list_select_related = ["lot__agreement", "holder"]
    inlines = [PriceLineInline]


@admin.register(CommitmentEntry)
class CommitmentEntryAdmin(BusinessRecordAdmin):
    """Read-only: the ledger is written by the ceiling service alone."""

    list_display = ["created_at", "agreement", "lot", "holder", "kind", "amount", "reference"]
    list_filter = ["agreement", "kind", "fiscal_year"]
    list_select_related = ["agreement", "lot", "holder"]


@admin.register(NumberSequence)
class NumberSequenceAdmin(BusinessRecordAdmin):
    list_display = ["agreement", "year", "last"]
