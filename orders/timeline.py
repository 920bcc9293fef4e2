"""Activity timeline of a request or an order, built from its django-simple-history rows."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    when: object
    who: str
    state: str
    text: str


def timeline(obj):
    """One event per history row that changed the state or carries a reason (one query)."""
    rows = obj.history.select_related("history_user").order_by("history_date", "history_id")
    labels = dict(type(obj)._meta.get_field("state").choices)
    events = []
    previous_state = None
    for row in rows:
        changed = row.state != previous_state
        if changed or row.history_change_reason:
            events.append(
                Event(
                    when=row.history_date,
                    who=str(row.history_user) if row.history_user else "Système",
                    state=labels.get(row.state, row.state) if changed else "",
                    text=row.history_change_reason
                    or ("Création" if row.history_type == "+" else "Modification"),
                )
            )
        previous_state = row.state
    events.reverse()  # most recent first
    return events
