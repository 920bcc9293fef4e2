from ._order_filters import OrderExportCommand


class Command(OrderExportCommand):
    help = "Exporte les factures et paiements (délais, retards, intérêts moratoires) en XLSX."
    kind = "payments"
