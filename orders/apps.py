from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Demandes et commandes"

    def ready(self):
        from teams.models import ORDERER_RULES

        from . import notices, request_progress
        from .models.purchase_orders import issues_the_order_of

        notices.register()
        request_progress.register()
        ORDERER_RULES.append(issues_the_order_of)

        from . import exports

        exports.register()
