"""Large exports through the task queue (django.tasks API, settings.TASKS).

A list page counts its rows; above settings.EXPORT_SYNC_MAX_ROWS it records an ExportJob and
queues `build`; the requester finds the file on « Mes exports » when it is ready. The export kind
registered (exports.registry) recomputes the rows from the saved filters, scoped to the requester as
the page was. A failed attempt is retried (EXPORT_RETRY_DELAYS), then recorded as failed.
"""

import logging
import tempfile

from django.conf import settings
from django.core.files import File
from django.db import transaction

from procurement import clock, queue

from . import registry
from .models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)


def too_large(rows):
    return rows > settings.EXPORT_SYNC_MAX_ROWS


def request_export(*, kind, label, params, user):
    job = ExportJob.objects.create(kind=kind, label=label, params=params, requested_by=user)
    transaction.on_commit(lambda: enqueue(job.pk), robust=True)
    return job


def enqueue(job_id, delay=None):
    from .tasks import build_export

    queue.enqueue(build_export, job_id, delay=delay)


def build(job_id):
    """One attempt at building the file."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ExportStatus.QUEUED:
            return job
        job.attempts += 1
        job.save(update_fields=["attempts"])
    spec = registry.get(job.kind)
    filename = spec.filename()
    with tempfile.TemporaryFile() as out:
        try:
            rows = spec.write(job.requested_by, job.params, out)
        except Exception as exc:  # a database hiccup, a full disk: retry, then say so
            return _failed(job, exc)
        out.seek(0)
        job.file.save(filename, File(out), save=False)
    job.rows, job.filename, job.status = rows, filename, ExportStatus.READY
    job.finished_at = clock.now()
    job.save(update_fields=["file", "rows", "filename", "status", "finished_at"])
    return job


def _failed(job, exc):
    logger.warning("Export %s attempt %s failed: %s", job.pk, job.attempts, exc)
    retry = job.attempts < settings.EXPORT_ATTEMPTS
    job.error = f"{type(exc).__name__} : {exc}"[:2000]
    if not retry:
        job.status, job.finished_at = ExportStatus.FAILED, clock.now()
    job.save(update_fields=["error", "status", "finished_at"])
    if retry:
        delays = settings.EXPORT_RETRY_DELAYS
        enqueue(job.pk, delay=delays[min(job.attempts - 1, len(delays) - 1)])
    return job
