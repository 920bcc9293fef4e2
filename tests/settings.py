"""Test settings: the project's own, with a fast password hasher."""

from procurement.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run in the request that enqueues them (after its commit); one test drives the database
# queue through a worker (tests/notifications/test_worker.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MAIL_RETRY_DELAYS = [0, 0]
EXPORT_RETRY_DELAYS = [0, 0]
