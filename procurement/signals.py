"""Audit events for what Django and django-axes signal: logins, failures, lockouts, logouts
and every change made in the admin."""

import time

from axes.signals import user_locked_out
from django.contrib.admin.models import LogEntry
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from . import audit, clock


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    # The idle timeout counts from here (procurement.middleware.IdleTimeoutMiddleware).
    if hasattr(request, "session"):
        request.session["last_activity"] = int(time.time())
    audit.record("login", request=request, user=user)


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit.record("logout", request=request, user=user)


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    audit.record("login_failed", request=request, username=credentials.get("username", ""))


@receiver(user_locked_out)
def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    audit.record("locked_out", request=request, username=username or "")


@receiver(post_save, sender=LogEntry)
def admin_change(sender, instance, created, **kwargs):
    if created:
        audit.record(
            "admin_change",
            user=instance.user,
            action={1: "ajout", 2: "modification", 3: "suppression"}.get(
                instance.action_flag, "autre"
            ),
            model=instance.content_type.model if instance.content_type_id else "",
            object_id=instance.object_id,
            object=instance.object_repr,
            change=instance.get_change_message(),
        )


@receiver(pre_create_historical_record)
def history_on_the_application_clock(sender, history_instance, **kwargs):
    """A history row is dated by the application's clock when it is set: the demo's backdated
    story (and a test's frozen day) then read true in every timeline."""
    if clock.is_frozen():
        history_instance.history_date = clock.now()
