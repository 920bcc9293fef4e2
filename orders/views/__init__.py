"""Views of the orders app, one module per kind."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from framework_agreements import ceiling
from framework_agreements.models import FrameworkAgreement

from ..dashboard import dashboard_context


@login_required
def dashboard(request):
    context = {
        "agreement_rows": ceiling.with_figures(FrameworkAgreement.objects.order_by("-start_date"))
    }
    context.update(dashboard_context(request.user))
    return render(request, "orders/dashboard.html", context)
