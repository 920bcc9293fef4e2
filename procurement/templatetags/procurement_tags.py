from django import template
from django.utils.html import format_html

from procurement.money import format_euros

register = template.Library()

# DSFR badge colour per state.
BADGES = {
    "draft": "info",
    "submitted": "new",
    "returned": "warning",
    "accepted": "success",
    "rejected": "error",
    "withdrawn": "info",
    "issued": "new",
    "notified": "new",
    "in_progress": "info",
    "delivered": "info",
    "service_done": "success",
    "invoiced": "info",
    "paid": "success",
    "closed": "success",
    "cancelled": "error",
    "declined": "warning",
    "received": "new",
    "launched": "new",
    "opened": "info",
    "evaluating": "info",
    "awarded": "success",
    "unsuccessful": "warning",
    "interrupted": "warning",
    "ordered": "new",
    "completed": "success",
}


@register.filter
def euros(value):
    if value is None or value == "":
        return "—"
    return format_euros(value)


@register.simple_tag
def state_badge(obj):
    colour = BADGES.get(obj.state, "info")
    return format_html(
        '<p class="fr-badge fr-badge--sm fr-badge--{} fr-badge--no-icon">{}</p>',
        colour,
        obj.get_state_display(),
    )


@register.filter
def minutes(duration):
    """A timedelta as whole minutes (the lockout page's cool-off)."""
    return int(duration.total_seconds() // 60) if duration else ""


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template (a table built from a dict), or None."""
    return mapping.get(key) if mapping else None
