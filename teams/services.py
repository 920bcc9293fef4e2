"""Team actions: composition, coverage justification, confirmation with bookings, substitutions.

Each one runs in a transaction and raises TeamRefused with a message for the user. The order
that owns the team calls `team_confirm` and `team_book` with its own dates: this app never
imports orders.
"""

from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django_fsm import has_transition_perm
from simple_history.utils import bulk_update_with_history

from procurement import clock
from procurement.actions import ActionRefused

from . import availability
from .enums import AtelierFormat, MemberRole, Phase
from .models import (
    MAX_DAYS_PER_PHASE,
    Booking,
    Expert,
    PlannedDays,
    Substitution,
    Team,
    TeamMember,
)


class TeamRefused(ActionRefused):
    """A team rule refused the action; the message is shown as is."""


def first_of_month(day):
    return (day or clock.today()).replace(day=1)


@transaction.atomic
def team_create(
    *, holder, label, service, required_professions, reference="", format=AtelierFormat.FLASH
):
    team = Team.objects.create(
        holder=holder, label=label, service=service, reference=reference, format=format
    )
    team.required_professions.set(required_professions)
    return team


@transaction.atomic
def team_schedule(*, team, months):
    """Place the team's phases in months ({phase: date}), from the dates of the order that
    owns it, and move the planned days already entered with them."""
    team = _locked(team)
    team.phase_months = {
        phase: first_of_month(day).isoformat() for phase, day in months.items() if day
    }
    team.save(update_fields=["phase_months"])
    moved = []
    for planned in PlannedDays.objects.filter(member__team=team, phase__in=team.phase_months):
        month = team.month_of(planned.phase)
        if planned.month != month:
            planned.month = month
            moved.append(planned)
    # Row by row in the history, as every change is: a QuerySet.update() would write none.
    bulk_update_with_history(
        moved, PlannedDays, ["month"], default_change_reason="Mois suivant les dates de la commande"
    )
    return team


def _locked(team):
    return Team.objects.select_for_update().get(pk=team.pk)


@transaction.atomic
def team_add_member(*, team, expert, role, days, by=None):
    """Add an expert with planned days per phase ({phase: Decimal}), each placed in the
    phase's month (team_schedule), or this month while the dates are unknown."""
    team = _locked(team)
    unknown = {phase for phase, value in days.items() if value} - set(team.phases())
    if unknown:
        raise TeamRefused(
            "Phase sans objet pour ce format d'atelier : "
            + ", ".join(Phase(p).label for p in sorted(unknown))
            + "."
        )
    if team.confirmed_at is not None:
        raise TeamRefused(
            "L'équipe est confirmée : tout changement passe par une demande de substitution."
        )
    if expert.holder_id != team.holder_id:
        raise TeamRefused(f"{expert} n'est pas un expert de {team.holder}.")
    if not expert.is_active:
        raise TeamRefused(f"{expert} n'est plus actif.")
    active = TeamMember.objects.filter(team=team, left_on__isnull=True)
    if active.filter(expert=expert).exists():
        raise TeamRefused(f"{expert} fait déjà partie de l'équipe.")
    if role == MemberRole.LEAD:
        if active.filter(role=MemberRole.LEAD).exists():
            raise TeamRefused("L'équipe a déjà un chef de projet.")
        if expert.company_id != team.holder.company_id:
            raise TeamRefused(
                "Le chef de projet doit appartenir au titulaire ou, pour un groupement, à son "
                "mandataire."
            )
    member = TeamMember(team=team, expert=expert, role=role)
    member._history_user = by  # read by django-simple-history when the row is saved
    member.save()
    too_many = [p for p, value in days.items() if value and Decimal(value) > MAX_DAYS_PER_PHASE]
    if too_many:
        raise TeamRefused(
            f"Au plus {MAX_DAYS_PER_PHASE} jours par expert et par phase "
            f"({', '.join(Phase(p).label for p in too_many)})."
        )
    for phase, value in days.items():
        if value and Decimal(value) > 0:
            PlannedDays.objects.create(
                member=member, phase=phase, days=value, month=first_of_month(team.month_of(phase))
            )
    return member


@transaction.atomic
def team_remove_member(*, member, by=None):
    team = _locked(member.team)
    if team.confirmed_at is not None:
        raise TeamRefused(
            "L'équipe est confirmée : tout changement passe par une demande de substitution."
        )
    Booking.objects.filter(team=team, expert=member.expert).delete()
    member._history_user = by
    member.delete()


@transaction.atomic
def team_justify(*, team, text, by=None):
    team = _locked(team)
    team.coverage_justification = text.strip()
    team._history_user = by
    team.save()
    return team


def check_ready(team):
    """Refuse a team that cannot be confirmed: no lead, or uncovered competencies."""
    if team.lead() is None:
        raise TeamRefused("L'équipe doit compter un chef de projet.")
    missing = team.missing_professions()
    if missing and not team.coverage_justification.strip():
        raise TeamRefused(
            "Compétences demandées non couvertes par l'équipe : "
            + ", ".join(p.name for p in missing)
            + ". Complétez l'équipe ou enregistrez une justification."
        )


@transaction.atomic
def team_book(*, team, start, end, place="", session=Phase.ON_SITE):
    """(Re)write the active members' bookings for one on-site session; refuse any overlap,
    with other ateliers and with the team's own other sessions."""
    team = _locked(team)
    if not (start and end):
        return
    # Lock the members' expert rows (in a fixed order, so two teams never deadlock): two
    # confirmations sharing an expert are serialised, and the second one sees the first booking.
    expert_ids = sorted(m.expert_id for m in team.active_members())
    list(Expert.objects.select_for_update().filter(pk__in=expert_ids).order_by("pk"))
    conflicts = availability.team_conflicts(team, start, end, session=session)
    if conflicts:
        raise TeamRefused("Indisponibilité : " + availability.describe(conflicts) + ".")
    Booking.objects.filter(team=team, session=session).delete()
    Booking.objects.bulk_create(
        Booking(
            expert_id=m.expert_id, team=team, session=session, start=start, end=end, place=place
        )
        for m in team.active_members()
    )


@transaction.atomic
def team_confirm(*, team, start=None, end=None, place="", by=None, session=Phase.ON_SITE):
    """The holder's team is recorded for good: lead, coverage, availability checked."""
    team = _locked(team)
    check_ready(team)
    team_book(team=team, start=start, end=end, place=place, session=session)
    team.confirmed_at = clock.now()
    team._history_user = by
    team.save()
    return team


# --- substitutions -------------------------------------------------------------------------------


@transaction.atomic
def substitution_request(*, team, outgoing, incoming, reason, by):
    team = _locked(team)
    if not team.abilities(by)["request_substitution"]:
        raise TeamRefused(
            "Une substitution ne peut être demandée qu'après confirmation de "
            "l'équipe, par l'acheteur."
        )
    if not reason.strip():
        raise TeamRefused("Le motif de la substitution est obligatoire.")
    if outgoing.team_id != team.pk or outgoing.left_on is not None:
        raise TeamRefused("Ce membre ne fait plus partie de l'équipe.")
    if incoming.holder_id != team.holder_id:
        raise TeamRefused(f"{incoming} n'est pas un expert de {team.holder}.")
    if team.members.filter(expert=incoming, left_on__isnull=True).exists():
        raise TeamRefused(f"{incoming} fait déjà partie de l'équipe.")
    outgoing_professions = set(outgoing.expert.professions.values_list("pk", flat=True))
    if not outgoing_professions & set(incoming.professions.values_list("pk", flat=True)):
        raise TeamRefused(
            f"{incoming} n'a pas de profession équivalente à celles de {outgoing.expert} ("
            + outgoing.expert.professions_text()
            + ")."
        )
    if outgoing.is_lead and incoming.company_id != team.holder.company_id:
        raise TeamRefused("Le nouveau chef de projet doit appartenir au mandataire.")
    if team.substitutions.filter(outgoing=outgoing, state="requested").exists():
        raise TeamRefused("Une substitution est déjà en attente pour ce membre.")
    substitution = Substitution(
        team=team, outgoing=outgoing, incoming=incoming, reason=reason.strip(), requested_by=by
    )
    substitution._history_user = by
    substitution.save()
    return substitution


@transaction.atomic
def substitution_decide(*, substitution, accept, by, comment="", today=None):
    substitution = Substitution.objects.select_for_update().get(pk=substitution.pk)
    method = substitution.accept if accept else substitution.refuse
    if not has_transition_perm(method, by):
        raise TeamRefused(
            "Cette substitution n'est plus en attente, ou vous ne pouvez pas en décider."
        )
    if accept:
        today = today or clock.today()
        outgoing = TeamMember.objects.select_for_update().get(pk=substitution.outgoing_id)
        Expert.objects.select_for_update().get(pk=substitution.incoming_id)
        # The newcomer takes over the outgoing member's on-site sessions.
        bookings = list(
            Booking.objects.filter(team=substitution.team, expert=outgoing.expert).order_by("start")
        )
        for booking in bookings:
            conflicts = availability.overlapping(
                expert_ids=[substitution.incoming_id],
                start=booking.start,
                end=booking.end,
                exclude_team=substitution.team,
            )
            if conflicts:
                raise TeamRefused("Indisponibilité : " + availability.describe(conflicts) + ".")
        outgoing.left_on = today
        outgoing._history_user = by
        outgoing.save()
        newcomer = TeamMember.objects.create(
            team=substitution.team,
            expert=substitution.incoming,
            role=outgoing.role,
            joined_on=today,
        )
        # The newcomer takes over the planned days of the phases not yet begun.
        for line in outgoing.planned_days.filter(month__gte=first_of_month(today)):
            PlannedDays.objects.create(
                member=newcomer, phase=line.phase, days=line.days, month=line.month
            )
        for booking in bookings:
            booking.expert = substitution.incoming
            booking.save()
    method(by=by, comment=comment)
    substitution._history_user = by
    substitution.save()
    return substitution


# Above this, a month's plan is more than one person's working days.
WORKING_DAYS_PER_MONTH = Decimal("20")


def workload(expert, since=None):
    """Planned days per month and per atelier for one expert, from the month `since` (every
    month without it): [(month, [(team, days)], total, overloaded)]."""
    # Live bookings only: nothing of a team whose order ended before its atelier (cancelled,
    # declined), and nothing after their exit date for a member substituted.
    lines = (
        PlannedDays.objects.filter(member__expert=expert, member__team__disbanded_on=None)
        .filter(Q(member__left_on__isnull=True) | Q(month__lte=F("member__left_on")))
        .select_related("member__team")
        .order_by("month", "member__team_id")
    )
    if since is not None:
        lines = lines.filter(month__gte=since)
    by_month = {}
    for line in lines:
        teams = by_month.setdefault(line.month, {})
        teams[line.member.team] = teams.get(line.member.team, Decimal("0")) + line.days
    rows = []
    for month, teams in sorted(by_month.items()):
        total = sum(teams.values())
        rows.append(
            (
                month,
                sorted(teams.items(), key=lambda kv: kv[0].pk),
                total,
                total > WORKING_DAYS_PER_MONTH,
            )
        )
    return rows


@transaction.atomic
def team_unbook(*, team, session):
    """Free the members' dates of one session (a terminated contract's sessions to come)."""
    Booking.objects.filter(team=team, session=session).delete()


@transaction.atomic
def team_disband(*, team, on):
    """The order behind the team ended before its atelier (cancelled, declined): every booking
    is freed and every member leaves on `on` (never before they joined), so the experts'
    availability and workload stop counting it. Returns the number of bookings freed."""
    freed, _ = Booking.objects.filter(team=team).delete()
    team = _locked(team)
    team.disbanded_on = on
    team._change_reason = "Équipe dissoute : la commande a pris fin avant l'atelier"
    team.save(update_fields=["disbanded_on"])
    for member in TeamMember.objects.filter(team=team, left_on__isnull=True):
        member.left_on = max(on, member.joined_on)
        member.save(update_fields=["left_on"])
    return freed
