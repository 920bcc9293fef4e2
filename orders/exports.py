"""The finance exports of the order list (XLSX): the orders register, invoices and payments,
and commitments and payments per budget year (AE/CP). Each reads the order list's filters
and scope (orders/filters.py), so a file never holds a row the list would hide; each is also a
management command (export_orders, export_payments, export_budget).
"""

from django.db.models import Q

from exports import registry
from procurement import clock
from procurement.xlsx import Column, Report

from . import budget
from .filters import orders_for
from .models import Invoice, LatePaymentRate
from .register import COLUMNS as REGISTER_COLUMNS
from .register import contracts_like, orders_like, register_rows

CHUNK = 2000


def _filtered(user, params):
    filterset, orders = orders_for(user, params)
    return filterset, orders_like(filterset, orders), contracts_like(filterset, user)


def _report(title, user, filterset):
    return Report(title, user=user, params=registry.describe(filterset.form))


# --- the orders register ---------------------------------------------------------------------


def count_register(user, params):
    _, orders, contracts = _filtered(user, params)
    return orders.count() + contracts.count()


def write_register(user, params, out):
    filterset, orders, _ = _filtered(user, params)
    report = _report(REGISTER.title, user, filterset)
    rows = report.sheet("Registre", REGISTER_COLUMNS, register_rows(filterset, orders, user))
    report.save(out)
    return rows


REGISTER = registry.ExportKind(
    kind="orders",
    title="Registre des commandes",
    slug="registre-des-commandes",
    count=count_register,
    write=write_register,
)


# --- invoices and payments -------------------------------------------------------------------

PAYMENT_COLUMNS = [
    Column("Commande ou marché"),
    Column("Titulaire"),
    Column("EJ"),
    Column("Nature"),
    Column("N° de facture"),
    Column("N° Chorus Pro"),
    Column("État"),
    Column("Reçue le", "date"),
    Column("Service fait le", "date"),
    Column("Début du délai", "date"),
    Column("Interrompu le", "date"),
    Column("Facture complète le", "date"),
    Column("Échéance", "date"),
    Column("Montant HT", "euro", total=True),
    Column("TVA", "euro", total=True),
    Column("Montant TTC", "euro", total=True),
    Column("Payée le", "date"),
    Column("Montant payé TTC", "euro", total=True),
    Column("Jours de retard", "int"),
    Column("Taux BCE (%)", "decimal"),
    Column("Taux appliqué (%)", "decimal"),
    Column("Intérêts moratoires", "euro", total=True),
    Column("Indemnité forfaitaire", "euro", total=True),
    Column("Intérêts payés"),
    Column("Intérêts payés le", "date"),
    Column("Alerte"),
]


def invoices_of(orders, contracts):
    return (
        Invoice.objects.filter(
            Q(purchase_order__in=orders.values("pk"))
            | Q(subsequent_contract__in=contracts.values("pk"))
        )
        .select_related(
            "payment",
            "purchase_order__holder",
            "subsequent_contract__holder",
            "contract_phase",
        )
        .order_by("received_on", "pk")
    )


def invoice_row(invoice, today, rates):
    parent = invoice.purchase_order or invoice.subsequent_contract
    payment = getattr(invoice, "payment", None)
    late = invoice.lateness(today, rates)
    interest_owed = bool(payment and payment.owes_interest)
    return [
        parent.number,
        parent.holder.name,
        parent.ej_number,
        invoice.get_kind_display(),
        invoice.holder_number,
        invoice.chorus_number,
        invoice.get_state_display(),
        invoice.received_on,
        invoice.work_done_on,
        invoice.delay_start,
        invoice.interrupted_on,
        invoice.completed_on,
        invoice.due_date,
        invoice.amount_excl_tax,
        invoice.vat,
        invoice.amount_incl_tax,
        payment.paid_on if payment else None,
        payment.amount if payment else None,
        late.days if late and late.days else None,
        late.ecb_rate if late else None,
        late.rate if late else None,
        late.interest if late else None,
        late.flat_fee if late else None,
        ("oui" if payment.interest_paid_on else "non") if interest_owed else "",
        payment.interest_paid_on if payment else None,
        late.warning if late else "",
    ]


def count_payments(user, params):
    _, orders, contracts = _filtered(user, params)
    return invoices_of(orders, contracts).count()


def write_payments(user, params, out):
    filterset, orders, contracts = _filtered(user, params)
    today, rates = clock.today(), LatePaymentRate.table()
    rows = (
        invoice_row(invoice, today, rates)
        for invoice in invoices_of(orders, contracts).iterator(chunk_size=CHUNK)
    )
    report = _report(PAYMENTS.title, user, filterset)
    count = report.sheet("Factures", PAYMENT_COLUMNS, rows)
    report.save(out)
    return count


PAYMENTS = registry.ExportKind(
    kind="payments",
    title="Factures et paiements",
    slug="factures-et-paiements",
    count=count_payments,
    write=write_payments,
)


# --- AE / CP per budget year ----------------------------------------------------------------


def count_budget(user, params):
    return 0  # a handful of summary rows: always built in the request


def write_budget(user, params, out):
    filterset, orders, contracts = _filtered(user, params)
    report = _report(BUDGET.title, user, filterset)
    count = report.sheet("AE et CP", budget.COLUMNS, budget.rows(orders, contracts))
    report.save(out)
    return count


BUDGET = registry.ExportKind(
    kind="budget",
    title="Engagements et paiements par exercice (AE/CP)",
    slug="ae-cp-par-exercice",
    count=count_budget,
    write=write_budget,
)


def register():
    from .team_exports import ALLOCATION

    for kind in (REGISTER, PAYMENTS, BUDGET, ALLOCATION):
        registry.register(kind)
