"""The team allocation export (XLSX): one row per expert and atelier, with the order or
contract the team works under, its state and its session or execution dates. An expert on a
cancelled or declined order gets the team's dissolution date as exit date when no earlier
one was recorded. It lives here, not in teams, because teams knows nothing of orders.

Rows are read in chunks, with their professions and planned days prefetched chunk by chunk,
so memory stays flat whatever the number of rows."""

from django.core.exceptions import PermissionDenied

from exports import registry
from procurement import roles
from procurement.xlsx import Column, Report
from teams.models import Expert, TeamMember

from .enums import OrderState

CHUNK = 2000
ENDED = {OrderState.CANCELLED, OrderState.DECLINED}

COLUMNS = [
    Column("Expert"),
    Column("Professions"),
    Column("Entreprise"),
    Column("Titulaire"),
    Column("Commande ou marché"),
    Column("État"),
    Column("Atelier"),
    Column("Session ou exécution du", "date"),
    Column("au", "date"),
    Column("Rôle"),
    Column("Entré le", "date"),
    Column("Sorti le", "date"),
    Column("Jours prévus", "days", total=True),
]


def allocation_queryset(members):
    return (
        members.select_related(
            "expert__company", "team__holder", "team__purchase_order", "team__contract"
        )
        .prefetch_related("expert__professions", "planned_days")
        .order_by("expert__last_name", "expert__first_name", "team_id", "pk")
    )


def _order_of(team):
    for name in ("purchase_order", "contract"):
        try:
            return getattr(team, name)
        except AttributeError:  # RelatedObjectDoesNotExist: no such order for this team
            continue
    return None


def allocation_row(member):
    expert, team = member.expert, member.team
    order = _order_of(team)
    if order is None:
        number = team.reference
        state = start = end = None
    elif hasattr(order, "session_start"):
        number, state = order.number or team.reference, order.get_state_display()
        start, end = order.session_start, order.session_end
    else:
        number, state = order.number, order.get_state_display()
        start, end = order.started_on, order.completed_on or order.terminated_on
    left_on = member.left_on
    if left_on is None and order is not None and order.state in ENDED:
        left_on = team.disbanded_on
    return [
        str(expert),
        ", ".join(p.name for p in expert.professions.all()),
        expert.company.name,
        team.holder.name,
        number,
        state,
        team.label,
        start,
        end,
        member.get_role_display(),
        member.joined_on,
        left_on,
        member.total_days(),
    ]


def _members(user, params):
    # The expert directory is for DGALN staff (teams.views): a pilot reads their own
    # ateliers' teams on the order page.
    if not roles.reads_everything(user):
        raise PermissionDenied
    members = TeamMember.objects.all()
    if params.get("expert"):
        expert = str(params["expert"])
        members = members.filter(expert_id=expert) if expert.isdigit() else members.none()
    return members


def count_allocation(user, params):
    return _members(user, params).count()


def write_allocation(user, params, out):
    members = allocation_queryset(_members(user, params))
    shown = []
    if params.get("expert"):
        expert = Expert.objects.filter(pk=params["expert"]).first()
        shown = [("Expert", str(expert) if expert else params["expert"])]
    report = Report(ALLOCATION.title, user=user, params=shown)
    count = report.sheet(
        "Affectation", COLUMNS, (allocation_row(m) for m in members.iterator(chunk_size=CHUNK))
    )
    report.save(out)
    return count


ALLOCATION = registry.ExportKind(
    kind="teams",
    title="Affectation des équipes",
    slug="affectation-des-equipes",
    count=count_allocation,
    write=write_allocation,
)
