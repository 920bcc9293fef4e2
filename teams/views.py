from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render

from exports.delivery import deliver
from framework_agreements.models.agreements import add_months
from procurement import clock, roles
from procurement.markers import history_model, latest_change
from procurement.pagination import DeferredJoinPaginator, count_key
from procurement.web import export

from . import exports, services
from .forms import ExpertFilterForm, ExpertForm, ImportForm
from .models import Expert, TeamMember

PAGE_SIZE = 25
# The expert's page shows this many upcoming sessions and latest teams; the XLSX has them all.
SHOWN = 20
# Its workload starts this many months back (the plan is about what is ahead).
WORKLOAD_MONTHS_BACK = 12


def _require_reader(user):
    # The expert directory (names, contacts, rates) is for DGALN staff; a pilot sees the team of
    # their own ateliers on the order page.
    if not roles.reads_everything(user):
        raise PermissionDenied


def _require_manager(user):
    if not roles.is_reference_data_manager(user):
        raise PermissionDenied


def _xlsx(request, content, filename):
    return export(request, content, filename, exports.XLSX_MIME)


@login_required
def expert_list(request):
    _require_reader(request.user)
    form = ExpertFilterForm(request.GET or None)
    queryset = Expert.objects.select_related("holder", "company").prefetch_related("professions")
    if form.is_valid():
        if form.cleaned_data["holder"]:
            queryset = queryset.filter(holder=form.cleaned_data["holder"])
        if form.cleaned_data["profession"]:
            queryset = queryset.filter(professions=form.cleaned_data["profession"])
    # A change of an expert (their professions saved with them) writes a history row.
    marker = latest_change((history_model(Expert), "history_id", "history_date"))
    key = count_key("experts", request.user, request.GET, marker)
    page = DeferredJoinPaginator(queryset, PAGE_SIZE, count_key=key).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "teams/expert_list.html",
        {
            "form": form,
            "page_obj": page,
            "count_key": key,
            "can_manage": roles.is_reference_data_manager(request.user),
        },
    )


def _expert_form(request, expert, title):
    form = ExpertForm(request.POST or None, instance=expert)
    if request.method == "POST" and form.is_valid():
        expert = form.save(commit=False)
        expert._history_user = request.user
        expert.save()
        form.save_m2m()
        messages.success(request, f"L'expert {expert} a été enregistré.")
        return redirect("teams:expert_detail", expert.pk)
    return render(
        request, "teams/expert_form.html", {"form": form, "title": title, "object": expert}
    )


@login_required
def expert_create(request):
    _require_manager(request.user)
    return _expert_form(request, Expert(), "Nouvel expert")


@login_required
def expert_edit(request, pk):
    _require_manager(request.user)
    return _expert_form(request, get_object_or_404(Expert, pk=pk), "Modifier l'expert")


@login_required
def expert_detail(request, pk):
    """The expert's page: identity, and what is ahead of them: workload from last year on,
    upcoming sessions and latest teams, each bounded (ten years of ateliers stay in the XLSX)."""
    _require_reader(request.user)
    expert = get_object_or_404(
        Expert.objects.select_related("holder", "company").prefetch_related("professions"), pk=pk
    )
    today = clock.today()
    memberships = TeamMember.objects.filter(expert=expert)
    bookings = expert.bookings.filter(end__gte=today)
    return render(
        request,
        "teams/expert_detail.html",
        {
            "expert": expert,
            "memberships": memberships.select_related("team").order_by("-joined_on", "-pk")[:SHOWN],
            "memberships_total": memberships.count(),
            "workload": services.workload(
                expert, since=add_months(today.replace(day=1), -WORKLOAD_MONTHS_BACK)
            ),
            "workload_months_back": WORKLOAD_MONTHS_BACK,
            "bookings": bookings.select_related("team").order_by("start", "pk")[:SHOWN],
            "bookings_total": bookings.count(),
            "shown": SHOWN,
            "can_manage": roles.is_reference_data_manager(request.user),
        },
    )


@login_required
def expert_workload_xlsx(request, pk):
    _require_reader(request.user)
    expert = get_object_or_404(Expert, pk=pk)
    return deliver(request, "teams", {"expert": str(expert.pk)})


@login_required
def allocation_xlsx(request):
    _require_reader(request.user)
    return deliver(request, "teams", {})


@login_required
def import_template(request):
    _require_manager(request.user)
    return _xlsx(request, exports.import_template(), "modele-import-experts.xlsx")


@login_required
def expert_import(request):
    _require_manager(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = exports.import_experts(form.cleaned_data["file"].read())
        if not result.errors:
            messages.success(
                request,
                f"Import terminé : {result.created} expert(s) créé(s), "
                f"{result.updated} mis à jour.",
            )
            return redirect("teams:expert_list")
        messages.error(request, "Import refusé : aucune ligne n'a été enregistrée.")
    return render(request, "teams/expert_import.html", {"form": form, "result": result})
