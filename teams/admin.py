from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Expert, Profession, Substitution, Team, TeamMember


@admin.register(Profession)
class ProfessionAdmin(SimpleHistoryAdmin):
    search_fields = ["name"]


@admin.register(Expert)
class ExpertAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "holder", "company", "email", "is_active"]
    list_filter = ["holder", "professions", "is_active"]
    search_fields = ["first_name", "last_name", "email"]
    list_select_related = ["holder", "company"]
    filter_horizontal = ["professions"]


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0
    raw_id_fields = ["expert"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["label", "reference", "holder", "confirmed_at"]
    list_select_related = ["holder"]
    inlines = [TeamMemberInline]


@admin.register(Substitution)
class SubstitutionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "team", "state", "requested_at"]
    list_filter = ["state"]
    readonly_fields = ["state"]
