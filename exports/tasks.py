"""Background tasks of the exports (django.tasks API, see settings.TASKS)."""

from django_tasks import task


@task()
def build_export(job_id):
    from .jobs import build

    return build(job_id).status
