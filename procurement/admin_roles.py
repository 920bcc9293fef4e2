"""Who may do what in the admin, by role rather than by Django permission rows.

- Records that change through business actions (requests, orders, teams, the ledger,
  documents) are read-only for everyone, superusers included: the admin never bypasses the
  services that lock, check and keep history.
- Reference data is edited by the role that owns it (ReferenceAdmin.editors).
- Everything else is for administrators.
"""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Role


def role_of(user):
    if not (user.is_active and user.is_staff):
        return None
    return Role.ADMIN if user.is_superuser else user.role


class ReferenceAdmin(SimpleHistoryAdmin):
    """Reference data: editable by `editors`, readable by them too. Admin-only by default."""

    editors = {Role.ADMIN}

    def _editor(self, request):
        return role_of(request.user) in self.editors

    def has_module_permission(self, request):
        return self._editor(request)

    def has_view_permission(self, request, obj=None):
        return self._editor(request)

    def has_add_permission(self, request, *args):
        return self._editor(request)

    def has_change_permission(self, request, obj=None):
        return self._editor(request)

    def has_delete_permission(self, request, obj=None):
        return self._editor(request)


class BusinessRecordAdmin(SimpleHistoryAdmin):
    """Read-only for everyone; visible to the roles that read everything."""

    readers = {Role.ADMIN, Role.BUYER, Role.FINANCE}

    def has_module_permission(self, request):
        return role_of(request.user) in self.readers

    def has_view_permission(self, request, obj=None):
        return role_of(request.user) in self.readers

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
