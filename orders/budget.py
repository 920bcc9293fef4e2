"""Commitments and payments per budget year (AE/CP), per programme, budget centre, functional
domain and activity, for the orders and contracts the order list's filters select.

- AE (autorisations d'engagement) follow the ceiling's ledger: each commitment counts in its
  fiscal year, each release (cancellation, decline, termination) negatively in the year it
  happened, a price revision's increase in the year it was committed. The ledger is kept
  excluding tax; the State's budget counts AE including tax, so each ledger row is converted
  with its order's own ratio (TTC / HT), rounded to the cent half up, row by row.
- CP (crédits de paiement) are the payments, in the year they were paid; late-payment
  interest and the flat fee count in the year they were paid (R2192-31, D2192-35).
"""

from collections import defaultdict
from decimal import Decimal
from itertools import islice

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear

from framework_agreements.models import CommitmentEntry, CommitmentKind
from procurement.money import to_cents
from procurement.xlsx import Column

from .models import Payment

ZERO = Decimal("0.00")
CHUNK = 2000
BUDGET_FIELDS = ["budget_programme", "budget_centre", "budget_domain", "budget_activity"]

COLUMNS = [
    Column("Exercice", "int"),
    Column("Programme"),
    Column("Centre financier"),
    Column("Domaine fonctionnel"),
    Column("Activité"),
    Column("AE engagées TTC", "euro", total=True),
    Column("AE libérées TTC", "euro", total=True),
    Column("AE nettes TTC", "euro", total=True),
    Column("CP payés TTC", "euro", total=True),
    Column("Intérêts moratoires et indemnités payés", "euro", total=True),
    Column("Engagements juridiques", "int", total=True),
]


def including_tax(amount, source):
    """A ledger amount (HT) including tax, at its order's own rate, to the cent half up."""
    if not source.total_excl_tax:
        return amount
    return to_cents(amount * source.total_incl_tax / source.total_excl_tax)


def _batches(queryset):
    iterator = queryset.iterator(chunk_size=CHUNK)
    while batch := list(islice(iterator, CHUNK)):
        yield batch


def _commitments(totals, ejs, queryset, source_prefix):
    fields = ["pk", "agreement_id", "total_excl_tax", "total_incl_tax", "ej_number"]
    slim = queryset.select_related(None).prefetch_related(None).order_by("pk")
    for batch in _batches(slim.only(*fields, *BUDGET_FIELDS)):
        by_source = {f"{source_prefix}:{obj.pk}": obj for obj in batch}
        entries = CommitmentEntry.objects.filter(
            agreement_id__in={obj.agreement_id for obj in batch}, source__in=by_source
        ).only("source", "fiscal_year", "kind", "amount")
        for entry in entries.order_by():
            source = by_source[entry.source]
            key = (entry.fiscal_year, *(getattr(source, f) for f in BUDGET_FIELDS))
            amount = including_tax(entry.amount, source)
            if entry.kind == CommitmentKind.COMMIT:
                totals[key][0] += amount
                if source.ej_number:
                    ejs[key].add(source.ej_number)
            else:
                totals[key][1] += amount


def _payments(totals, payments, date_field, amount, slot):
    budget = {
        name: Coalesce(
            f"invoice__purchase_order__{field}", f"invoice__subsequent_contract__{field}"
        )
        for name, field in zip(["p", "c", "d", "a"], BUDGET_FIELDS, strict=True)
    }
    grouped = (
        payments.filter(**{f"{date_field}__isnull": False})
        .annotate(year=ExtractYear(date_field), **budget)
        .values("year", "p", "c", "d", "a")
        .annotate(total=Sum(amount))
        .order_by()
    )
    for row in grouped:
        key = (row["year"], row["p"], row["c"], row["d"], row["a"])
        totals[key][slot] += row["total"] or ZERO


def rows(orders, contracts):
    totals = defaultdict(lambda: [ZERO, ZERO, ZERO, ZERO])  # AE in, AE out, CP, interest
    ejs = defaultdict(set)
    _commitments(totals, ejs, orders, "purchase_order")
    _commitments(totals, ejs, contracts, "subsequent_contract")
    payments = Payment.objects.filter(
        Q(invoice__purchase_order__in=orders.values("pk"))
        | Q(invoice__subsequent_contract__in=contracts.values("pk"))
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    _payments(totals, payments, "paid_on", "amount", 2)
    interest = Coalesce("interest_due", Value(ZERO), output_field=money) + Coalesce(
        "flat_fee_due", Value(ZERO), output_field=money
    )
    _payments(totals, payments, "interest_paid_on", interest, 3)
    for key in sorted(totals, key=lambda k: tuple("" if v is None else str(v) for v in k)):
        committed, released, paid, interest_paid = totals[key]
        yield [
            *key,
            committed,
            released,
            committed + released,
            paid,
            interest_paid or None,
            len(ejs[key]),
        ]
