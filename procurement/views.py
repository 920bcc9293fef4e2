from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import audit, roles
from .forms import AuditFilterForm, PasswordChangeForm
from .markers import latest_change
from .models import AuditEvent
from .pagination import DeferredJoinPaginator, count_key

PAGE_SIZE = 50


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PasswordChangeForm

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record("password_changed", request=self.request)
        return response


@login_required
def audit_log(request):
    """The audit log, for administrators: filtered by user, event and dates."""
    roles.require({"view": roles.is_admin(request.user)}, "view")
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.all()  # the row shows the username it keeps, not the user
    if form.is_valid():
        data = form.cleaned_data
        if data["user"]:
            events = events.filter(user=data["user"])
        if data["event"]:
            events = events.filter(event=data["event"])
        if data["start"]:
            events = events.filter(at__date__gte=data["start"])
        if data["end"]:
            events = events.filter(at__date__lte=data["end"])
    # Events are only ever added: the latest marks every change the count and the rows
    # can see.
    key = count_key("journal", request.user, request.GET, latest_change((AuditEvent, "pk", "at")))
    page = DeferredJoinPaginator(events, PAGE_SIZE, count_key=key).get_page(request.GET.get("page"))
    return render(
        request,
        "procurement/audit_log.html",
        {"form": form, "page_obj": page, "count_key": key},
    )
