import datetime
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from orders import services
from orders.enums import OrderState
from procurement import clock
from tests.factories import make_agreement, make_order


def _rows(response):
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[1]]
    return ws, [
        dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)
    ]


def test_finance_exports_orders_with_amounts_and_one_row_per_invoice_with_late_interest(
    client, pilot35, buyer, finance
):
    make_agreement(start=datetime.date(2025, 9, 1))
    with clock.frozen(datetime.date(2026, 2, 2)):
        order = make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)
    with clock.frozen(datetime.date(2026, 3, 2)):
        invoice = services.invoice_record(
            order=order,
            by=finance,
            kind="balance",
            holder_number="FA-1",
            chorus_number="CPP-2026-0042",
            received_on=datetime.date(2026, 3, 2),
            amount_excl_tax=Decimal("18100.00"),
            vat=Decimal("3620.00"),
        )
        services.invoice_accept(invoice=invoice, by=finance)
    with clock.frozen(datetime.date(2026, 4, 11)):
        services.invoice_pay(invoice=invoice, by=finance)
    make_order(pilot35, buyer, finance)  # a draft, exported without a number
    client.force_login(finance)
    response = client.get(reverse("orders:order_list_xlsx"))
    ws, rows = _rows(response)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    paid = next(r for r in rows if r["Numéro"] == order.number)
    assert paid["Montant HT"] == 18100 and paid["Montant TTC"] == 21720
    assert paid["Facturé TTC"] == 21720 and paid["Payé TTC"] == 21720
    assert paid["SIRET"] == order.holder.company.siret and paid["Titulaire"] == order.holder.name
    assert len(rows) == 2 and ws.freeze_panes == "A2"
    assert ws["J2"].number_format == '#,##0.00 "€"'
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook["Factures"]
    header = [c.value for c in sheet[1]]
    [row] = [
        dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert row["N° de facture"] == "FA-1" and row["N° Chorus Pro"] == "CPP-2026-0042"
    assert row["Échéance"].date() == datetime.date(2026, 4, 1)
    assert row["Jours de retard"] == 10 and row["Intérêts moratoires"] == 60.4
    assert row["Taux BCE (%)"] == 2.15 and row["Taux appliqué (%)"] == 10.15
    assert row["Indemnité forfaitaire"] == 40 and row["Alerte"] in ("", None)


def test_the_export_follows_the_filters_and_the_pilots_scope(
    client, pilot35, pilot29, buyer, finance
):
    make_agreement()
    mine = make_order(pilot29, buyer, finance, state=OrderState.ISSUED)
    theirs = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    make_order(pilot29, buyer, finance)
    client.force_login(pilot29)
    _, rows = _rows(client.get(reverse("orders:order_list_xlsx")))
    numbers = [r["Numéro"] for r in rows]
    assert mine.number in numbers and theirs.number not in numbers
    _, rows = _rows(client.get(reverse("orders:order_list_xlsx"), {"state": "issued"}))
    assert [r["Numéro"] for r in rows] == [mine.number]


def test_the_export_runs_a_constant_number_of_queries(
    client, pilot35, buyer, finance, django_assert_num_queries
):
    make_agreement()
    for state in (OrderState.ISSUED, OrderState.PAID, OrderState.DRAFT):
        make_order(pilot35, buyer, finance, state=state)
    client.force_login(finance)
    # session, user, the count (a large export goes to the task queue), late-payment rates,
    # orders (one joined query), their invoices with payments (one prefetch), the audit event
    with django_assert_num_queries(7):
        client.get(reverse("orders:order_list_xlsx"))
