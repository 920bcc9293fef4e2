from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = "Demandes et commandes"

    def ready(self):
        from . import notices

        notices.register()
