"""What the team section of a page reads (templates/teams/_team.html), in a fixed number of
queries whatever the team's size: the members with their expert, company and planned days
(prefetches), then the professions the section names, read once for the whole team."""

from django.db import models

from .models import Expert, Profession, Team, TeamMember


def shown_team(prefix=""):
    """The members with their expert, company and planned days, as prefetches from the model
    at `prefix` ("team__" from an order or a contract): two queries. The professions follow
    with `read_professions`, once the members are known."""
    return [
        models.Prefetch(
            f"{prefix}members",
            queryset=TeamMember.objects.select_related("expert__company").prefetch_related(
                "planned_days"
            ),
        ),
    ]


def read_professions(team):
    """The professions the request asked for and those of each member's expert, in one query:
    the two link tables side by side (UNION ALL), kept as the prefetched rows of
    `team.required_professions` and of each `expert.professions`, ordered by name as the
    model orders them. A team whose relations are already read is left as it is."""
    if "required_professions" in getattr(team, "_prefetched_objects_cache", {}):
        return
    experts = {}
    for member in team.members.all():
        experts.setdefault(member.expert_id, []).append(member.expert)
    side = models.IntegerField()
    rows = Team.required_professions.through.objects.filter(team_id=team.pk).values_list(
        models.Value(0, output_field=side), "team_id", "profession_id", "profession__name"
    )
    if experts:
        rows = rows.union(
            Expert.professions.through.objects.filter(expert_id__in=experts).values_list(
                models.Value(1, output_field=side), "expert_id", "profession_id", "profession__name"
            ),
            all=True,
        )
    professions, required, held = {}, [], {}
    for kind, owner, pk, name in sorted(rows, key=lambda row: (row[3], row[2])):
        profession = professions.setdefault(pk, Profession(pk=pk, name=name))
        (required if kind == 0 else held.setdefault(owner, [])).append(profession)
    _keep(team, "required_professions", required)
    for expert_id, instances in experts.items():
        for expert in instances:
            _keep(expert, "professions", held.get(expert_id, []))


def _keep(instance, name, rows):
    """Store `rows` as a prefetched relation, as prefetch_related itself does."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = queryset
