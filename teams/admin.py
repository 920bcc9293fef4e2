from django.contrib import admin

from procurement.admin_roles import BusinessRecordAdmin, ReadOnlyInline, ReferenceAdmin

from .models import Expert, Profession, Substitution, Team, TeamMember


@admin.register(Profession)
class ProfessionAdmin(ReferenceAdmin):
    search_fields = ["name"]


@admin.register(Expert)
class ExpertAdmin(ReferenceAdmin):
    list_display = ["__str__", "holder", "company", "email", "is_active"]
    list_filter = ["holder", "professions", "is_active"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["holder", "company"]
    filter_horizontal = ["professions"]


class TeamMemberInline(ReadOnlyInline):
    """Team members change through teams.services only (locks, bookings, history)."""

    model = TeamMember
    fields = ["expert", "role", "joined_on", "left_on"]
    readonly_fields = fields


@admin.register(Team)
class TeamAdmin(BusinessRecordAdmin):
    list_display = ["label", "reference", "holder", "confirmed_at"]
    list_select_related = ["holder"]
    inlines = [TeamMemberInline]


@admin.register(Substitution)
class SubstitutionAdmin(BusinessRecordAdmin):
    list_display = ["__str__", "team", "state", "requested_at"]
    list_filter = ["state"]
