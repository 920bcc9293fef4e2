from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from procurement.roles import is_reference_data_manager

from . import ceiling
from .models import FrameworkAgreement, Holder, LotHolding, PriceLine


@login_required
def agreement_list(request):
    # Every role reads the agreements: they are public contracts (and published as open data).
    rows = ceiling.with_figures(FrameworkAgreement.objects.order_by("-start_date"))
    return render(request, "framework_agreements/list.html", {"rows": rows})


@login_required
def agreement_detail(request, pk):
    holdings = LotHolding.objects.select_related("holder__company").prefetch_related(
        "holder__members", Prefetch("price_lines", queryset=PriceLine.objects.order_by("code"))
    )
    agreement = get_object_or_404(
        FrameworkAgreement.objects.prefetch_related(
            "authorised_services", Prefetch("lots__holdings", queryset=holdings)
        ),
        pk=pk,
    )
    lots = [(lot, ceiling.lot_figures(lot)) for lot in agreement.lots.all()]
    return render(
        request,
        "framework_agreements/detail.html",
        {
            "agreement": agreement,
            "figures": ceiling.agreement_figures(agreement),
            "lots": lots,
            "can_manage": is_reference_data_manager(request.user),
        },
    )


@login_required
def holder_detail(request, pk):
    holder = get_object_or_404(
        Holder.objects.select_related("company").prefetch_related("members"), pk=pk
    )
    holdings = (
        LotHolding.objects.filter(holder=holder)
        .select_related("lot__agreement")
        .prefetch_related(Prefetch("price_lines", queryset=PriceLine.objects.order_by("code")))
    )
    return render(
        request,
        "framework_agreements/holder.html",
        {
            "holder": holder,
            "holdings": holdings,
            "can_manage": is_reference_data_manager(request.user),
        },
    )
