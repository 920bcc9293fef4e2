from ._order_filters import OrderExportCommand


class Command(OrderExportCommand):
    help = "Exporte le registre des commandes (bons de commande et marchés subséquents) en XLSX."
    kind = "orders"
