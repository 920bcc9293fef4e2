"""Subsequent contracts: created at the award from the winning offer (number, ceiling,
phases, team), then notified by their letter. The losers are told why (R2181-1)."""

from decimal import Decimal

from django.db import transaction

from framework_agreements import ceiling, numbering, revision
from procurement import clock
from procurement.actions import ActionRefused, Catalogue, save
from procurement.money import to_cents
from teams import services as team_services
from teams.enums import AtelierFormat, MemberRole
from teams.models import TeamMember

from .. import advance, notices
from ..models import ContractPhase, SubsequentContract
from ..models.consultations import LOCAL_PHASES
from ..models.contracts import VAT_RATE
from . import documents

CONTRACT_ACTIONS = Catalogue("contract")
action = CONTRACT_ACTIONS.action


def create_from_offer(consultation, offer, by):
    """In the award's transaction: gapless number on the agreement, commitment against its
    maximum under the same lock as purchase orders (R2162-4), phases and team from the offer."""
    agreement = consultation.agreement
    today = clock.today()
    if not agreement.is_in_force(today):
        # R2162-5 CCP: contracts are awarded only while the agreement is in force.
        raise ActionRefused(
            f"Attribution refusée : l'accord-cadre {agreement.reference} n'est pas en vigueur."
        )
    prices = offer.prices_by_phase()
    phases = []
    for position, phase in enumerate(LOCAL_PHASES, 1):
        excl = prices[phase]
        phases.append((phase, position, excl, to_cents(excl * VAT_RATE)))
    total_excl = sum((p[2] for p in phases), Decimal("0.00"))
    total_vat = sum((p[3] for p in phases), Decimal("0.00"))
    number = numbering.next_number(agreement, today.year)
    total_incl = total_excl + total_vat
    duration = consultation.duration_months
    # R2191-3: the advance is due above €50k excl. tax and two months; its rate defaults
    # from the agreement, the SME rate when the holder (a consortium's lead) is an SME.
    rate = (
        advance.default_rate(agreement, offer.holder)
        if advance.is_required(total_excl, duration)
        else Decimal("0.00")
    )
    contract = SubsequentContract(
        consultation=consultation,
        offer=offer,
        agreement=agreement,
        lot=consultation.lot,
        request=consultation.request,
        holder=offer.holder,
        year=number.year,
        sequence=number.sequence,
        number=number.text,
        total_excl_tax=total_excl,
        total_vat=total_vat,
        total_incl_tax=total_incl,
        duration_months=duration,
        advance_rate=rate,
        advance_amount=advance.amount(rate, total_incl, duration),
        revision_base_month=revision.month_of(
            agreement.revision_base_month or consultation.deadline or clock.today()
        ),
        awarded_at=clock.now(),
        awarded_by=by,
        awarding_service=by.service,
    )
    save(contract, by, f"Attribution à {offer.holder}")
    try:
        ceiling.commit(
            agreement=agreement,
            lot=consultation.lot,
            amount=total_excl,
            source=contract.source_key,
            reference=number.text,
            holder=offer.holder,
            year=number.year,
            by=by,
        )
    except ceiling.CeilingExceeded as exc:
        raise ActionRefused(str(exc)) from exc
    for phase, position, excl, vat in phases:
        ContractPhase.objects.create(
            contract=contract,
            phase=phase,
            position=position,
            amount_excl_tax=excl,
            vat=vat,
            amount_incl_tax=excl + vat,
        )
    contract.team = _team_from_offer(contract, offer, by)
    contract.save(update_fields=["team"])
    return contract


def _team_from_offer(contract, offer, by):
    team = team_services.team_create(
        holder=offer.holder,
        label=contract.request.title,
        service=contract.request.service,
        required_professions=contract.request.required_professions.all(),
        reference=contract.number,
        format=AtelierFormat.LOCAL,
    )
    for member in offer.team.select_related("expert"):
        TeamMember.objects.create(
            team=team,
            expert=member.expert,
            role=MemberRole.LEAD if member.is_lead else MemberRole.EXPERT,
        )
        for phase, days in member.days.items():
            team.members.get(expert=member.expert).planned_days.create(
                phase=phase, days=Decimal(days), month=clock.today().replace(day=1)
            )
    # The team of the winning offer is contractual: changes go through substitutions.
    team.confirmed_at = clock.now()
    team.save(update_fields=["confirmed_at"])
    return team


def send_rejection_letters(consultation, current, by):
    """R2181-1 and following: every other bidder is told its scores, its rank, the winner's
    name and scores, and the reasons."""
    winner = current.winner
    for offer in current.offers:
        if offer.pk == winner.pk:
            continue
        letter = documents.store_rejection_letter(consultation, offer, current, by)
        notices.document_to_holder(
            kind="rejection_letter",
            about=consultation,
            holder=offer.holder,
            subject=f"Consultation {consultation.reference} — issue de la procédure",
            paragraphs=[
                "Veuillez trouver ci-joint la décision relative à votre offre pour le marché "
                f"subséquent « {consultation.subject} »."
            ],
            document=letter,
            by=by,
        )


@transaction.atomic
def contract_update(*, contract, by, **fields):
    """EJ, budget imputation, duration and advance, while the contract is not yet notified."""
    locked = SubsequentContract.objects.select_for_update().get(pk=contract.pk)
    if not locked.abilities(by)["edit"]:
        raise ActionRefused("Vous ne pouvez plus modifier ce marché.")
    for name, value in fields.items():
        setattr(locked, name, value)
    required = advance.is_required(locked.total_excl_tax, locked.duration_months)
    if locked.advance_declined:
        pass  # R2191-3: the holder may decline the advance; recorded, nothing is paid
    elif locked.advance_rate or required:
        sme_minimum = locked.agreement.advance_rate_sme if locked.holder.is_sme else None
        message = advance.check_rate(locked.advance_rate, sme_minimum=sme_minimum)
        if message:
            if required and not locked.advance_rate:
                message = (
                    "Une avance est due : le marché dépasse 50 000 € HT et deux mois (article "
                    "R2191-3 du code de la commande publique). Fixez son taux, ou enregistrez "
                    "que le titulaire la refuse. " + message
                )
            raise ActionRefused(message)
    locked.advance_amount = (
        Decimal("0.00")
        if locked.advance_declined
        else advance.amount(locked.advance_rate, locked.total_incl_tax, locked.duration_months)
    )
    return save(locked, by, "Imputation, engagement juridique et avance")


def notify_blockers(contract):
    """Why the letter cannot leave now (empty when it can): the confirmation page lists them,
    contract_notify refuses with them."""
    blockers = []
    if contract.notification_pending():
        blockers.append("L'envoi de la notification au titulaire est déjà en attente.")
    if not contract.ej_number:
        blockers.append("Renseignez le n° d'engagement juridique (EJ) avant de notifier.")
    return blockers


@action(
    "notify",
    "Notifier le marché au titulaire (lettre de notification)",
    confirm=True,
    outcome=lambda contract: (
        "Lettre de notification mise en file d'envoi : le marché sera notifié à son départ "
        "(voir « Courriels »).",
        None,
    ),
)
@transaction.atomic
def contract_notify(*, contract, by, expected_state=None, comment=""):
    """Store the letter and queue its e-mail: the contract is notified when the e-mail has left,
    dated then (notices.notified_on_departure); the advance's delay runs from that date."""
    with CONTRACT_ACTIONS.perform(
        "notify", contract, by=by, expected_state=expected_state, comment=comment
    ) as step:
        blockers = notify_blockers(step.obj)
        if blockers:
            raise ActionRefused(blockers[0])
        step.history_text = "Envoi de la lettre de notification mis en file"
    locked = step.obj
    letter = documents.store_notification_letter(locked, by)
    notices.contract_notification(locked, letter, by)
    return locked
