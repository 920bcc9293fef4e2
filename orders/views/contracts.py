"""Pages of subsequent contracts: the contract with its phases as a timeline (dates,
deliverables, instalments), its financial summary, its EJ, imputation and advance, its
documents and its team. The POSTs of its execution are views/contract_execution.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from procurement import clock, roles
from procurement.web import action_forms, attempt, errors_text, run_action
from teams.shown import shown_team
from teams.team_views import panel

from .. import services
from ..forms.consultations import ContractForm
from ..forms.contracts import ContractInvoiceForm, DeliverableForm, GuaranteeForm
from ..models import (
    ContractPhase,
    Deliverable,
    Document,
    Invoice,
    LatePaymentRate,
    SubsequentContract,
)
from ..services import contract_payments
from ..services.contract_execution import closing_blockers
from ..timeline import timeline


def get_contract_for_user(user, pk, queryset=None):
    queryset = queryset if queryset is not None else SubsequentContract.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


DETAIL_QUERYSET = SubsequentContract.objects.select_related(
    "agreement",
    "lot",
    "holder__company",
    "request__department",
    "consultation__agreement",
    "team__holder",
    "awarded_by",
).prefetch_related(
    Prefetch(
        "phases",
        queryset=ContractPhase.objects.select_related("revision", "accepted_by").prefetch_related(
            Prefetch("deliverables", queryset=Deliverable.objects.order_by("kind", "pk"))
        ),
    ),
    Prefetch(
        "invoices",
        queryset=Invoice.objects.select_related("payment", "contract_phase").order_by("pk"),
    ),
    *shown_team("team__"),
    Prefetch(
        "documents",
        queryset=Document.objects.without_content()
        .select_related("contract_phase")
        .order_by("kind", "contract_phase__position", "pk"),
    ),
)


def phase_rows(contract, phases, invoices, user, today):
    """Each phase with its deliverables, its instalment and what this user may do on it."""
    rates = LatePaymentRate.table()
    live = {
        i.contract_phase_id: i for i in invoices if i.contract_phase_id and i.state != "rejected"
    }
    may_invoice = contract.abilities(user)["record_invoice"]
    current = next((p.pk for p in phases if p.state != "accepted"), None)
    rows = []
    for phase in phases:
        instalment = live.get(phase.pk)
        abilities = phase.abilities(user)
        actions = action_forms(phase, user, services.PHASE_ACTIONS, id_prefix=f"phase{phase.pk}-")
        delivered = {d.kind for d in phase.deliverables.all()}
        if not set(phase.required_deliverables) <= delivered:
            # Offered once every deliverable is in (the service refuses it before, too).
            actions = [(a, f) for a, f in actions if a.name != "submit"]
        rows.append(
            {
                "phase": phase,
                "open": phase.pk == current or (instalment is None and phase.state == "accepted"),
                "revision": getattr(phase, "revision", None),
                "deliverables": list(phase.deliverables.all()),
                "actions": actions,
                "id_prefix": f"phase{phase.pk}-",
                "action_url": f"{contract.get_absolute_url()}phases/{phase.pk}/action/",
                "upload_form": (
                    DeliverableForm(phase=phase, auto_id=f"phase{phase.pk}-upload-%s")
                    if abilities["upload"] and contract.abilities(user)["follow"]
                    else None
                ),
                "instalment": instalment,
                "instalment_late": instalment.lateness(today, rates) if instalment else None,
                "instalment_form": (
                    ContractInvoiceForm(
                        initial={"received_on": today}, auto_id=f"phase{phase.pk}-invoice-%s"
                    )
                    if may_invoice and phase.state == "accepted" and instalment is None
                    else None
                ),
            }
        )
    return rows


@login_required
def contract_detail(request, pk):
    contract = get_contract_for_user(request.user, pk, DETAIL_QUERYSET)
    user = request.user
    abilities = contract.abilities(user)
    today = clock.today()
    phases = list(contract.phases.all())
    invoices = list(contract.invoices.all())
    advance_invoice = next(
        (i for i in invoices if i.kind == "advance" and i.state != "rejected"), None
    )
    context = {
        "object": contract,
        "abilities": abilities,
        "phase_rows": phase_rows(contract, phases, invoices, user, today),
        "figures": contract_payments.figures(contract, phases, invoices),
        "invoices": invoices,
        "advance_invoice": advance_invoice,
        "advance_form": (
            ContractInvoiceForm(initial={"received_on": today}, auto_id="advance-%s")
            if abilities["record_invoice"] and contract.has_advance and advance_invoice is None
            else None
        ),
        "guarantee_form": (
            GuaranteeForm(initial={"on": today}, auto_id="guarantee-%s")
            if abilities["record_guarantee"] and contract.guarantee_received_on is None
            else None
        ),
        "closing_blockers": (
            closing_blockers(contract) if contract.state in ("completed", "terminated") else []
        ),
        "documents": list(contract.documents.all()) if abilities["download_pdf"] else [],
        "action_forms": action_forms(contract, user, services.CONTRACT_ACTIONS),
        "timeline": timeline(contract),
        "edit_form": ContractForm(instance=contract) if abilities["edit"] else None,
    }
    if contract.team is not None:
        context.update(panel(contract.team, request.user, next_url=request.path))
    return render(request, "orders/contract_detail.html", context)


@login_required
@require_POST
def contract_edit(request, pk):
    contract = get_contract_for_user(request.user, pk)
    roles.require(contract.abilities(request.user), "edit")
    form = ContractForm(request.POST, instance=SubsequentContract.objects.get(pk=pk))
    if not form.is_valid():
        messages.error(request, "Marché non enregistré : " + errors_text(form))
    else:
        attempt(
            request,
            lambda: services.contract_update(
                contract=contract, by=request.user, **form.cleaned_data
            ),
            "L'imputation et l'engagement juridique ont été enregistrés.",
        )
    return redirect(contract)


@login_required
@require_POST
def contract_transition(request, pk, action):
    contract = get_contract_for_user(request.user, pk)
    return run_action(
        request,
        contract,
        services.CONTRACT_ACTIONS,
        action,
        redirect_to=contract.get_absolute_url(),
    )
