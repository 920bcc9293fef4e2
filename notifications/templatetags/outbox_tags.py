from django import template

from notifications import outbox
from notifications.models import MessageStatus

register = template.Library()


@register.inclusion_tag("notifications/_notification_alert.html")
def notification_alert(obj):
    """While the notification e-mail has not left (queued, or failed after its retries), the
    page says so: the order or contract is not notified yet."""
    message = (
        outbox.about(obj)
        .filter(kind__in=outbox.NOTIFICATION_KINDS)
        .exclude(status=MessageStatus.SENT)
        .first()
    )
    return {"notification": message}


@register.inclusion_tag("notifications/_messages.html", takes_context=True)
def messages_panel(context, obj):
    """The e-mails about `obj`: recipients, state, attempts and error; the buyer may send a
    failed one again."""
    user = context["request"].user
    return {
        "rows": [(m, outbox.may_resend(m, user)) for m in outbox.about(obj)],
        "next": context["request"].get_full_path(),
    }
