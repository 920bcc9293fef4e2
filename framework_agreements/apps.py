from django.apps import AppConfig


class FrameworkAgreementsConfig(AppConfig):
    name = "framework_agreements"
    verbose_name = "Accords-cadres"

    def ready(self):
        from exports import registry

        from .exports import CEILINGS

        registry.register(CEILINGS)
