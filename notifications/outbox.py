"""Queue, send and re-send e-mails through their records (see models.py).

`queue` writes the record inside the caller's transaction and enqueues the sending task once it
commits: a state change never depends on SMTP. `deliver` is what the task runs, and what the
demo and the tests call to deliver at once; it is idempotent (a message already sent is left).
"""

import datetime
import hashlib
import logging

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils.module_loading import import_string

from procurement import audit, clock, roles
from procurement import queue as task_queue
from procurement.actions import ActionRefused

from .models import MessageStatus, OutgoingMessage

logger = logging.getLogger(__name__)
# A message still queued after this long has lost its task (a worker crash, a lost queue): the
# buyer may send it again.
STUCK_AFTER = datetime.timedelta(minutes=15)


def attachment(document):
    """Describe a stored document (any model with filename, content and sha256) to attach."""
    return {
        "model": document._meta.label_lower,
        "pk": document.pk,
        "filename": document.filename,
        "sha256": document.sha256,
    }


def queue(
    *, kind, about, to, subject, paragraphs, link=None, cc=(), attachments=(), on_sent="", by=None
):
    """Record one e-mail and send it after the commit. `paragraphs` are plain text; `link` is a
    (label, path) pair made absolute with SITE_URL. Returns the record."""
    to = sorted({address for address in to if address})
    cc = sorted({address for address in cc if address} - set(to))
    if not to:
        logger.info("No recipient for %s about %r: nothing queued", kind, about)
        return None
    context = {
        "subject": subject,
        "paragraphs": paragraphs,
        "link_label": link[0] if link else "",
        "link_url": f"{settings.SITE_URL}{link[1]}" if link else "",
    }
    message = OutgoingMessage.objects.create(
        kind=kind,
        about_type=ContentType.objects.get_for_model(about) if about is not None else None,
        about_id=about.pk if about is not None else None,
        to=to,
        cc=cc,
        subject=subject[:250],
        body_text=render_to_string("notifications/email.txt", context).strip() + "\n",
        body_html=render_to_string("notifications/email.html", context),
        attachments=list(attachments),
        on_sent=on_sent,
        queued_at=clock.now(),
        queued_by=by if by is not None and by.is_authenticated else None,
    )
    transaction.on_commit(lambda pk=message.pk: enqueue(pk), robust=True)
    return message


def enqueue(message_id, delay=None):
    from .tasks import send_message

    task_queue.enqueue(send_message, message_id, delay=delay)


def about(obj):
    """The messages about one object, newest first (one query)."""
    return OutgoingMessage.objects.filter(
        about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk
    ).order_by("-queued_at", "-pk")


# The e-mails whose departure is a legal notification (their on_sent notifies the object).
NOTIFICATION_KINDS = ("order_notification", "contract_notification")


def page_messages(obj, none_yet=False):
    """The messages about `obj`, newest first, read once per page and kept on the object: the
    page's e-mail panel, its notification alert and its notify button all read this list.
    `none_yet`: the caller knows none can exist yet (nothing is read)."""
    if getattr(obj, "_outbox_messages", None) is None:
        obj._outbox_messages = [] if none_yet or obj.pk is None else list(about(obj))
    return obj._outbox_messages


def notification_pending(obj):
    """Is an e-mail carrying obj's notification still queued? (one query, or none when the
    page already read its messages)"""
    kept = getattr(obj, "_outbox_messages", None)
    if kept is not None:
        return any(m.kind in NOTIFICATION_KINDS and m.status == MessageStatus.QUEUED for m in kept)
    return (
        obj.pk is not None
        and about(obj).filter(kind__in=NOTIFICATION_KINDS, status=MessageStatus.QUEUED).exists()
    )


def deliver(message_id):
    """One attempt: send, then record it; on failure retry later or record the failure."""
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.QUEUED:
            return message
        message.attempts += 1
        message.save(update_fields=["attempts"])
    try:
        _email(message).send()
    except Exception as exc:  # SMTP refusals, connection errors, a changed attachment
        return _failed(message.pk, exc)
    return _sent(message.pk)


def deliver_about(obj):
    """Deliver now every queued message about `obj` (the demo; tests of the whole chain)."""
    for pk in about(obj).filter(status=MessageStatus.QUEUED).values_list("pk", flat=True):
        deliver(pk)


def _email(message):
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.body_text, to=message.to, cc=message.cc
    )
    email.attach_alternative(message.body_html, "text/html")
    for item in message.attachments:
        document = apps.get_model(item["model"]).objects.get(pk=item["pk"])
        content = bytes(document.content)
        if hashlib.sha256(content).hexdigest() != item["sha256"]:
            raise ValueError(f"La pièce jointe {item['filename']} a changé depuis la mise en file.")
        email.attach(item["filename"], content, "application/pdf")
    return email


def _sent(message_id):
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().get(pk=message_id)
        message.status = MessageStatus.SENT
        message.sent_at = clock.now()
        message.save(update_fields=["status", "sent_at"])
        if message.on_sent:
            try:
                with transaction.atomic():
                    import_string(message.on_sent)(message)
            except Exception as exc:  # the e-mail has left: record, never re-send
                logger.exception("on_sent of message %s failed", message.pk)
                message.last_error = f"Envoyé, mais suite non appliquée : {exc}"[:2000]
                message.save(update_fields=["last_error"])
    return message


def _failed(message_id, exc):
    with transaction.atomic():
        message = OutgoingMessage.objects.select_for_update().get(pk=message_id)
        message.last_error = f"{type(exc).__name__} : {exc}"[:2000]
        retry = message.attempts % settings.MAIL_ATTEMPTS != 0
        if not retry:
            message.status = MessageStatus.FAILED
            message.failed_at = clock.now()
        message.save(update_fields=["last_error", "status", "failed_at"])
    logger.warning("Message %s attempt %s failed: %s", message.pk, message.attempts, exc)
    if retry:
        delays = settings.MAIL_RETRY_DELAYS
        in_cycle = (message.attempts - 1) % settings.MAIL_ATTEMPTS
        enqueue(message.pk, delay=delays[min(in_cycle, len(delays) - 1)])
    return message


def may_resend(message, user, now=None):
    if not (roles.is_buyer(user) or roles.is_admin(user)):
        return False
    if message.status == MessageStatus.FAILED:
        return True
    return (
        message.status == MessageStatus.QUEUED
        and (now or clock.now()) - (message.queued_at) > STUCK_AFTER
    )


@transaction.atomic
def resend(*, message, by):
    """The buyer sends a failed (or lost) message again: a new cycle of attempts."""
    locked = OutgoingMessage.objects.select_for_update().get(pk=message.pk)
    if not may_resend(locked, by):
        raise ActionRefused("Ce courriel ne peut pas être renvoyé.")
    locked.status = MessageStatus.QUEUED
    locked.failed_at = None
    # Attempts go on counting; the retry rule counts within each cycle of MAIL_ATTEMPTS.
    locked.attempts += -locked.attempts % settings.MAIL_ATTEMPTS
    locked.queued_at = clock.now()
    locked.save(update_fields=["status", "failed_at", "attempts", "queued_at"])
    audit.record("mail_resend", user=by, message=locked.pk, subject=locked.subject)
    transaction.on_commit(lambda: enqueue(locked.pk), robust=True)
    return locked
