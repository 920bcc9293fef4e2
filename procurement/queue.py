"""Enqueueing a background task (django.tasks API, settings.TASKS), now or after a delay."""

import datetime

from . import clock


def enqueue(task, *args, delay=None):
    """Run `task(*args)` on its backend; a retry waits `delay` seconds where the backend can
    defer (the immediate backend of the tests runs it at once)."""
    from django_tasks import task_backends

    if delay and task_backends[task.backend].supports_defer:
        task = task.using(run_after=clock.now() + datetime.timedelta(seconds=delay))
    return task.enqueue(*args)
