"""Gapless numbers per agreement and year, from a locked sequence row."""

import pytest
from django.db import transaction

from framework_agreements import numbering
from framework_agreements.models import NumberSequence
from tests.factories import make_agreement


def test_numbers_follow_each_other_per_agreement_and_year(db):
    flash = make_agreement(prefix="FLASH")
    local = make_agreement(prefix="LOCAL")
    taken = [numbering.next_number(flash, 2026).text for _ in range(3)]
    assert taken == ["FLASH-2026-0001", "FLASH-2026-0002", "FLASH-2026-0003"]
    assert numbering.next_number(flash, 2027).text == "FLASH-2027-0001"
    assert numbering.next_number(local, 2026).text == "LOCAL-2026-0001"
    assert NumberSequence.objects.get(agreement=flash, year=2026).last == 3


def test_a_number_taken_in_a_rolled_back_transaction_is_taken_again(db):
    agreement = make_agreement()
    numbering.next_number(agreement, 2026)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number(agreement, 2026).sequence == 2
        raise RuntimeError("the ceiling refused, the PDF failed…")
    assert numbering.next_number(agreement, 2026).text == "FLASH-2026-0002"


def test_numbers_and_commitments_are_taken_only_inside_the_issuing_transaction(
    reference_data, buyer
):
    """No savepoint of their own: outside a transaction their row locks would end with the
    statement, so they refuse to run there."""
    from framework_agreements import ceiling

    agreement = make_agreement()
    with pytest.raises(transaction.TransactionManagementError, match="inside the transaction"):
        numbering.next_number(agreement, 2026)
    with pytest.raises(transaction.TransactionManagementError, match="inside the transaction"):
        ceiling.commit(agreement=agreement, lot=None, amount=1, source="a", reference="A", by=buyer)
    with transaction.atomic():
        assert numbering.next_number(agreement, 2026).text == "FLASH-2026-0001"
