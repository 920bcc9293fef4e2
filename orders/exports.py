"""Finance spreadsheet of purchase orders (openpyxl): one row per order, amounts in euros,
budget imputation, invoice, payment and late-payment interest. Same filters and same scoping
as the order list, so an export never shows a row the list would hide."""

from django.utils import timezone

from procurement import xlsx

from .models import LATE_PAYMENT_FLAT_FEE, LatePaymentRate

COLUMNS = [
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
    ("N° facture", 16),
    ("Facturé TTC", 14),
    ("Facture reçue le", 12),
    ("Échéance", 11),
    ("Payée le", 11),
    ("Jours de retard", 10),
    ("Intérêts moratoires", 14),
    ("Indemnité forfaitaire", 14),
]


def write_orders(orders, today):
    rates = LatePaymentRate.table()
    workbook, ws = xlsx.new_sheet("Bons de commande", COLUMNS)
    euro, date = xlsx.EURO_FORMAT, xlsx.DATE_FORMAT
    count = 0
    for order in orders:
        days_late = order.days_late(today)
        interest = fee = None
        if days_late:
            rate = LatePaymentRate.rate_in(rates, order.payment_due_date)
            interest, fee = order.late_payment_interest(rate, today), LATE_PAYMENT_FLAT_FEE
        issued = timezone.localtime(order.issued_at).date() if order.issued_at else None
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
                xlsx.text(ws, order.invoice_number),
                xlsx.typed(ws, order.invoice_amount, euro),
                xlsx.typed(ws, order.invoice_received_at, date),
                xlsx.typed(ws, order.payment_due_date, date),
                xlsx.typed(ws, order.paid_at, date),
                xlsx.typed(ws, days_late or None, "0"),
                xlsx.typed(ws, interest, euro),
                xlsx.typed(ws, fee, euro),
            ]
        )
        count += 1
    return xlsx.to_bytes(workbook), count
