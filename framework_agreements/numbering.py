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


def next_number(agreement, year):
    """Take the next number. Runs in the caller's transaction, with no savepoint of its own:
    the row stays locked until that transaction ends, so every statement saved here is one
    round trip fewer while other buyers of the agreement wait."""
    require_transaction("numbering.next_number")
    rows = NumberSequence.objects.select_for_update().filter(agreement=agreement, year=year)
    sequence = rows.first()
    if sequence is None:
        # The year's first number: create its row without racing. ON CONFLICT DO NOTHING
        # waits for a concurrent creator, then the row lock serialises every taker.
        NumberSequence.objects.bulk_create(
            [NumberSequence(agreement=agreement, year=year, last=0)], ignore_conflicts=True
        )
        sequence = rows.get()
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return Number(year, sequence.last, format_number(agreement, year, sequence.last))


def require_transaction(what):
    """The caller's transaction holds the locks taken here until it ends: outside one, a lock
    would end with its statement."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            f"{what} runs inside the transaction that changes the order."
        )


def peek(agreement, year):
    """The number the next issue would take (shown before confirming; nothing is taken, so a
    concurrent issue may take it first)."""
    last = (
        NumberSequence.objects.filter(agreement=agreement, year=year)
        .values_list("last", flat=True)
        .first()
    )
    return format_number(agreement, year, (last or 0) + 1)
