"""The commitment ledger is append-only; running totals follow it; partial releases."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from framework_agreements import ceiling
from framework_agreements.models import CommitmentEntry, FrameworkAgreement
from orders import services
from orders.enums import OrderState
from tests.factories import make_agreement, make_order


@pytest.fixture
def agreement(db):
    return make_agreement()


def _ledger_writes(queries):
    table = CommitmentEntry._meta.db_table
    return [
        q["sql"].split()[0].upper()
        for q in queries
        if table in q["sql"] and q["sql"].split()[0].upper() in ("INSERT", "UPDATE", "DELETE")
    ]


def test_issuing_cancelling_and_declining_only_ever_append_to_the_ledger(
    agreement, pilot35, buyer, finance
):
    draft = make_order(pilot35, buyer, finance)
    notified = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    with CaptureQueriesContext(connection) as ctx:
        issued = services.order_issue(order=draft, by=buyer)
        services.order_cancel(order=issued, by=buyer, comment="Retrait")
        services.order_decline(order=notified, by=buyer, comment="Équipe indisponible")
    assert _ledger_writes(ctx.captured_queries) == ["INSERT", "INSERT", "INSERT"]
    # Each row carries its order's real number from the start, with the holder and the year.
    rows = CommitmentEntry.objects.filter(source=issued.source_key).order_by("pk")
    assert [r.reference for r in rows] == [issued.number, issued.number]
    assert [r.amount for r in rows] == [issued.total_excl_tax, -issued.total_excl_tax]
    assert {r.holder for r in rows} == {issued.holder}
    assert {r.fiscal_year for r in rows} == {issued.year}
    assert ceiling.verify(agreement) == []


def test_a_ledger_row_can_be_neither_updated_nor_deleted(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    entry = CommitmentEntry.objects.get(source=order.source_key)
    entry.reference = "changed"
    with pytest.raises(TypeError, match="append-only"):
        entry.save()
    with pytest.raises(TypeError, match="append-only"):
        entry.delete()
    with pytest.raises(TypeError, match="append-only"):
        CommitmentEntry.objects.filter(pk=entry.pk).update(reference="changed")
    with pytest.raises(TypeError, match="append-only"):
        CommitmentEntry.objects.filter(pk=entry.pk).delete()
    assert CommitmentEntry.objects.get(pk=entry.pk).reference == order.number


def test_a_partial_release_gives_back_only_what_is_asked(agreement, buyer):
    lot = agreement.lots.get()
    ceiling.commit(
        agreement=agreement,
        lot=lot,
        amount=Decimal("100000.00"),
        source="c:1",
        reference="L-1",
        by=buyer,
    )
    entry = ceiling.release(
        agreement=agreement, source="c:1", reference="L-1", by=buyer, amount=Decimal("12500.50")
    )
    assert entry.amount == Decimal("-12500.50") and entry.kind == "release"
    assert ceiling.held_by("c:1") == Decimal("87499.50")
    assert ceiling.agreement_figures(agreement).committed == Decimal("87499.50")
    with pytest.raises(ValueError):
        ceiling.release(
            agreement=agreement, source="c:1", reference="L-1", by=buyer, amount=Decimal("90000")
        )
    # The rest, then nothing: a release of what is no longer held writes nothing.
    ceiling.release(agreement=agreement, source="c:1", reference="L-1", by=buyer)
    assert ceiling.release(agreement=agreement, source="c:1", reference="L-1", by=buyer) is None
    assert ceiling.agreement_figures(agreement).committed == Decimal("0.00")
    assert ceiling.verify(agreement) == []


def test_the_running_totals_follow_the_ledger_on_the_agreement_and_the_lot(buyer):
    agreement = make_agreement(lot_maximum=Decimal("50000.00"))
    lot = agreement.lots.get()
    ceiling.commit(
        agreement=agreement,
        lot=lot,
        amount=Decimal("20000.00"),
        source="a",
        reference="A",
        by=buyer,
    )
    lot.refresh_from_db()
    assert ceiling.lot_figures(lot).committed == Decimal("20000.00")
    with pytest.raises(ceiling.CeilingExceeded, match="du lot 1"):
        ceiling.commit(
            agreement=agreement,
            lot=lot,
            amount=Decimal("30000.01"),
            source="b",
            reference="B",
            by=buyer,
        )
    assert ceiling.verify(agreement) == []


def test_verify_reports_a_running_total_that_drifted_from_the_ledger(agreement, buyer):
    ceiling.commit(
        agreement=agreement,
        lot=None,
        amount=Decimal("500.00"),
        source="a",
        reference="A",
        by=buyer,
    )
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(committed_amount=Decimal("400"))
    [drift] = ceiling.verify(agreement)
    assert drift.running == Decimal("400.00") and drift.ledger == Decimal("500.00")
    assert "registre" in str(drift)


def test_saving_an_agreement_never_writes_back_a_stale_running_total(agreement, buyer):
    stale = FrameworkAgreement.objects.get(pk=agreement.pk)  # committed_amount = 0 in memory
    ceiling.commit(
        agreement=agreement,
        lot=None,
        amount=Decimal("700.00"),
        source="a",
        reference="A",
        by=buyer,
    )
    stale.title = "Intitulé corrigé dans l'administration"
    stale.save()
    assert ceiling.agreement_figures(agreement).committed == Decimal("700.00")
    assert ceiling.verify(agreement) == []
