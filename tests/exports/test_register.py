"""The orders register: purchase orders and subsequent contracts in one sheet, live rows
flagged, totals that follow the filter, the Paramètres sheet, the page's filters and scope."""

import datetime
from decimal import Decimal

from django.urls import reverse
from openpyxl.utils import get_column_letter

from orders.enums import OrderState
from procurement import clock
from procurement.xlsx import EURO_FORMAT, app_version
from tests.contract_factories import make_contract
from tests.exports.sheets import parameters_of, rows_of, workbook_of
from tests.factories import make_agreement, make_local_agreement
from tests.fast_factories import fast_order


def test_the_register_lists_orders_and_contracts_and_keeps_dead_rows_out_of_the_totals(
    client, pilot35, buyer, finance
):
    make_agreement()
    live = fast_order(pilot35, buyer, finance, state=OrderState.PAID)
    draft = fast_order(pilot35, buyer, finance)
    cancelled = fast_order(pilot35, buyer, finance, state=OrderState.CANCELLED)
    make_local_agreement(holders=3)
    contract = make_contract(pilot35, buyer, "notified")
    client.force_login(finance)
    with clock.frozen(datetime.date(2027, 5, 3)):
        workbook = workbook_of(client.get(reverse("orders:order_list_xlsx")))
    ws = workbook["Registre"]
    header, rows, totals = rows_of(ws)
    by_number = {r["Numéro"]: r for r in rows}
    assert len(rows) == 4
    assert by_number[live.number]["Type"] == "Bon de commande"
    assert by_number[live.number]["En vigueur"] == "oui"
    assert by_number[live.number]["Engagé HT"] == float(live.total_excl_tax)
    assert by_number[live.number]["Lot"].startswith(f"Lot {live.lot.number}")
    for dead in (draft, cancelled):
        row = by_number[dead.display_number]
        assert row["En vigueur"] == "non" and row["Engagé HT"] is None
        assert row["Montant HT"] == float(dead.total_excl_tax)  # shown, not summed
    contract_row = by_number[contract.number]
    assert contract_row["Type"] == "Marché subséquent" and contract_row["En vigueur"] == "oui"
    assert contract_row["Engagé TTC"] == float(contract.total_incl_tax)
    assert contract_row["Montant révisé HT"] == float(contract.total_excl_tax)  # no revision
    assert contract_row["Notifié le"].date() == contract.notified_on
    assert contract_row["SIRET"] == contract.holder.company.siret
    assert contract_row["EJ"] == "2100004321"

    # Formatting: frozen header, autofilter on the data only, € format, totals by SUBTOTAL.
    assert ws.freeze_panes == "A2"
    last = get_column_letter(len(header))
    assert ws.auto_filter.ref == f"A1:{last}5"
    engaged = get_column_letter(header.index("Engagé HT") + 1)
    live_row = [r["Numéro"] for r in rows].index(live.number) + 2
    assert ws[f"{engaged}{live_row}"].number_format == EURO_FORMAT
    assert ws[f"{engaged}6"].value == f"=SUBTOTAL(109,{engaged}2:{engaged}5)"
    assert totals["Montant HT"] is None  # dead rows' amounts are never totalled
    assert ws.column_dimensions["A"].width >= len(contract.number)
    issued = get_column_letter(header.index("Émis ou attribué le") + 1)
    assert ws[f"{issued}2"].is_date

    params = parameters_of(workbook)
    assert params["Export"] == "Registre des commandes"
    assert params["Par"].endswith(f"({finance.username})")
    assert params["Version de l'application"] == app_version()
    assert params["Généré le"].date() == datetime.date(2027, 5, 3)
    assert params["Lignes — Registre"] == 4
    assert params["Filtres"].startswith("aucun")


def test_the_register_follows_the_filters_and_the_pilots_scope(
    client, pilot35, pilot29, buyer, finance
):
    make_agreement()
    mine = fast_order(pilot29, buyer, finance, state=OrderState.ISSUED)
    theirs = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    fast_order(pilot29, buyer, finance)
    make_local_agreement(holders=3)
    contract = make_contract(pilot35, buyer, "notified")
    client.force_login(pilot29)
    _, rows, _ = rows_of(workbook_of(client.get(reverse("orders:order_list_xlsx")))["Registre"])
    numbers = {r["Numéro"] for r in rows}
    assert mine.number in numbers and theirs.number not in numbers
    assert contract.number not in numbers  # another service's contract
    workbook = workbook_of(client.get(reverse("orders:order_list_xlsx"), {"state": "issued"}))
    _, rows, _ = rows_of(workbook["Registre"])
    assert [r["Numéro"] for r in rows] == [mine.number]
    assert parameters_of(workbook)["Filtre : État"] == "Émis"

    client.force_login(finance)
    # A purchase-order state selects no contract; a state both share selects both kinds.
    _, rows, _ = rows_of(
        workbook_of(client.get(reverse("orders:order_list_xlsx"), {"state": "notified"}))[
            "Registre"
        ]
    )
    assert [r["Numéro"] for r in rows] == [contract.number]
    _, rows, _ = rows_of(
        workbook_of(client.get(reverse("orders:order_list_xlsx"), {"q": contract.number[-6:]}))[
            "Registre"
        ]
    )
    assert contract.number in {r["Numéro"] for r in rows}


def test_the_register_gives_what_was_invoiced_paid_and_the_advance_still_to_repay(
    client, pilot35, buyer, finance
):
    from tests.contract_factories import fresh, invoice_advance, invoice_phase, run_phase

    make_local_agreement(holders=3)
    contract = make_contract(pilot35, buyer, "in_execution", advance_rate="30.00")
    invoice_advance(fresh(contract), finance)
    phase = fresh(contract).phases.order_by("position").first()
    run_phase(phase, pilot35)
    instalment = invoice_phase(fresh(contract), phase.phase, finance)
    client.force_login(finance)
    _, rows, _ = rows_of(workbook_of(client.get(reverse("orders:order_list_xlsx")))["Registre"])
    [row] = rows
    contract = fresh(contract)
    assert Decimal(str(row["Facturé TTC"])) == instalment.amount_incl_tax
    paid = contract.advance_amount + instalment.payment.amount
    assert Decimal(str(row["Payé TTC"])) == paid
    outstanding = contract.advance_amount - instalment.advance_repayment
    assert Decimal(str(row["Avance restant à rembourser"])) == outstanding
