"""What holds for every export: hostile text stays text, the query count does not grow with
the rows, the management command writes the same file with the page's filters, and a failed
run leaves no partial file."""

import dataclasses
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from exports import registry
from framework_agreements.models import FrameworkAgreement
from orders.enums import OrderState
from orders.models import Invoice, PurchaseOrder
from teams.models import Expert
from tests.exports.sheets import rows_of, workbook_of
from tests.factories import make_agreement
from tests.fast_factories import fast_order

HOSTILE = '=HYPERLINK("http://x","y")'
PAGES = {
    "orders": ("orders:order_list_xlsx",),
    "payments": ("orders:payments_xlsx",),
    "budget": ("orders:budget_xlsx",),
    "ceilings": ("agreements:ceilings_xlsx",),
    "teams": ("teams:allocation_xlsx",),
}
STATES = [OrderState.PAID, OrderState.CANCELLED, OrderState.ISSUED]


@pytest.fixture
def hostile_world(db, pilot35, buyer, finance):
    agreement = make_agreement()
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(title=HOSTILE)
    order = fast_order(pilot35, buyer, finance, state=OrderState.PAID)
    order.request.title = HOSTILE
    order.request.save(update_fields=["title"])
    PurchaseOrder.objects.filter(pk=order.pk).update(budget_centre=HOSTILE)
    Invoice.objects.filter(purchase_order=order).update(holder_number=HOSTILE)
    Expert.objects.filter(memberships__team=order.team).update(last_name=HOSTILE)
    return order


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_a_formula_in_any_text_comes_out_as_text(client, hostile_world, finance, kind):
    client.force_login(finance)
    workbook = workbook_of(client.get(reverse(PAGES[kind][0])))
    found = [
        cell
        for ws in workbook.worksheets
        if ws.title != "Paramètres"
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert found, f"the hostile text should be in the {kind} export"
    assert all(c.data_type == "s" for c in found)
    formulas = [
        c.value
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert all(f.startswith("=SUBTOTAL(109,") for f in formulas)


def _queries(client, kind):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(PAGES[kind][0]))
        b"".join(response.streaming_content)
    return len(captured)


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_the_query_count_does_not_grow_with_the_rows(client, pilot35, buyer, finance, kind):
    make_agreement()
    client.force_login(finance)
    for state in STATES:
        fast_order(pilot35, buyer, finance, state=state)
    few = _queries(client, kind)
    for _ in range(3):
        for state in STATES:
            fast_order(pilot35, buyer, finance, state=state)
    assert _queries(client, kind) == few


def test_the_register_command_writes_the_pages_file_with_its_filters(
    tmp_path, pilot35, pilot29, buyer, finance
):
    make_agreement()
    issued = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    fast_order(pilot35, buyer, finance, state=OrderState.PAID)
    other = fast_order(pilot29, buyer, finance, state=OrderState.ISSUED)
    target = tmp_path / "registre.xlsx"
    call_command(
        "export_orders",
        "-o",
        str(target),
        "--state",
        "issued",
        "--department",
        "35",
        stdout=io.StringIO(),
    )
    workbook = load_workbook(target)
    _, rows, _ = rows_of(workbook["Registre"])
    assert [r["Numéro"] for r in rows] == [issued.number]
    params = {r[0]: r[1] for r in workbook["Paramètres"].iter_rows(min_row=2, values_only=True)}
    assert params["Par"].startswith("Commande planifiée")
    assert params["Filtre : Département"].startswith("Ille-et-Vilaine")
    call_command(
        "export_orders", "-o", str(target), "--user", pilot29.username, stdout=io.StringIO()
    )
    _, rows, _ = rows_of(load_workbook(target)["Registre"])
    assert [r["Numéro"] for r in rows] == [other.number]  # a pilot's scope


@pytest.mark.parametrize(
    "command",
    ["export_orders", "export_payments", "export_budget", "export_ceilings", "export_teams"],
)
def test_every_export_command_writes_a_workbook(tmp_path, pilot35, buyer, finance, command):
    make_agreement()
    fast_order(pilot35, buyer, finance, state=OrderState.PAID)
    target = tmp_path / "export.xlsx"
    out = io.StringIO()
    call_command(command, "-o", str(target), stdout=out)
    workbook = load_workbook(target)
    assert workbook.sheetnames[-1] == "Paramètres" and "écrite(s)" in out.getvalue()
    assert workbook.worksheets[0].max_row >= 2


def test_a_failed_run_leaves_no_partial_file(tmp_path, monkeypatch, db):
    def broken(user, params, out):
        out.write(b"PK half a zip")
        raise RuntimeError("disk full")

    spec = registry.get("orders")
    monkeypatch.setitem(registry.KINDS, "orders", dataclasses.replace(spec, write=broken))
    target = tmp_path / "registre.xlsx"
    with pytest.raises(RuntimeError):
        call_command("export_orders", "-o", str(target), stdout=io.StringIO())
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_department_or_user_is_a_clear_error(tmp_path, db):
    with pytest.raises(CommandError, match="Département inconnu"):
        call_command("export_orders", "-o", str(tmp_path / "x.xlsx"), "--department", "999")
    with pytest.raises(CommandError, match="Utilisateur inconnu"):
        call_command("export_orders", "-o", str(tmp_path / "x.xlsx"), "--user", "nobody")
