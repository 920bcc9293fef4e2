"""Money rules, in one place: Decimal end to end, rounded to the cent half-up.

Half-up ("arrondi commercial") is the rule French public accounting uses on invoices and
purchase orders; amounts are rounded per line, then summed, so the PDF adds up as printed.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
NBSP = "\u00a0"  # thousands separator and before the € sign; present in every PDF font we embed


def to_cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def format_euros(amount):
    """French format: 1 234 567,89 €."""
    quantised = to_cents(amount)
    sign = "-" if quantised < 0 else ""
    integer, _, cents = f"{abs(quantised):.2f}".partition(".")
    groups = []
    while integer:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    return f"{sign}{NBSP.join(groups)},{cents}{NBSP}€"


def adds_up(total, parts, name):
    """A check constraint: `total` equals the sum of `parts`, to the cent.

    Written as |total − Σ parts| < half a cent rather than an equality: SQLite keeps decimals
    as binary floats, where two equal sums of cents may differ in the last bit. On PostgreSQL
    (numeric) the two forms are the same rule."""
    from django.db.models import CheckConstraint, F, Value
    from django.db.models.functions import Abs
    from django.db.models.lookups import LessThan

    difference = F(total)
    for part in parts:
        difference = difference - F(part)
    return CheckConstraint(condition=LessThan(Abs(difference), Value(Decimal("0.005"))), name=name)
