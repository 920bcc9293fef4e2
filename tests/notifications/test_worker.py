"""The real queue: the database backend stores the task at the commit, `db_worker` sends it;
a failed attempt is retried later (run_after), never at once."""

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from notifications import outbox
from notifications.models import MessageStatus
from orders import services
from orders.enums import OrderState
from orders.models import PurchaseOrder
from procurement import clock
from tests.factories import UserFactory, make_agreement, make_order

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def issued(reference_data):
    buyer = UserFactory(buyer=True, username="buyer")
    pilot = UserFactory(username="p35")
    finance = UserFactory(finance=True, username="fin")
    make_agreement()
    return make_order(pilot, buyer, finance, state=OrderState.ISSUED), buyer


def work():
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)


def test_the_worker_sends_the_queued_email_and_notifies_the_order(issued, settings):
    order, buyer = issued
    settings.TASKS = DATABASE_QUEUE
    services.order_notify(order=order, by=buyer)  # commits: the task is stored, not run
    message = outbox.about(order).get(kind="order_notification")
    task = next(t for t in DBTaskResult.objects.all() if t.args_kwargs["args"] == [message.pk])
    assert task.status == "READY"
    assert PurchaseOrder.objects.get(pk=order.pk).state == OrderState.ISSUED
    work()
    assert DBTaskResult.objects.get(pk=task.pk).status == "SUCCESSFUL"
    order = PurchaseOrder.objects.get(pk=order.pk)
    message = outbox.about(order).get(kind="order_notification")
    assert message.status == MessageStatus.SENT
    assert order.state == OrderState.NOTIFIED and order.notified_at == message.sent_at
    assert [m.to for m in mail.outbox if m.subject.startswith("Notification")] == [
        [order.holder.contact_email]
    ]


def test_a_failed_attempt_is_retried_later_not_at_once(issued, settings):
    order, buyer = issued
    settings.TASKS = DATABASE_QUEUE
    settings.MAIL_RETRY_DELAYS = [60, 600]
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RefusingBackend"
    services.order_notify(order=order, by=buyer)
    work()
    message = outbox.about(order).get(kind="order_notification")
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    (retry,) = [
        t
        for t in DBTaskResult.objects.filter(status="READY")
        if t.args_kwargs["args"] == [message.pk]
    ]
    seconds = (retry.run_after - clock.now()).total_seconds()
    assert 50 < seconds <= 60
    work()  # nothing is due yet
    assert outbox.about(order).get(kind="order_notification").attempts == 1
