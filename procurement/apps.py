from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = "Organisation"

    def ready(self):
        from . import fsm, signals  # noqa: F401  (signals connects the audit receivers)

        fsm.skip_migration_models()
