"""Invoices and payments, AE/CP per budget year, ceiling consumption: worked examples."""

import datetime
from decimal import Decimal

from django.urls import reverse

from orders import services
from orders.enums import OrderState
from procurement import clock
from tests.exports.sheets import parameters_of, rows_of, workbook_of
from tests.factories import make_agreement, make_order


def _paid_late(pilot, buyer, finance):
    """18 100 € HT (21 720 € TTC) received 02/03/2026, due 01/04, paid 11/04: 10 days late."""
    with clock.frozen(datetime.date(2026, 2, 2)):
        order = make_order(pilot, buyer, finance, state=OrderState.SERVICE_DONE)
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
    return order


def test_payments_give_each_invoices_delay_lateness_and_interest(client, pilot35, buyer, finance):
    make_agreement(start=datetime.date(2025, 9, 1))
    order = _paid_late(pilot35, buyer, finance)
    client.force_login(finance)
    workbook = workbook_of(client.get(reverse("orders:payments_xlsx")))
    header, [row], totals = rows_of(workbook["Factures"])
    assert row["Commande ou marché"] == order.number and row["EJ"] == order.ej_number
    assert row["N° de facture"] == "FA-1" and row["N° Chorus Pro"] == "CPP-2026-0042"
    assert row["Reçue le"].date() == datetime.date(2026, 3, 2)
    assert row["Début du délai"].date() == datetime.date(2026, 3, 2)
    assert row["Échéance"].date() == datetime.date(2026, 4, 1)  # 30 days (R2192-10)
    assert row["Payée le"].date() == datetime.date(2026, 4, 11)
    # R2192-31, D2192-35: 21 720 € × (2,15 + 8) % × 10 / 365 = 60,40 €, plus the 40 € fee.
    assert row["Jours de retard"] == 10 and row["Intérêts moratoires"] == 60.4
    assert row["Taux BCE (%)"] == 2.15 and row["Taux appliqué (%)"] == 10.15
    assert row["Indemnité forfaitaire"] == 40 and row["Intérêts payés"] == "non"
    assert totals["Montant TTC"] == "=SUBTOTAL(109,P2:P2)"
    assert parameters_of(workbook)["Lignes — Factures"] == 1


def test_budget_counts_ae_in_the_year_committed_released_and_cp_in_the_year_paid(
    client, pilot35, buyer, finance
):
    make_agreement(start=datetime.date(2025, 9, 1))
    order = _paid_late(pilot35, buyer, finance)
    with clock.frozen(datetime.date(2026, 5, 4)):
        other = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    with clock.frozen(datetime.date(2027, 1, 6)):
        services.order_cancel(order=other, by=buyer, comment="Atelier reporté")
    client.force_login(finance)
    workbook = workbook_of(client.get(reverse("orders:budget_xlsx")))
    _, rows, totals = rows_of(workbook["AE et CP"])
    budget = (order.budget_programme, order.budget_centre, order.budget_domain)
    by_year = {
        r["Exercice"]: r
        for r in rows
        if (r["Programme"], r["Centre financier"] or "", r["Domaine fonctionnel"] or "")
        == tuple(b or "" for b in budget)
    }
    total_2026 = order.total_incl_tax + other.total_incl_tax
    assert Decimal(str(by_year[2026]["AE engagées TTC"])) == total_2026
    assert by_year[2026]["AE libérées TTC"] == 0
    assert Decimal(str(by_year[2026]["CP payés TTC"])) == Decimal("21720.00")
    assert by_year[2026]["Intérêts moratoires et indemnités payés"] is None  # not yet paid
    # The cancellation releases the other order's AE in the year it happened.
    assert Decimal(str(by_year[2027]["AE libérées TTC"])) == -other.total_incl_tax
    assert by_year[2027]["AE engagées TTC"] == 0 and by_year[2027]["CP payés TTC"] == 0
    assert by_year[2026]["Engagements juridiques"] == len({order.ej_number, other.ej_number} - {""})
    assert totals["AE nettes TTC"].startswith("=SUBTOTAL(109,")


def test_ceilings_per_agreement_lot_then_holder_and_year(client, pilot35, buyer, finance):
    agreement = make_agreement(start=datetime.date(2025, 9, 1))
    with clock.frozen(datetime.date(2026, 2, 2)):
        order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(finance)
    workbook = workbook_of(client.get(reverse("agreements:ceilings_xlsx")))
    _, rows, _ = rows_of(workbook["Plafonds"])
    whole = next(r for r in rows if r["Lot"] == "Ensemble de l'accord-cadre")
    assert whole["Accord-cadre"] == agreement.reference
    assert Decimal(str(whole["Engagé HT"])) == order.total_excl_tax
    assert Decimal(str(whole["Restant HT"])) == agreement.maximum_amount - order.total_excl_tax
    share = order.total_excl_tax / agreement.maximum_amount
    assert abs(Decimal(str(whole["Part utilisée"])) - share) < Decimal("0.0001")
    assert workbook["Plafonds"]["F2"].number_format == "0.00 %"
    if agreement.minimum_amount:
        assert whole["Minimum atteint"] == "non"
    _, [per_holder], totals = rows_of(workbook["Par titulaire et exercice"])
    assert per_holder["Titulaire"] == order.holder.name and per_holder["Exercice"] == 2026
    assert Decimal(str(per_holder["Net HT"])) == order.total_excl_tax


def test_a_pilot_may_not_export_the_ceilings(client, pilot35):
    client.force_login(pilot35)
    assert client.get(reverse("agreements:ceilings_xlsx")).status_code == 403
