"""Pages of subsequent contracts: the awarded contract, its EJ and imputation, its
notification, its documents and its team."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from procurement import roles
from procurement.web import action_forms, attempt, errors_text, run_action
from teams.team_views import panel

from .. import services
from ..forms.consultations import ContractForm
from ..models import Document, SubsequentContract
from ..models.consultations import PHASE_LABELS
from ..timeline import timeline


def get_contract_for_user(user, pk, queryset=None):
    queryset = queryset if queryset is not None else SubsequentContract.objects.all()
    return get_object_or_404(queryset.visible_to(user), pk=pk)


DETAIL_QUERYSET = SubsequentContract.objects.select_related(
    "agreement",
    "lot",
    "holder__company",
    "request__department",
    "consultation",
    "team__holder",
    "awarded_by",
).prefetch_related(
    "phases",
    "holder__members",
    Prefetch("documents", queryset=Document.objects.without_content().order_by("kind", "pk")),
)


@login_required
def contract_detail(request, pk):
    contract = get_contract_for_user(request.user, pk, DETAIL_QUERYSET)
    abilities = contract.abilities(request.user)
    context = {
        "object": contract,
        "abilities": abilities,
        "phases": [(p, PHASE_LABELS[p.phase]) for p in contract.phases.all()],
        "documents": list(contract.documents.all()) if abilities["download_pdf"] else [],
        "action_forms": action_forms(contract, request.user, services.CONTRACT_ACTIONS),
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
