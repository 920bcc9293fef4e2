from django.apps import AppConfig


class FrameworkAgreementsConfig(AppConfig):
    name = "framework_agreements"
    verbose_name = "Accords-cadres"
