"""Gapless order numbers per agreement and year (FLASH-2026-0007, LOCAL-2026-0001).

One sequence row per agreement and year, locked with SELECT … FOR UPDATE while the number is
taken. Call it inside the transaction that issues the order: if that transaction rolls back
(ceiling refused, PDF error), the increment rolls back with it, so no number is ever lost.
Numbers are taken before the ceiling commitment, so the ledger row is written once, with the
real reference. A cancelled order keeps its number.
"""

from dataclasses import dataclass

from django.db import transaction

from .models import NumberSequence


@dataclass(frozen=True)
class Number:
    year: int
    sequence: int
    text: str


def format_number(agreement, year, sequence):
    return f"{agreement.number_prefix}-{year}-{sequence:04d}"


@transaction.atomic
def next_number(agreement, year):
    # Create the year's row if needed without racing: ON CONFLICT DO NOTHING waits for a
    # concurrent creator, then the row lock below serialises every taker.
    NumberSequence.objects.bulk_create(
        [NumberSequence(agreement=agreement, year=year, last=0)], ignore_conflicts=True
    )
    sequence = NumberSequence.objects.select_for_update().get(agreement=agreement, year=year)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return Number(year, sequence.last, format_number(agreement, year, sequence.last))


def peek(agreement, year):
    """The number the next issue would take (shown before confirming; nothing is taken, so a
    concurrent issue may take it first)."""
    last = (
        NumberSequence.objects.filter(agreement=agreement, year=year)
        .values_list("last", flat=True)
        .first()
    )
    return format_number(agreement, year, (last or 0) + 1)
