"""Who is booked where: overlaps of on-site bookings, from the teams' own data.

Dates are inclusive: a session from the 10th to the 12th overlaps one on the 12th, but not one
starting on the 13th (adjacent days are fine).
"""

from django.db.models import Q

from .enums import Phase
from .models import Booking


def overlapping(*, expert_ids, start, end, exclude_team=None, exclude_session=None):
    """Bookings of these experts whose dates meet [start, end]. With exclude_session, only
    that session of exclude_team is left out (the one being rewritten)."""
    bookings = Booking.objects.filter(expert_id__in=expert_ids, start__lte=end, end__gte=start)
    if exclude_team is not None:
        if exclude_session is None:
            bookings = bookings.exclude(team=exclude_team)
        else:
            bookings = bookings.exclude(Q(team=exclude_team) & Q(session=exclude_session))
    return list(bookings.select_related("expert", "team").order_by("start"))


def team_conflicts(team, start, end, session=Phase.ON_SITE):
    """Conflicts for the team's active members if the team were on site from start to end."""
    if not (start and end):
        return []
    expert_ids = [m.expert_id for m in team.active_members()]
    return overlapping(
        expert_ids=expert_ids, start=start, end=end, exclude_team=team, exclude_session=session
    )


def describe(conflicts):
    return "; ".join(
        f"{b.expert} est déjà sur site du {b.start:%d/%m/%Y} au {b.end:%d/%m/%Y} "
        f"({b.team.label}{', ' + b.team.reference if b.team.reference else ''})"
        for b in conflicts
    )
