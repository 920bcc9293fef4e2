"""Notifications that cannot lie: the order is notified only when its e-mail has left, dated
then; an SMTP failure leaves it issued with a failed message that the buyer sends again."""

import datetime
import hashlib
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from notifications import outbox
from notifications.models import MessageStatus, OutgoingMessage
from orders import services
from orders.enums import OrderState
from orders.models import PurchaseOrder
from procurement import clock
from procurement.models import AuditEvent
from tests.factories import make_agreement, make_order

FAILING = "tests.notifications.test_outbox.RefusingBackend"


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that is down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connexion au serveur SMTP refusée")


@pytest.fixture
def issued(db, pilot35, buyer, finance):
    make_agreement()
    return make_order(pilot35, buyer, finance, state=OrderState.ISSUED)


def fresh(order):
    return PurchaseOrder.objects.get(pk=order.pk)


def test_notifying_queues_the_email_and_the_order_waits_for_it(
    issued, buyer, pilot35, client, django_capture_on_commit_callbacks
):
    client.force_login(buyer)
    notify = reverse("orders:order_confirm", args=[issued.pk, "notify"])
    assert notify in client.get(issued.get_absolute_url()).content.decode()
    services.order_notify(order=issued, by=buyer)
    order = fresh(issued)
    assert order.state == OrderState.ISSUED and order.notified_at is None
    message = outbox.about(order).get(kind="order_notification")
    assert message.status == MessageStatus.QUEUED and message.attempts == 0
    assert message.to == [order.holder.contact_email] and message.cc == [pilot35.email]
    document = order.documents.get(kind="purchase_order")
    assert message.attachments[0]["sha256"] == document.sha256
    # The page says so, and offers no second "Notifier" while the e-mail waits.
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Envoi en attente" in page and notify not in page  # read from the page's e-mails
    assert "notify" not in {a.name for a in services.ORDER_ACTIONS.available(order, buyer)}
    with pytest.raises(services.ActionRefused, match="déjà en attente"):
        services.order_notify(order=order, by=buyer)


def test_the_order_is_notified_when_the_email_leaves_dated_then(
    issued, buyer, pilot35, django_capture_on_commit_callbacks
):
    left = datetime.datetime(2027, 3, 2, 9, 30, tzinfo=datetime.UTC)
    with clock.frozen(left), django_capture_on_commit_callbacks(execute=True):
        services.order_notify(order=issued, by=buyer)
    order = fresh(issued)
    message = outbox.about(order).get(kind="order_notification")
    assert message.status == MessageStatus.SENT and message.attempts == 1
    assert order.state == OrderState.NOTIFIED and order.notified_at == left == message.sent_at
    assert order.history.first().history_user is None  # the system, not the buyer
    sent = [m for m in mail.outbox if order.number in m.subject]
    assert len(sent) == 1 and sent[0].to == [order.holder.contact_email]
    assert sent[0].cc == [pilot35.email]
    # Plain text plus HTML, with the PDF as sent (same SHA-256 as the stored document).
    html = dict((mime, body) for body, mime in sent[0].alternatives)["text/html"]
    assert "Madame, Monsieur" in sent[0].body and "<p>" in html
    name, content, mime = sent[0].attachments[0]
    assert hashlib.sha256(content).hexdigest() == message.attachments[0]["sha256"]
    assert mime == "application/pdf" and name.endswith(".pdf")


def test_an_smtp_failure_leaves_the_order_issued_and_the_buyer_sends_it_again(
    issued, buyer, pilot35, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        services.order_notify(order=issued, by=buyer)
    order = fresh(issued)
    message = outbox.about(order).get(kind="order_notification")
    assert message.status == MessageStatus.FAILED and message.attempts == settings.MAIL_ATTEMPTS
    assert "SMTPServerDisconnected" in message.last_error and message.failed_at
    assert order.state == OrderState.ISSUED and order.notified_at is None

    client.force_login(buyer)
    page = client.get(order.get_absolute_url()).content.decode()
    assert "Échec de l'envoi au titulaire" in page and "Connexion au serveur SMTP refusée" in page
    assert reverse("notifications:resend", args=[message.pk]) in page

    # A pilot may not send it again.
    client.force_login(pilot35)
    url = reverse("notifications:resend", args=[message.pk])
    client.post(url, {"next": order.get_absolute_url()})
    assert OutgoingMessage.objects.get(pk=message.pk).status == MessageStatus.FAILED

    # The server is back: the buyer sends it again, and the order is notified, dated then.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    later = datetime.datetime(2027, 3, 3, 14, 0, tzinfo=datetime.UTC)
    client.force_login(buyer)
    with clock.frozen(later), django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"next": order.get_absolute_url()}, follow=True)
    assert "de nouveau en file" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == settings.MAIL_ATTEMPTS + 1
    order = fresh(order)
    assert order.state == OrderState.NOTIFIED and order.notified_at == later
    assert AuditEvent.objects.filter(event="mail_resend", user=buyer).exists()


def test_a_redirect_after_resend_stays_on_this_site(
    issued, buyer, client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        services.order_notify(order=issued, by=buyer)
    message = outbox.about(issued).get(kind="order_notification")
    client.force_login(buyer)
    url = reverse("notifications:resend", args=[message.pk])
    response = client.post(url, {"next": "https://evil.example.com/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_a_changed_attachment_is_never_sent(issued, buyer, django_capture_on_commit_callbacks):
    services.order_notify(order=issued, by=buyer)
    message = outbox.about(issued).get(kind="order_notification")
    message.attachments[0]["sha256"] = "0" * 64
    message.save()
    for _ in range(3):
        outbox.deliver(message.pk)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and "a changé" in message.last_error
    assert not [m for m in mail.outbox if issued.number in m.subject]
    assert fresh(issued).state == OrderState.ISSUED


def test_delivering_twice_sends_once(issued, buyer):
    services.order_notify(order=issued, by=buyer)
    message = outbox.about(issued).get(kind="order_notification")
    outbox.deliver(message.pk)
    outbox.deliver(message.pk)
    assert len([m for m in mail.outbox if issued.number in m.subject]) == 1
    assert OutgoingMessage.objects.get(pk=message.pk).attempts == 1
