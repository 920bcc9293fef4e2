"""The team of an atelier, on its own: keyed by the team and authorised by Team.abilities.

The page of the order that owns a team shows it through `panel()`; the forms post here and
come back to that page (a `next` URL on this site), or to the team's own page.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from procurement import roles
from procurement.web import attempt, errors_text

from . import availability, services
from .forms import JustificationForm, MemberForm, SubstitutionForm
from .models import Team
from .shown import read_professions, shown_team


def _get_team_for_user(user, pk, queryset=None):
    queryset = queryset if queryset is not None else Team.objects.select_related("holder")
    return get_object_or_404(queryset.visible_to(user), pk=pk)


def _team_for_action(request, pk, ability):
    team = _get_team_for_user(request.user, pk)
    roles.require(team.abilities(request.user), ability)
    return team


def _back(request, team):
    url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return redirect(url)
    return redirect("teams:team_detail", team.pk)


def panel(team, user, *, next_url, session_start=None, session_end=None):
    """What the team section of a page needs (templates/teams/_team.html)."""
    read_professions(team)
    abilities = team.abilities(user)
    # A substitution is requested only once the team is confirmed, which is never undone.
    substitutions = (
        list(
            team.substitutions.select_related(
                "outgoing__expert", "incoming", "requested_by", "decided_by"
            )
        )
        if team.confirmed_at is not None
        else []
    )
    return {
        "team": team,
        "team_abilities": abilities,
        "team_next": next_url,
        "missing": team.missing_professions(),
        "conflicts": availability.team_conflicts(team, session_start, session_end),
        "member_form": MemberForm(team=team) if abilities["edit"] else None,
        "justification_form": JustificationForm(initial={"text": team.coverage_justification}),
        "substitution_form": (
            SubstitutionForm(team=team, shown_members=team.members.all())
            if abilities["request_substitution"]
            else None
        ),
        # Each substitution's buttons come from its own transitions, as the POST checks them.
        "substitutions": [
            (sub, {t.name for t in sub.get_available_user_state_transitions(user)})
            for sub in substitutions
        ],
    }


@login_required
def team_detail(request, pk):
    team = _get_team_for_user(
        request.user, pk, Team.objects.select_related("holder").prefetch_related(*shown_team())
    )
    roles.require(team.abilities(request.user), "view")
    return render(
        request,
        "teams/team_detail.html",
        panel(team, request.user, next_url=request.path),
    )


@login_required
@require_POST
def member_add(request, pk):
    team = _team_for_action(request, pk, "edit")
    form = MemberForm(request.POST, team=team)
    if not form.is_valid():
        messages.error(request, "Membre non ajouté : " + errors_text(form))
        return _back(request, team)
    attempt(
        request,
        lambda: services.team_add_member(
            team=team,
            expert=form.cleaned_data["expert"],
            role=form.cleaned_data["role"],
            days=form.days(),
            by=request.user,
        ),
        f"{form.cleaned_data['expert']} a été ajouté à l'équipe.",
    )
    return _back(request, team)


@login_required
@require_POST
def member_remove(request, pk, member_pk):
    team = _team_for_action(request, pk, "edit")
    member = get_object_or_404(team.members, pk=member_pk)
    attempt(
        request,
        lambda: services.team_remove_member(member=member, by=request.user),
        f"{member.expert} a été retiré de l'équipe.",
    )
    return _back(request, team)


@login_required
@require_POST
def justify(request, pk):
    team = _team_for_action(request, pk, "justify")
    form = JustificationForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.team_justify(
                team=team, text=form.cleaned_data["text"], by=request.user
            ),
            "La justification a été enregistrée.",
        )
    else:
        messages.error(request, "Justification refusée : " + errors_text(form))
    return _back(request, team)


@login_required
@require_POST
def substitution_request(request, pk):
    team = _team_for_action(request, pk, "request_substitution")
    form = SubstitutionForm(request.POST, team=team)
    if not form.is_valid():
        messages.error(request, "Demande non enregistrée : " + errors_text(form))
        return _back(request, team)
    attempt(
        request,
        lambda: services.substitution_request(
            team=team,
            outgoing=form.cleaned_data["outgoing"],
            incoming=form.cleaned_data["incoming"],
            reason=form.cleaned_data["reason"],
            by=request.user,
        ),
        "La demande de substitution a été enregistrée.",
    )
    return _back(request, team)


@login_required
@require_POST
def substitution_decide(request, pk, substitution_pk, decision):
    team = _team_for_action(request, pk, "view")
    substitution = get_object_or_404(team.substitutions, pk=substitution_pk)
    if decision not in ("accept", "refuse"):
        raise PermissionDenied
    attempt(
        request,
        lambda: services.substitution_decide(
            substitution=substitution,
            accept=decision == "accept",
            by=request.user,
            comment=request.POST.get("comment", "")[:10_000],
        ),
        "Substitution acceptée." if decision == "accept" else "Substitution refusée.",
    )
    return _back(request, team)
