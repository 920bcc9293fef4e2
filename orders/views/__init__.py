"""Views of the orders app, one module per kind."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from framework_agreements import ceiling
from procurement import roles

from .. import atlas, kept_panels


@login_required
def dashboard(request):
    user = request.user
    national = roles.is_buyer(user) or roles.is_finance(user)
    # The agreements carry the change markers of the map, the chart and the panels: one
    # query, and none more while nothing they show has changed (kept_panels.rendered_panels,
    # atlas.rendered_picture).
    agreements = kept_panels.dashboard_agreements(national)
    context = {
        "agreement_rows": ceiling.with_figures(agreements),
        "panels": kept_panels.rendered_panels(
            user, kept_panels.panels_marker(agreements[0]) if agreements else None
        ),
        "can_create_request": roles.is_pilot(user),
        "is_admin": not (national or roles.is_pilot(user)),
    }
    if national:
        # The national picture: ateliers on the map, ceilings over time.
        context["picture"] = atlas.rendered_picture(user, agreements)
    return render(request, "orders/dashboard.html", context)
