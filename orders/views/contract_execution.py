"""The POSTs of a subsequent contract's execution: a phase's actions, its deliverables, the
advance and the instalments, the guarantee; and the download of a deliverable. Every object
is found through the contract the user may see: 404 otherwise, so nothing leaks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from procurement import roles
from procurement.money import format_euros
from procurement.web import attempt, download, errors_text, run_action

from .. import services
from ..forms.contracts import ContractInvoiceForm, DeliverableForm, GuaranteeForm
from ..models import ContractPhase, Deliverable
from .contracts import get_contract_for_user


def _phase(user, pk, phase_pk):
    contract = get_contract_for_user(user, pk)
    return contract, get_object_or_404(ContractPhase, pk=phase_pk, contract=contract)


@login_required
@require_POST
def phase_transition(request, pk, phase_pk, action):
    contract, phase = _phase(request.user, pk, phase_pk)
    return run_action(
        request,
        phase,
        services.PHASE_ACTIONS,
        action,
        redirect_to=f"{contract.get_absolute_url()}#phase-{phase.pk}",
    )


@login_required
@require_POST
def deliverable_upload(request, pk, phase_pk):
    contract, phase = _phase(request.user, pk, phase_pk)
    roles.require(contract.abilities(request.user), "follow")
    form = DeliverableForm(request.POST, request.FILES, phase=phase)
    if not form.is_valid():
        messages.error(request, "Livrable non enregistré : " + errors_text(form))
    else:
        attempt(
            request,
            lambda: services.deliverable_add(phase=phase, by=request.user, **form.cleaned_data),
            lambda item: f"« {item.get_kind_display()} » enregistré pour « {phase.label} ».",
        )
    return redirect(f"{contract.get_absolute_url()}#phase-{phase.pk}")


@login_required
def deliverable_download(request, pk, deliverable_pk):
    contract = get_contract_for_user(request.user, pk)
    item = get_object_or_404(Deliverable, pk=deliverable_pk, phase__contract=contract)
    with item.file.open("rb") as handle:
        content = handle.read()
    return download(
        request,
        content,
        f"{item.kind}-{contract.number}-{item.phase.phase}.pdf",
        "application/pdf",
        contract=contract.number,
        sha256=item.sha256,
    )


def _record(request, contract, form, run, anchor=""):
    if not form.is_valid():
        messages.error(request, "Facture non enregistrée : " + errors_text(form))
    else:
        attempt(
            request,
            lambda: run(**form.cleaned_data),
            lambda invoice: (
                f"{invoice.get_kind_display()} n° {invoice.holder_number} enregistrée : net à "
                f"payer {format_euros(invoice.net_amount)} TTC."
            ),
        )
    return redirect(f"{contract.get_absolute_url()}{anchor}")


@login_required
@require_POST
def advance_record(request, pk):
    contract = get_contract_for_user(request.user, pk)
    roles.require(contract.abilities(request.user), "record_invoice")
    return _record(
        request,
        contract,
        ContractInvoiceForm(request.POST),
        lambda **data: services.advance_record(contract=contract, by=request.user, **data),
        "#finances",
    )


@login_required
@require_POST
def instalment_record(request, pk, phase_pk):
    contract, phase = _phase(request.user, pk, phase_pk)
    roles.require(contract.abilities(request.user), "record_invoice")
    return _record(
        request,
        contract,
        ContractInvoiceForm(request.POST),
        lambda **data: services.instalment_record(phase=phase, by=request.user, **data),
        f"#phase-{phase.pk}",
    )


@login_required
@require_POST
def guarantee_record(request, pk):
    contract = get_contract_for_user(request.user, pk)
    roles.require(contract.abilities(request.user), "record_guarantee")
    form = GuaranteeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Garantie non enregistrée : " + errors_text(form))
    else:
        attempt(
            request,
            lambda: services.guarantee_record(
                contract=contract, by=request.user, on=form.cleaned_data["on"]
            ),
            "La réception de la garantie a été enregistrée.",
        )
    return redirect(f"{contract.get_absolute_url()}#finances")
