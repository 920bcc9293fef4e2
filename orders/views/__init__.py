"""Views of the orders app, one module per kind."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from framework_agreements import ceiling
from framework_agreements.models import FrameworkAgreement
from procurement import roles

from .. import atlas
from ..dashboard import dashboard_context


@login_required
def dashboard(request):
    national = roles.is_buyer(request.user) or roles.is_finance(request.user)
    agreements = FrameworkAgreement.objects.order_by("-start_date")
    agreements = list(atlas.with_markers(agreements) if national else agreements)
    context = {"agreement_rows": ceiling.with_figures(agreements)}
    if national:
        # The national picture: ateliers on the map, ceilings over time (two queries, none
        # while the requests and the ledger are unchanged: atlas.with_markers).
        marker = agreements[0].requests_marker if agreements else None
        rows = atlas.ateliers_by_department(request.user, marker)
        context.update(
            atlas=atlas.france_map(rows), atlas_rows=rows, charts=atlas.consumption(agreements)
        )
    context.update(dashboard_context(request.user))
    context["todo_total"] = sum(rows.total for _title, _kind, rows in context["todo"])
    return render(request, "orders/dashboard.html", context)
