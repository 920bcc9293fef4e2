"""Data migrations, run on data written in the previous schema: nothing is lost."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

# The data migrations are checked on PostgreSQL, the production database, where CI runs them.
# Going back and forth through every migration re-renders the whole project state at each
# step (about two minutes per test, once procurement.fsm stopped django-fsm-2's receivers from
# piling up; nine before), so doing it twice, once per database, would double the slowest tests.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="data migrations are checked on PostgreSQL, the production database (CI runs them)",
    ),
]

BEFORE = [
    ("framework_agreements", "0002_initial"),
    ("orders", "0004_purchaseorder_team"),
    ("teams", "0003_experts_and_teams"),
]
AFTER = [
    ("framework_agreements", "0004_backfill_ledger"),
    ("orders", "0006_backfill_ledger_sequences_teams"),
    ("teams", "0004_several_bookings_phases"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest(transactional_db):
    """Leave the schema as every other test expects it: at the latest migrations."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("reference_data", "back_to_latest")
def test_ledger_sequences_documents_and_teams_are_carried_over(transactional_db):
    old = _migrate(BEFORE)
    User = old.get_model("procurement", "User")
    Service = old.get_model("procurement", "Service")
    Agreement = old.get_model("framework_agreements", "FrameworkAgreement")
    Lot = old.get_model("framework_agreements", "Lot")
    Company = old.get_model("framework_agreements", "Company")
    Holder = old.get_model("framework_agreements", "Holder")
    Entry = old.get_model("framework_agreements", "CommitmentEntry")
    Request = old.get_model("orders", "TeamRequest")
    Order = old.get_model("orders", "PurchaseOrder")
    OrderDocument = old.get_model("orders", "OrderDocument")
    Team = old.get_model("teams", "Team")

    service = Service.objects.get(code="DDTM-35")
    user = User.objects.create(username="u", role="buyer", service=service)
    agreement = Agreement.objects.create(
        reference="AC",
        title="AC",
        number_prefix="FLASH",
        mechanism="purchase_orders",
        procedure="open",
        notification_date=datetime.date(2025, 1, 1),
        start_date=datetime.date(2025, 1, 1),
        duration_months=48,
        maximum_amount=Decimal("1000000"),
        allocation_rule="cascade",
    )
    lot = Lot.objects.create(agreement=agreement, number=1, title="L")
    company = Company.objects.create(
        name="C", siret="12345678200010", address="a", postcode="35000", city="Rennes"
    )
    holder = Holder.objects.create(
        name="H", kind="company", company=company, contact_name="c", contact_email="c@x.fr"
    )
    request = Request.objects.create(
        service=service,
        department=service.department,
        format="local",
        title="T",
        problem_statement="p",
        created_by=user,
        state="accepted",
    )
    team = Team.objects.create(holder=holder, label="T", service=service)
    orders = []
    for sequence, year in ((1, 2025), (2, 2025), (1, 2026)):
        order = Order.objects.create(
            agreement=agreement,
            lot=lot,
            request=request,
            holder=holder,
            team=team if sequence == 1 and year == 2025 else None,
            allocation_reason="r",
            state="issued",
            year=year,
            sequence=sequence,
            number=f"FLASH-{year}-{sequence:04d}",
            total_excl_tax=Decimal("100.00"),
            issued_by=user,
            created_by=user,
        )
        orders.append(order)
        Entry.objects.create(
            agreement=agreement,
            lot=lot,
            kind="commit",
            amount=Decimal("100.00"),
            source=f"purchase_order:{order.pk}",
            reference=order.number,
        )
    Entry.objects.create(
        agreement=agreement,
        lot=lot,
        kind="release",
        amount=Decimal("-100.00"),
        source=f"purchase_order:{orders[1].pk}",
        reference=orders[1].number,
    )
    content = b"%PDF-1.4 old bytes %%EOF"
    created = timezone.now() - datetime.timedelta(days=40)
    old_document = OrderDocument.objects.create(
        order=orders[0],
        kind="purchase_order",
        filename="bon.pdf",
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
    OrderDocument.objects.filter(pk=old_document.pk).update(created_at=created)

    new = _migrate(AFTER)
    Entry = new.get_model("framework_agreements", "CommitmentEntry")
    Agreement = new.get_model("framework_agreements", "FrameworkAgreement")
    Lot = new.get_model("framework_agreements", "Lot")
    Sequence = new.get_model("framework_agreements", "NumberSequence")
    Document = new.get_model("orders", "Document")
    Team = new.get_model("teams", "Team")

    assert set(Entry.objects.values_list("holder_id", flat=True)) == {holder.pk}
    commits = Entry.objects.filter(kind="commit").order_by("pk")
    assert list(commits.values_list("fiscal_year", flat=True)) == [2025, 2025, 2026]
    assert Agreement.objects.get(pk=agreement.pk).committed_amount == Decimal("200.00")
    assert Lot.objects.get(pk=lot.pk).committed_amount == Decimal("200.00")
    assert dict(Sequence.objects.values_list("year", "last")) == {2025: 2, 2026: 1}
    document = Document.objects.get()
    assert bytes(document.content) == content and document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (document.kind, document.version, document.reference) == (
        "purchase_order",
        1,
        "FLASH-2025-0001",
    )
    assert document.purchase_order_id == orders[0].pk and document.holder_id == holder.pk
    assert document.created_at == created and document.created_by_id == user.pk
    assert Team.objects.get(pk=team.pk).format == "local"


@pytest.mark.usefixtures("reference_data", "back_to_latest")
def test_the_single_invoice_of_an_order_becomes_an_invoice_and_its_payment(transactional_db):
    old = _migrate(
        [("orders", "0008_invoices_and_payments"), ("framework_agreements", "0005_bounded_input")]
    )
    User = old.get_model("procurement", "User")
    Service = old.get_model("procurement", "Service")
    Agreement = old.get_model("framework_agreements", "FrameworkAgreement")
    Lot = old.get_model("framework_agreements", "Lot")
    Company = old.get_model("framework_agreements", "Company")
    Holder = old.get_model("framework_agreements", "Holder")
    Request = old.get_model("orders", "TeamRequest")
    Order = old.get_model("orders", "PurchaseOrder")
    service = Service.objects.get(code="DDTM-35")
    user = User.objects.create(username="u", role="buyer", service=service)
    agreement = Agreement.objects.create(
        reference="AC",
        title="AC",
        number_prefix="FLASH",
        mechanism="purchase_orders",
        procedure="open",
        notification_date=datetime.date(2024, 1, 1),
        start_date=datetime.date(2024, 1, 1),
        duration_months=48,
        maximum_amount=Decimal("1000000"),
        allocation_rule="cascade",
    )
    lot = Lot.objects.create(agreement=agreement, number=1, title="L")
    company = Company.objects.create(
        name="C", siret="12345678200010", address="a", postcode="35000", city="Rennes"
    )
    holder = Holder.objects.create(
        name="H", kind="company", company=company, contact_name="c", contact_email="c@x.fr"
    )
    request = Request.objects.create(
        service=service,
        department=service.department,
        format="flash",
        title="T",
        problem_statement="p",
        created_by=user,
        state="accepted",
    )
    common = dict(
        agreement=agreement,
        lot=lot,
        request=request,
        holder=holder,
        allocation_reason="r",
        total_excl_tax=Decimal("20625.00"),
        total_vat=Decimal("4125.00"),
        total_incl_tax=Decimal("24750.00"),
        created_by=user,
        service_done_at=datetime.date(2024, 5, 20),
    )
    paid = Order.objects.create(
        **common,
        state="paid",
        year=2024,
        sequence=1,
        number="FLASH-2024-0001",
        invoice_number="F-2024-9",
        invoice_amount=Decimal("24750.00"),
        invoice_received_at=datetime.date(2024, 5, 31),
        paid_at=datetime.date(2024, 7, 20),
    )
    invoiced = Order.objects.create(
        **common,
        state="invoiced",
        year=2024,
        sequence=2,
        number="FLASH-2024-0002",
        invoice_number="F-2024-10",
        invoice_amount=Decimal("12375.00"),
        invoice_received_at=datetime.date(2024, 6, 3),
    )

    new = _migrate([("orders", "0009_drop_single_invoice_fields")])
    Invoice = new.get_model("orders", "Invoice")
    Payment = new.get_model("orders", "Payment")
    first = Invoice.objects.get(purchase_order_id=paid.pk)
    assert (first.holder_number, first.kind, first.state) == ("F-2024-9", "balance", "paid")
    assert (first.amount_excl_tax, first.vat, first.amount_incl_tax) == (
        Decimal("20625.00"),
        Decimal("4125.00"),
        Decimal("24750.00"),
    )
    assert first.received_on == datetime.date(2024, 5, 31)
    payment = Payment.objects.get(invoice=first)
    # The worked example of R2192-31: due 30/06/2024, paid 20/07/2024, 2nd half-year rate.
    assert (payment.paid_on, payment.days_late, payment.ecb_rate) == (
        datetime.date(2024, 7, 20),
        20,
        Decimal("4.25"),
    )
    assert payment.interest_due == Decimal("166.13") and payment.flat_fee_due == Decimal("40")
    second = Invoice.objects.get(purchase_order_id=invoiced.pk)
    assert second.state == "accepted" and second.amount_incl_tax == Decimal("12375.00")
    assert second.amount_excl_tax + second.vat == second.amount_incl_tax
    assert not Payment.objects.filter(invoice=second).exists()
