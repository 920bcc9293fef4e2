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
