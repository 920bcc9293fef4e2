from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Profession


@admin.register(Profession)
class ProfessionAdmin(SimpleHistoryAdmin):
    search_fields = ["name"]
