"""Executing a subsequent contract: the start, each phase's dates and place (which book the
team), the holder's deliverables, acceptance of a phase (its service fait, R2191-23) or its
return, termination with the release of what was not executed, and the closing with its
final statement. Money (advance, instalments, revision) is orders/services/contract_payments.py.
"""

from django import forms
from django.db import transaction

from framework_agreements import ceiling
from procurement import clock
from procurement.actions import ActionRefused, Catalogue, save
from procurement.money import format_euros, to_cents
from teams import services as team_services
from teams.services import TeamRefused

from .. import chronology
from ..models import (
    ContractPhase,
    ContractState,
    Deliverable,
    DeliverableKind,
    InvoiceKind,
    PhaseState,
    SubsequentContract,
)
from ..models.payments import PENDING_INVOICE_STATES, InvoiceState
from . import contract_documents
from .contracts import CONTRACT_ACTIONS
from .purchase_orders import date_field, today_initial

PHASE_ACTIONS = Catalogue("phase")


# --- the contract ------------------------------------------------------------------------------


@CONTRACT_ACTIONS.action(
    "start",
    "Démarrer l'exécution (ordre de service)",
    fields={"on": date_field("Exécution commencée le")},
    initial=today_initial,
)
@transaction.atomic
def contract_start(*, contract, by, on=None, expected_state=None, comment=""):
    with CONTRACT_ACTIONS.perform(
        "start", contract, by=by, expected_state=expected_state, comment=comment
    ) as step:
        day = on or clock.today()
        chronology.contract_start(step.obj, day, clock.today())
        step.obj.start(on=day)
    return step.obj


def executed_excl_tax(contract):
    """What the ceiling must keep for the work done: accepted phases at their price, plus the
    revisions already committed."""
    total = 0
    for phase in contract.phases.filter(state=PhaseState.ACCEPTED).select_related("revision"):
        total += phase.amount_excl_tax
        revision = getattr(phase, "revision", None)
        if revision is not None:
            total += revision.committed_increase
    return to_cents(total)


@CONTRACT_ACTIONS.action(
    "terminate",
    "Résilier le marché",
    fields={"on": date_field("Résilié le")},
    initial=today_initial,
    reason_required=True,
    secondary=True,
)
@transaction.atomic
def contract_terminate(*, contract, by, on=None, expected_state=None, comment=""):
    """Résiliation: the phases not accepted are not executed; their part of the commitment
    is released from the ceiling (a partial release), and their sessions are unbooked."""
    with CONTRACT_ACTIONS.perform(
        "terminate", contract, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        day = on or clock.today()
        chronology.contract_end(locked, day, clock.today(), "la résiliation")
        if locked.phases.filter(state=PhaseState.SUBMITTED).exists():
            raise ActionRefused(
                "Résiliation refusée : des livrables attendent votre vérification. Acceptez la "
                "phase ou renvoyez-la au titulaire d'abord."
            )
        held = ceiling.held_by(locked.source_key, locked.agreement)
        release = held - executed_excl_tax(locked)
        if release > 0:
            ceiling.release(
                agreement=locked.agreement,
                source=locked.source_key,
                reference=f"{locked.number} (résiliation)",
                by=by,
                amount=release,
            )
            locked.released_amount += release
        if locked.team_id:
            for phase in locked.phases.exclude(state=PhaseState.ACCEPTED):
                team_services.team_unbook(team=locked.team, session=phase.phase)
        locked.terminate(on=day, reason=step.comment)
        step.history_text = f"Résilié — {format_euros(release)} HT libérés du montant maximum"
    return locked


def closing_blockers(contract):
    """Why the contract cannot be closed yet (empty when it can)."""
    blockers = []
    invoices = list(contract.invoices.all())
    if any(i.state in PENDING_INVOICE_STATES for i in invoices):
        blockers.append("des factures sont en cours de traitement")
    paid_phases = {
        i.contract_phase_id for i in invoices if i.contract_phase_id and i.state == "paid"
    }
    for phase in contract.phases.all():
        if phase.state == PhaseState.ACCEPTED and phase.pk not in paid_phases:
            blockers.append(f"l'acompte de la phase « {phase.label} » n'est pas payé")
    advance = [
        i for i in invoices if i.kind == InvoiceKind.ADVANCE and i.state != InvoiceState.REJECTED
    ]
    if advance and advance[0].state != InvoiceState.PAID:
        blockers.append("l'avance n'est pas payée")
    return blockers


@CONTRACT_ACTIONS.action("close", "Clore le marché (décompte final)")
@transaction.atomic
def contract_close(*, contract, by, expected_state=None, comment=""):
    with CONTRACT_ACTIONS.perform(
        "close", contract, by=by, expected_state=expected_state, comment=comment
    ) as step:
        blockers = closing_blockers(step.obj)
        if blockers:
            raise ActionRefused("Clôture impossible : " + " ; ".join(blockers) + ".")
        step.obj.close()
    contract_documents.store_closing_statement(step.obj, by)
    return step.obj


# --- phases ------------------------------------------------------------------------------------


def _phase_of_running_contract(phase):
    contract = SubsequentContract.objects.select_for_update().get(pk=phase.contract_id)
    if contract.state not in (ContractState.NOTIFIED, ContractState.IN_EXECUTION):
        raise ActionRefused(
            f"Le marché est « {contract.get_state_display()} » : ses phases ne changent plus."
        )
    return contract


def _schedule_initial(phase):
    return {"start_on": phase.start_on, "end_on": phase.end_on, "place": phase.place}


@PHASE_ACTIONS.action(
    "schedule",
    "Fixer ou déplacer les dates",
    fields={
        "start_on": date_field("Du", required=True),
        "end_on": date_field("Au", required=True),
        "place": forms.CharField(label="Lieu", required=False, max_length=200),
    },
    initial=_schedule_initial,
    secondary=True,
)
@transaction.atomic
def phase_schedule(*, phase, by, start_on, end_on, place="", expected_state=None, comment=""):
    """Set or move a phase's dates; a session books the team's experts on those dates (and
    moving it moves the bookings), refused on a conflict with any other confirmed atelier."""
    with PHASE_ACTIONS.perform(
        "schedule", phase, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        contract = _phase_of_running_contract(locked)
        chronology.phase_plan(locked, start_on, end_on, clock.today())
        place = (place or "").strip()
        if locked.is_session and not place:
            raise ActionRefused("Indiquez le lieu de la session.")
        if locked.is_session and contract.team is not None:
            try:
                team_services.team_book(
                    team=contract.team,
                    start=start_on,
                    end=end_on,
                    place=place,
                    session=locked.phase,
                )
            except TeamRefused as exc:
                raise ActionRefused(str(exc)) from exc
        moved = locked.start_on is not None
        locked.schedule(start_on=start_on, end_on=end_on, place=place)
        step.history_text = (
            f"{'Déplacée' if moved else 'Programmée'} : du {start_on:%d/%m/%Y} au "
            f"{end_on:%d/%m/%Y}" + (f" à {place}" if place else "")
        )
    return locked


@transaction.atomic
def deliverable_add(*, phase, by, kind, file):
    """Record a deliverable the holder sent for a phase (a checked PDF, see PdfField)."""
    locked = ContractPhase.objects.select_for_update().get(pk=phase.pk)
    _phase_of_running_contract(locked)
    if not locked.abilities(by)["upload"]:
        raise ActionRefused(
            "Les livrables se déposent sur une phase programmée, ou renvoyée au titulaire."
        )
    if kind not in locked.required_deliverables:
        raise ActionRefused(
            f"La phase « {locked.label} » n'attend pas de « {DeliverableKind(kind).label} »."
        )
    sha256 = getattr(file, "sha256", "")
    if not sha256:
        raise ActionRefused("Le fichier n'a pas été vérifié : déposez un PDF.")
    return Deliverable.objects.create(
        phase=locked,
        kind=kind,
        file=file,
        original_name=(getattr(file, "name", "") or "livrable.pdf")[:200],
        size=file.size,
        sha256=sha256,
        uploaded_by=by,
    )


@PHASE_ACTIONS.action(
    "submit",
    "Enregistrer la remise des livrables",
    fields={"on": date_field("Livrables remis le")},
    initial=today_initial,
)
@transaction.atomic
def phase_submit(*, phase, by, on=None, expected_state=None, comment=""):
    with PHASE_ACTIONS.perform(
        "submit", phase, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        contract = _phase_of_running_contract(locked)
        if contract.state != ContractState.IN_EXECUTION:
            raise ActionRefused("Démarrez l'exécution du marché d'abord (ordre de service).")
        delivered = set(locked.deliverables.values_list("kind", flat=True))
        missing = [
            DeliverableKind(k).label for k in locked.required_deliverables if k not in delivered
        ]
        if missing:
            raise ActionRefused("Livrables manquants : " + ", ".join(missing) + ".")
        day = on or clock.today()
        chronology.phase_submitted(locked, day, clock.today())
        locked.submit(on=day)
    return locked


@PHASE_ACTIONS.action("send_back", "Renvoyer au titulaire", reason_required=True, secondary=True)
@transaction.atomic
def phase_send_back(*, phase, by, expected_state=None, comment=""):
    with PHASE_ACTIONS.perform(
        "send_back", phase, by=by, expected_state=expected_state, comment=comment
    ) as step:
        _phase_of_running_contract(step.obj)
        step.obj.send_back(reason=step.comment)
    return step.obj


@PHASE_ACTIONS.action(
    "accept",
    "Accepter la phase (service fait)",
    fields={"on": date_field("Service fait le")},
    initial=today_initial,
)
@transaction.atomic
def phase_accept(*, phase, by, on=None, expected_state=None, comment=""):
    """R2191-23: the written acceptance of the phase is its service fait, with its
    certificate; the last phase accepted completes the contract."""
    with PHASE_ACTIONS.perform(
        "accept", phase, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        contract = _phase_of_running_contract(locked)
        day = on or clock.today()
        chronology.phase_accepted(locked, day, clock.today())
        locked.accept(on=day, by=by)
    contract_documents.store_phase_certificate(locked, by)
    others = contract.phases.exclude(pk=locked.pk).exclude(state=PhaseState.ACCEPTED)
    if not others.exists():
        contract.complete(on=day)
        save(contract, by, "Service fait de toutes les phases")
    return locked


@transaction.atomic
def guarantee_record(*, contract, by, on):
    """R2192-25: the advance's delay runs from the receipt of the guarantee, when required."""
    locked = SubsequentContract.objects.select_for_update().get(pk=contract.pk)
    if not locked.abilities(by)["record_guarantee"]:
        raise ActionRefused("Aucune garantie n'est exigée, ou vous ne pouvez pas l'enregistrer.")
    if locked.guarantee_received_on is not None:
        raise ActionRefused("La réception de la garantie est déjà enregistrée.")
    chronology.guarantee_received(locked, on, clock.today())
    locked.guarantee_received_on = on
    return save(locked, by, "Garantie à première demande reçue")
