"""Background tasks of the outbox (django.tasks API, see settings.TASKS)."""

from django_tasks import task


@task()
def send_message(message_id):
    from .outbox import deliver

    return deliver(message_id).status
