from ._order_filters import OrderExportCommand


class Command(OrderExportCommand):
    help = (
        "Exporte les engagements (AE) et paiements (CP) par exercice, programme, centre "
        "financier et activité, en XLSX."
    )
    kind = "budget"
