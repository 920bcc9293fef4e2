"""`check_invariants` catches every kind of breach; the audit log records what it must."""

import hashlib
import json
import logging
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from framework_agreements.models import CommitmentEntry, FrameworkAgreement, NumberSequence
from orders.models import Document, PurchaseOrder
from procurement.models import AuditEvent
from tests.factories import make_agreement
from tests.fast_factories import fast_order


@pytest.fixture
def world(db, pilot35, buyer, finance):
    agreement = make_agreement()
    orders = [fast_order(pilot35, buyer, finance, state=s) for s in ("issued", "cancelled", "paid")]
    return agreement, orders


def _check(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_invariants")
    assert exit_info.value.code == 1
    return capsys.readouterr().err


def test_a_clean_database_passes(world, capsys):
    call_command("check_invariants")
    assert "Invariants vérifiés" in capsys.readouterr().out


def test_a_maximum_below_the_committed_total_is_a_breach(world, capsys):
    agreement, _ = world
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(maximum_amount=Decimal("100"))
    assert "dépassent le maximum" in _check(capsys)


def test_a_ledger_that_disagrees_with_the_orders_is_a_breach(world, capsys, buyer):
    agreement, orders = world
    CommitmentEntry.objects.create(
        agreement=agreement,
        lot=orders[0].lot,
        fiscal_year=2026,
        kind="commit",
        amount=Decimal("5.00"),
        source=orders[1].source_key,
        reference=orders[1].number,
    )
    errors = _check(capsys)
    assert orders[1].number in errors and "Total courant différent du registre" in errors


def test_a_gap_in_the_numbers_is_a_breach(world, capsys):
    agreement, _ = world
    NumberSequence.objects.filter(agreement=agreement).update(last=4)
    assert "Numérotation" in _check(capsys)


def test_a_missing_or_altered_document_is_a_breach(world, capsys):
    _, orders = world
    document = Document.objects.filter(purchase_order=orders[0]).get()
    Document.objects.filter(pk=document.pk).update(content=b"%PDF-1.4 altered")
    Document.objects.filter(purchase_order=orders[2]).delete()
    errors = _check(capsys)
    assert "ne correspond plus au contenu" in errors
    assert f"Bon de commande {orders[2].number} : aucun PDF conservé" in errors


# --- the audit log -------------------------------------------------------------------------------


def test_a_refused_action_is_recorded_after_its_rollback(client, world, pilot35, caplog):
    _, orders = world
    client.force_login(pilot35)
    with caplog.at_level(logging.INFO, logger="audit"):
        client.post(
            reverse("orders:order_transition", args=[orders[0].pk, "cancel"]),
            {"expected_state": "issued", "comment": ""},
        )
    event = AuditEvent.objects.get(event="action_refused")
    assert event.user == pilot35 and "motif est obligatoire" in event.detail["reason"]
    assert event.path.endswith("/action/cancel/")
    assert PurchaseOrder.objects.get(pk=orders[0].pk).state == "issued"
    line = next(r.msg for r in caplog.records if r.msg.get("event") == "action_refused")
    assert line["user"] == pilot35.username and "motif" in line["reason"]


def test_a_forbidden_request_is_recorded(client, world, finance):
    _, orders = world
    client.force_login(finance)  # reads every team, builds none
    client.post(
        reverse("teams:member_add", args=[orders[0].team.pk]), {"expert": 1, "role": "expert"}
    )
    assert AuditEvent.objects.filter(event="access_denied", user=finance).exists()


def test_exports_and_downloads_are_recorded_with_their_filters(client, world, finance):
    _, orders = world
    client.force_login(finance)
    client.get(reverse("orders:order_list_xlsx"), {"state": "paid", "year": "2026"})
    client.get(reverse("orders:order_pdf", args=[orders[0].pk]))
    export = AuditEvent.objects.get(event="export")
    assert export.user == finance and export.detail["filters"] == {"state": "paid", "year": "2026"}
    download = AuditEvent.objects.get(event="download")
    document = orders[0].documents.get()
    assert download.detail["reference"] == orders[0].number
    assert download.detail["sha256"] == hashlib.sha256(bytes(document.content)).hexdigest()


def test_the_json_line_is_one_object_per_event(db):
    from procurement import audit

    formatter = audit.JsonFormatter()
    record = logging.LogRecord(
        "audit", logging.INFO, "", 0, {"event": "export", "é": "à"}, (), None
    )
    assert json.loads(formatter.format(record)) == {"event": "export", "é": "à"}


def test_administrators_read_the_log_filtered_by_user_and_date(client, world, admin_user, buyer):
    client.force_login(buyer)
    client.get(reverse("orders:order_list_xlsx"))
    assert client.get(reverse("audit_log")).status_code == 403
    client.force_login(admin_user)
    page = client.get(reverse("audit_log"), {"user": buyer.pk, "event": "export"})
    html = page.content.decode()
    assert page.status_code == 200 and "1 événement" in html and "Export" in html
    today = AuditEvent.objects.first().at.date().isoformat()
    empty = client.get(reverse("audit_log"), {"user": buyer.pk, "end": "2000-01-01"})
    assert "0 événement" in empty.content.decode()
    assert (
        "1 événement"
        in client.get(
            reverse("audit_log"), {"user": buyer.pk, "event": "export", "start": today}
        ).content.decode()
    )


def test_the_log_page_runs_a_constant_number_of_queries(
    client, admin_user, buyer, django_assert_num_queries
):
    from procurement import audit

    for _ in range(30):
        audit.record("export", user=buyer, file="x.xlsx")
    client.force_login(admin_user)
    # session, user with their service (header), the change marker, count, the page's keys,
    # its rows, users of the filter
    with django_assert_num_queries(7):
        client.get(reverse("audit_log"))
    for _ in range(30):
        audit.record("export", user=buyer, file="x.xlsx")
    with django_assert_num_queries(7):  # a new event: counted and read afresh
        client.get(reverse("audit_log"))
    # Unchanged since: the count, the filter fields and the rows are kept.
    with django_assert_num_queries(3):
        client.get(reverse("audit_log"))
