"""The team section reads its professions in one query (teams/shown.py) and lists the members
a substitution may replace from the rows it already holds: the same as reading them anew."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from teams import services as team_services
from teams.forms import SubstitutionForm
from teams.models import Profession, Team
from teams.shown import read_professions, shown_team
from tests.factories import ExpertFactory, make_agreement, make_order


def _team(pilot35, buyer, finance):
    make_agreement()
    order = make_order(pilot35, buyer, finance)
    team = order.team
    for name in ("urbaniste", "paysagiste", "sociologue", "écologue"):
        Profession.objects.get_or_create(name=name)
    team.required_professions.set(
        Profession.objects.filter(name__in=["urbaniste", "paysagiste", "écologue"])
    )
    for professions in (["sociologue", "paysagiste"], [], ["urbaniste"]):
        expert = ExpertFactory(holder=order.holder, professions=professions)
        if not professions:
            expert.professions.clear()
        team_services.team_add_member(team=team, expert=expert, role="expert", days={})
    return team


def _names(rows):
    return [p.name for p in rows]


def test_professions_are_read_once_and_match_the_relations(db, pilot35, buyer, finance):
    team_id = _team(pilot35, buyer, finance).pk
    fresh = Team.objects.get(pk=team_id)
    team = Team.objects.prefetch_related(*shown_team()).get(pk=team_id)
    with CaptureQueriesContext(connection) as ctx:
        read_professions(team)
        required = _names(team.required_professions.all())
        held = [_names(m.expert.professions.all()) for m in team.members.all()]
        missing = _names(team.missing_professions())
    assert len(ctx.captured_queries) == 1
    assert required == _names(fresh.required_professions.all())
    assert held == [_names(m.expert.professions.all()) for m in fresh.members.all()]
    assert missing == _names(fresh.missing_professions()) == ["écologue"]
    assert held.count([]) == 1  # an expert without a profession has none, not another's


def test_a_team_without_members_reads_its_required_professions(db, pilot35, buyer, finance):
    make_agreement()
    team = make_order(pilot35, buyer, finance).team
    team.members.all().delete()
    team.required_professions.set([Profession.objects.get_or_create(name="urbaniste")[0]])
    team = Team.objects.prefetch_related(*shown_team()).get(pk=team.pk)
    read_professions(team)
    assert _names(team.missing_professions()) == ["urbaniste"]


def test_the_substitution_form_lists_the_shown_members_as_it_would_read_them(
    db, pilot35, buyer, finance
):
    team = _team(pilot35, buyer, finance)
    first = team.members.order_by("pk").first()
    first.left_on = first.joined_on
    first.save()
    shown = Team.objects.prefetch_related(*shown_team()).get(pk=team.pk)
    read = SubstitutionForm(team=team)["outgoing"].as_widget()
    with CaptureQueriesContext(connection) as ctx:
        kept = SubstitutionForm(team=shown, shown_members=shown.members.all())
        html = kept["outgoing"].as_widget()
    assert html == read and str(first.expert) not in html
    assert not [q for q in ctx.captured_queries if "teammember" in q["sql"]]


def test_the_substitution_form_offers_the_holders_experts_not_on_the_team(
    db, pilot35, buyer, finance
):
    """Active members are not offered; one who left the team, or another of the holder's
    experts, is; an inactive expert is not."""
    team = _team(pilot35, buyer, finance)
    members = list(team.members.order_by("pk"))
    left = members[1]
    left.left_on = left.joined_on
    left.save()
    outsider = ExpertFactory(holder=team.holder)
    ExpertFactory(holder=team.holder, is_active=False)
    offered = set(SubstitutionForm(team=team).fields["incoming"].queryset)
    assert offered == {left.expert, outsider}
