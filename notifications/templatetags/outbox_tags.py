from django import template

from notifications import outbox
from notifications.models import MessageStatus

register = template.Library()


@register.inclusion_tag("notifications/_notification_alert.html")
def notification_alert(obj):
    """While the notification e-mail has not left (queued, or failed after its retries), the
    page says so: the order or contract is not notified yet."""
    message = next(
        (
            m
            for m in outbox.page_messages(obj)
            if m.kind in outbox.NOTIFICATION_KINDS and m.status != MessageStatus.SENT
        ),
        None,
    )
    return {"notification": message}


@register.inclusion_tag("notifications/_messages.html", takes_context=True)
def messages_panel(context, obj):
    """The e-mails about `obj`: recipients, state, attempts and error; the buyer may send a
    failed one again."""
    user = context["request"].user
    return {
        "rows": [(m, outbox.may_resend(m, user)) for m in outbox.page_messages(obj)],
        "next": context["request"].get_full_path(),
    }
