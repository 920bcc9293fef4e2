from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Organisation"

    def ready(self):
        from . import signals  # noqa: F401  (connects the audit receivers)
