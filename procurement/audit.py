"""The audit log: who did what, as one JSON object per line on stdout (for any collector) and
as a row administrators can read in the application.

Recorded: logins (success, failure, lockout), refused business actions with their reason,
403 refusals, every export and document download (with its filters), and every admin change.
A refused action is recorded where its refusal becomes a message, after its transaction has
rolled back, on the same database connection.
"""

import json
import logging

from django.conf import settings

logger = logging.getLogger("audit")


class JsonFormatter(logging.Formatter):
    def format(self, record):
        payload = record.msg if isinstance(record.msg, dict) else {"message": record.getMessage()}
        return json.dumps(payload, ensure_ascii=False, default=str, sort_keys=True)


def client_ip(request):
    """The client's address: behind our HTTPS proxy, the one it appended last."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def record(event, *, request=None, user=None, username="", **detail):
    """Write one audit event (database row and JSON log line)."""
    from .models import AuditEvent

    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    username = username or (user.get_username() if user else "")
    row = AuditEvent.objects.create(
        event=event,
        user=user,
        username=username[:150],
        ip=client_ip(request) if request is not None else None,
        path=(request.get_full_path() if request is not None else "")[:500],
        detail=detail,
    )
    logger.info(
        {
            "event": event,
            "at": row.at.isoformat(),
            "user": username,
            "ip": row.ip,
            "path": row.path,
            **detail,
        }
    )
    return row
