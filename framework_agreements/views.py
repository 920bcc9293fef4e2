from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from exports.delivery import deliver
from procurement import roles
from procurement.roles import is_reference_data_manager
from procurement.web import attempt, errors_text

from . import ceiling, indices
from .forms import IndexForm, IndexImportForm
from .models import FrameworkAgreement, Holder, LotHolding, PriceLine, SyntecIndex


@login_required
def agreement_list(request):
    # Every role reads the agreements: they are public contracts (and published as open data).
    rows = ceiling.with_figures(FrameworkAgreement.objects.order_by("-start_date"))
    return render(
        request,
        "framework_agreements/list.html",
        {
            "rows": rows,
            "show_indices": roles.reads_everything(request.user),
            "show_decp": roles.is_buyer(request.user) or roles.is_admin(request.user),
        },
    )


@login_required
def ceilings_xlsx(request):
    """Ceiling consumption per agreement and lot, then per holder and year (finance, buyers)."""
    return deliver(request, "ceilings")


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


# --- the Syntec index -----------------------------------------------------------------------


def _require_index_reader(user):
    if not roles.reads_everything(user):
        raise PermissionDenied


def _may_enter_indices(user):
    return roles.is_finance(user) or roles.is_admin(user)


@login_required
def index_list(request):
    """The monthly Syntec values; finance enters them one by one or imports a series."""
    _require_index_reader(request.user)
    may_enter = _may_enter_indices(request.user)
    form = IndexForm(request.POST or None) if may_enter else None
    if request.method == "POST":
        if not may_enter:
            raise PermissionDenied
        if not form.is_valid():
            messages.error(request, "Indice non enregistré : " + errors_text(form))
        else:
            saved = attempt(
                request,
                lambda: indices.index_record(by=request.user, **form.cleaned_data),
                lambda index: f"Indice Syntec de {index.month:%m/%Y} enregistré : {index.value}.",
            )
            if saved is not None:
                return redirect("agreements:indices")
    return render(
        request,
        "framework_agreements/indices.html",
        {
            "values": SyntecIndex.objects.select_related("recorded_by"),
            "form": form,
            "import_form": IndexImportForm() if may_enter else None,
            "result": None,
        },
    )


@login_required
@require_POST
def index_import(request):
    if not _may_enter_indices(request.user):
        raise PermissionDenied
    form = IndexImportForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        result = indices.import_indices(form.cleaned_data["file"].read(), request.user)
        if not result.errors:
            messages.success(
                request,
                f"Import terminé : {result.created} mois ajouté(s), {result.updated} modifié(s).",
            )
            return redirect("agreements:indices")
        messages.error(request, "Import refusé : aucune ligne n'a été enregistrée.")
    else:
        messages.error(request, "Import refusé : " + errors_text(form))
    return render(
        request,
        "framework_agreements/indices.html",
        {
            "values": SyntecIndex.objects.select_related("recorded_by"),
            "form": IndexForm(),
            "import_form": form,
            "result": result,
        },
    )
