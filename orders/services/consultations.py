"""A Local re-competition, from the accepted request to the opened bids: prepare, launch
(every holder of the lot invited with the same letter the same day), record the submissions
received before the deadline, open the bids after it, then enter each offer's content.

Discipline of the State's procurement platform: before the deadline only the fact of a
submission is recorded; a submission received after the deadline is refused as late; the
content is entered after the opening, kept in history, and frozen once the analysis starts.
"""

from decimal import Decimal

from django.db import transaction

from framework_agreements.models import FrameworkAgreement, LotHolding, Mechanism
from procurement import clock
from procurement.actions import ActionRefused, Catalogue, save
from procurement.money import format_euros
from teams.models import Expert

from .. import notices
from ..enums import AtelierFormat, RequestState
from ..models import (
    Consultation,
    ConsultationState,
    Invitation,
    Offer,
    OfferPrice,
    OfferStatus,
    OfferTeamMember,
    TeamRequest,
)
from ..models.consultations import ENDED_CONSULTATION_STATES, LOCAL_PHASES
from . import documents

CONSULTATION_ACTIONS = Catalogue("consultation")
action = CONSULTATION_ACTIONS.action


def local_agreement():
    """The subsequent-contract agreement in force today."""
    today = clock.today()
    candidates = FrameworkAgreement.objects.filter(
        mechanism=Mechanism.SUBSEQUENT_CONTRACTS, start_date__lte=today
    ).order_by("-start_date")
    return next((a for a in candidates if a.is_in_force(today)), None)


def live_consultation(team_request):
    return team_request.consultations.exclude(state__in=ENDED_CONSULTATION_STATES).first()


@transaction.atomic
def consultation_prepare(*, team_request, by, subject="", estimated_amount=None):
    """From an accepted Local request: the buyer prepares the consultation; the request's
    opportunity note becomes its specification, the agreement's criteria its criteria."""
    team_request = TeamRequest.objects.select_for_update().get(pk=team_request.pk)
    if not team_request.abilities(by)["prepare_consultation"]:
        raise ActionRefused("Vous ne pouvez pas préparer de remise en concurrence ici.")
    if team_request.format != AtelierFormat.LOCAL or team_request.state != RequestState.ACCEPTED:
        raise ActionRefused("Seule une demande d'atelier Local acceptée se remet en concurrence.")
    if live_consultation(team_request) is not None:
        raise ActionRefused("Une remise en concurrence est déjà en cours pour cette demande.")
    agreement = local_agreement()
    if agreement is None:
        raise ActionRefused("Aucun accord-cadre à marchés subséquents n'est en vigueur.")
    agreement.require_may_order(by.service)  # R2162-6 CCP
    consultation = Consultation(
        request=team_request,
        agreement=agreement,
        lot=agreement.lots.order_by("number").first(),
        subject=subject or f"Atelier des territoires « Local » — {team_request.title}"[:200],
        specification=team_request.problem_statement,
        estimated_amount=estimated_amount or Decimal("100000.00"),
        contact=f"{by.get_full_name()} — {by.email}".strip(" —"),
        criteria=agreement.award_criteria,
        abnormally_low_percent=agreement.abnormally_low_percent,
        created_by=by,
    )
    return save(consultation, by, "Préparation de la remise en concurrence")


@transaction.atomic
def consultation_update(
    *, consultation, by, subject, estimated_amount, deadline, contact, duration_months=None
):
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not locked.abilities(by)["edit"]:
        raise ActionRefused("La consultation ne se modifie plus une fois lancée.")
    if deadline is not None and deadline <= clock.now():
        raise ActionRefused(
            f"Date refusée : la date limite ({deadline:%d/%m/%Y %H:%M}) est déjà passée."
        )
    locked.subject, locked.estimated_amount = subject, estimated_amount
    locked.deadline, locked.contact = deadline, contact
    if duration_months:
        locked.duration_months = duration_months
    return save(locked, by, "Modification de la consultation")


@action("launch", "Lancer la consultation (tous les titulaires du lot)")
@transaction.atomic
def consultation_launch(*, consultation, by, expected_state=None, comment=""):
    """R2162-7: every holder of the lot is invited, the same day, with the same letter. The
    list is computed from the lot, never chosen."""
    with CONSULTATION_ACTIONS.perform(
        "launch", consultation, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        if locked.deadline is None or locked.deadline <= clock.now():
            raise ActionRefused("Fixez une date limite de réception des offres à venir.")
        holdings = list(
            LotHolding.objects.filter(lot=locked.lot).select_related("holder").order_by("rank")
        )
        if not holdings:
            raise ActionRefused("Le lot n'a aucun titulaire à consulter.")
        locked.launch()
    now = clock.now()
    invitations = []
    for holding in holdings:
        letter = documents.store_consultation_letter(locked, holding.holder, by)
        invitations.append(
            Invitation.objects.create(
                consultation=locked,
                holder=holding.holder,
                email=holding.holder.contact_email,
                sent_at=now,
                letter=letter,
            )
        )
    for invitation in invitations:
        notices.document_to_holder(
            kind="consultation_letter",
            about=locked,
            holder=invitation.holder,
            subject=f"Consultation {locked.reference} — {locked.subject}",
            paragraphs=[
                f"En application de l'accord-cadre {locked.agreement.reference}, vous êtes invité "
                f"à remettre une offre pour le marché subséquent « {locked.subject} ». La lettre "
                "de consultation ci-jointe en précise l'objet, les critères et leur pondération "
                f"ainsi que la date limite : {locked.deadline:%d/%m/%Y à %H:%M}.",
            ],
            document=invitation.letter,
            by=by,
        )
    return locked


@transaction.atomic
def offer_record(*, consultation, by, holder, received_at=None, declined=False, reason=""):
    """Before the opening: only the fact of an answer (a submission and its time of receipt,
    or a holder declining to bid, with its reason). A late submission is refused."""
    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if not locked.abilities(by)["record"]:
        raise ActionRefused("Vous ne pouvez pas enregistrer de réponse.")
    if locked.state != ConsultationState.LAUNCHED:
        raise ActionRefused(
            "Les réponses s'enregistrent entre le lancement et l'ouverture des plis."
        )
    if not locked.invitations.filter(holder=holder).exists():
        raise ActionRefused(f"{holder} n'a pas été consulté.")
    if locked.offers.filter(holder=holder).exists():
        raise ActionRefused(f"La réponse de {holder} est déjà enregistrée.")
    if declined:
        if not reason.strip():
            raise ActionRefused("Indiquez le motif pour lequel le titulaire ne répond pas.")
        offer = Offer(
            consultation=locked,
            holder=holder,
            status=OfferStatus.DECLINED,
            decline_reason=reason.strip(),
            recorded_by=by,
        )
        return save(offer, by, "Le titulaire ne répond pas")
    received_at = received_at or clock.now()
    if received_at > clock.now():
        raise ActionRefused(
            f"Date refusée : la réception ({received_at:%d/%m/%Y %H:%M}) ne peut être future."
        )
    if received_at > locked.deadline:
        raise ActionRefused(
            f"Offre hors délai refusée : reçue le {received_at:%d/%m/%Y à %H:%M}, après la date "
            f"limite du {locked.deadline:%d/%m/%Y à %H:%M}."
        )
    # The platform and the form give minutes: compare at the minute.
    if received_at < locked.launched_at.replace(second=0, microsecond=0):
        raise ActionRefused("Une offre ne peut être reçue avant le lancement de la consultation.")
    offer = Offer(
        consultation=locked,
        holder=holder,
        status=OfferStatus.SUBMITTED,
        received_at=received_at,
        recorded_by=by,
    )
    return save(offer, by, "Offre reçue (pli fermé)")


@action("open", "Ouvrir les plis")
@transaction.atomic
def consultation_open(*, consultation, by, expected_state=None, comment=""):
    """Only once the deadline has passed (the transition's condition)."""
    with CONSULTATION_ACTIONS.perform(
        "open", consultation, by=by, expected_state=expected_state, comment=comment
    ) as step:
        if not step.obj.deadline_passed():
            raise ActionRefused(
                f"Ouverture refusée : la date limite ({step.obj.deadline:%d/%m/%Y à %H:%M}) "
                "n'est pas passée."
            )
        step.obj.open(by=by)
    return step.obj


@transaction.atomic
def offer_content(*, offer, by, prices, team, memo=None):
    """After the opening, before the analysis: the DPGF ({phase: price excl. tax}), the
    proposed team ([(expert, is_lead, {phase: days})]) and the technical memo."""
    offer = Offer.objects.select_related("consultation").select_for_update().get(pk=offer.pk)
    consultation = offer.consultation
    if not consultation.abilities(by)["record"]:
        raise ActionRefused("Vous ne pouvez pas saisir le contenu des offres.")
    if consultation.state != ConsultationState.OPENED:
        raise ActionRefused(
            "Le contenu d'une offre se saisit après l'ouverture des plis et avant l'analyse "
            f"(la consultation est « {consultation.get_state_display()} »)."
        )
    if not offer.submitted:
        raise ActionRefused(f"{offer.holder} n'a pas déposé d'offre.")
    if set(prices) != set(LOCAL_PHASES) or any(p is None or p <= 0 for p in prices.values()):
        raise ActionRefused("Indiquez un prix HT pour chacune des cinq phases de la DPGF.")
    for expert, _lead, _days in team:
        if expert.holder_id != offer.holder_id:
            raise ActionRefused(f"{expert} n'est pas un expert de {offer.holder}.")
    if team and sum(1 for _e, lead, _d in team if lead) != 1:
        raise ActionRefused("L'équipe proposée compte un et un seul chef de projet.")
    for expert, lead, _days in team:
        if lead and expert.company_id != offer.holder.company_id:
            raise ActionRefused(
                "Le chef de projet appartient au titulaire ou, pour un groupement, à son "
                "mandataire."
            )
    offer.prices.all().delete()
    for phase in LOCAL_PHASES:
        OfferPrice.objects.create(offer=offer, phase=phase, amount_excl_tax=prices[phase])
    offer.team.all().delete()
    for expert, lead, days in team:
        OfferTeamMember.objects.create(
            offer=offer,
            expert=expert,
            is_lead=lead,
            days={p: str(d) for p, d in days.items() if d},
        )
    if memo is not None:
        offer.memo = memo
        offer.memo_sha256 = memo.sha256
    return save(offer, by, f"Contenu de l'offre saisi ({format_euros(offer.price())} HT)")


def holder_experts(holder):
    return Expert.objects.filter(holder=holder, is_active=True).prefetch_related("professions")
