"""Finance spreadsheet of purchase orders (openpyxl): one row per order on the first sheet,
one row per invoice on the second, with its delay, lateness and interest under the law
(orders/late_payment.py). Same filters and same scoping as the order list, so an export
never shows a row the list would hide."""

from django.db.models import Prefetch
from django.utils import timezone

from procurement import clock, xlsx

from .models import Invoice, LatePaymentRate

ORDER_COLUMNS = [
    ("Numéro", 18),
    ("État", 16),
    ("Accord-cadre", 22),
    ("Titulaire", 32),
    ("SIRET", 16),
    ("Atelier", 36),
    ("Département", 16),
    ("Service pilote", 14),
    ("Émis le", 11),
    ("Montant HT", 14),
    ("TVA", 12),
    ("Montant TTC", 14),
    ("Programme", 10),
    ("Centre financier", 18),
    ("Domaine fonctionnel", 14),
    ("Activité", 16),
    ("EJ", 14),
    ("Service fait le", 12),
    ("Facturé TTC", 14),
    ("Payé TTC", 14),
]

INVOICE_COLUMNS = [
    ("Bon de commande", 18),
    ("Titulaire", 32),
    ("EJ", 14),
    ("Nature", 12),
    ("N° de facture", 16),
    ("N° Chorus Pro", 16),
    ("État", 16),
    ("Reçue le", 11),
    ("Service fait le", 11),
    ("Début du délai", 11),
    ("Interrompu le", 11),
    ("Facture complète le", 11),
    ("Échéance", 11),
    ("Montant HT", 14),
    ("TVA", 12),
    ("Montant TTC", 14),
    ("Payée le", 11),
    ("Jours de retard", 10),
    ("Taux BCE (%)", 10),
    ("Taux appliqué (%)", 10),
    ("Intérêts moratoires", 14),
    ("Indemnité forfaitaire", 14),
    ("Intérêts payés le", 11),
    ("Alerte", 40),
]


def with_invoices(orders):
    return orders.prefetch_related(
        Prefetch(
            "invoices",
            queryset=Invoice.objects.select_related("payment").order_by("received_on", "pk"),
        )
    )


def write_orders(orders, today):
    """Both sheets, from the orders given (already scoped and filtered)."""
    rates = LatePaymentRate.table()
    workbook, ws = xlsx.new_sheet("Bons de commande", ORDER_COLUMNS)
    invoices_ws = xlsx.add_sheet(workbook, "Factures", INVOICE_COLUMNS)
    euro, date = xlsx.EURO_FORMAT, xlsx.DATE_FORMAT
    count = 0
    for order in with_invoices(orders):
        invoices = list(order.invoices.all())
        issued = timezone.localtime(order.issued_at).date() if order.issued_at else None
        paid = sum(
            (i.amount_incl_tax for i in invoices if getattr(i, "payment", None) is not None), 0
        )
        ws.append(
            [
                xlsx.text(ws, order.display_number),
                xlsx.text(ws, order.get_state_display()),
                xlsx.text(ws, order.agreement.reference),
                xlsx.text(ws, order.holder.name),
                xlsx.text(ws, order.holder.company.siret),
                xlsx.text(ws, order.request.title),
                xlsx.text(ws, order.request.department.name),
                xlsx.text(ws, order.request.service.short_name),
                xlsx.typed(ws, issued, date),
                xlsx.typed(ws, order.total_excl_tax, euro),
                xlsx.typed(ws, order.total_vat, euro),
                xlsx.typed(ws, order.total_incl_tax, euro),
                xlsx.text(ws, order.budget_programme),
                xlsx.text(ws, order.budget_centre),
                xlsx.text(ws, order.budget_domain),
                xlsx.text(ws, order.budget_activity),
                xlsx.text(ws, order.ej_number),
                xlsx.typed(ws, order.service_done_at, date),
                xlsx.typed(ws, order.invoiced_total() if invoices else None, euro),
                xlsx.typed(ws, paid or None, euro),
            ]
        )
        for invoice in invoices:
            invoices_ws.append(invoice_row(invoices_ws, order, invoice, today, rates))
        count += 1
    return xlsx.to_bytes(workbook), count


def invoice_row(ws, order, invoice, today, rates):
    euro, date = xlsx.EURO_FORMAT, xlsx.DATE_FORMAT
    payment = getattr(invoice, "payment", None)
    late = invoice.lateness(today, rates)
    return [
        xlsx.text(ws, order.number),
        xlsx.text(ws, order.holder.name),
        xlsx.text(ws, order.ej_number),
        xlsx.text(ws, invoice.get_kind_display()),
        xlsx.text(ws, invoice.holder_number),
        xlsx.text(ws, invoice.chorus_number),
        xlsx.text(ws, invoice.get_state_display()),
        xlsx.typed(ws, invoice.received_on, date),
        xlsx.typed(ws, invoice.work_done_on, date),
        xlsx.typed(ws, invoice.delay_start, date),
        xlsx.typed(ws, invoice.interrupted_on, date),
        xlsx.typed(ws, invoice.completed_on, date),
        xlsx.typed(ws, invoice.due_date, date),
        xlsx.typed(ws, invoice.amount_excl_tax, euro),
        xlsx.typed(ws, invoice.vat, euro),
        xlsx.typed(ws, invoice.amount_incl_tax, euro),
        xlsx.typed(ws, payment.paid_on if payment else None, date),
        xlsx.typed(ws, late.days if late and late.days else None, "0"),
        xlsx.typed(ws, late.ecb_rate if late else None, "0.00"),
        xlsx.typed(ws, late.rate if late else None, "0.00"),
        xlsx.typed(ws, late.interest if late else None, euro),
        xlsx.typed(ws, late.flat_fee if late else None, euro),
        xlsx.typed(ws, payment.interest_paid_on if payment else None, date),
        xlsx.text(ws, late.warning if late else ""),
    ]


def build_orders(user, params, queryset=None):
    """The orders register as XLSX: (bytes, rows, filename), for the page's export and for the
    export task (exports.jobs), from the list's filters and this user's scope."""
    from .filters import orders_for

    if queryset is None:
        _, queryset = orders_for(user, params)
    today = clock.today()
    content, count = write_orders(queryset, today)
    return content, count, f"bons-de-commande-{today:%Y-%m-%d}.xlsx"
