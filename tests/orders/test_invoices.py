"""Invoices and payments of a purchase order: several invoices, credit notes, a rejected
invoice that comes back, one interruption, the order following its invoices, and the
interest owed within 45 days."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from orders import services
from orders.enums import OrderState
from orders.models import LatePaymentRate, PurchaseOrder
from procurement import clock
from tests.exports.sheets import rows_of, workbook_of
from tests.factories import make_agreement, make_order

D = datetime.date


@pytest.fixture
def done(db, pilot35, buyer, finance):
    """An order for 18 100,00 € HT / 21 720,00 € TTC whose service fait is certified."""
    make_agreement()
    return make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)


def _record(order, finance, amount_incl, kind="instalment", number="F-1", received_on=None):
    excl = (Decimal(amount_incl) / Decimal("1.2")).quantize(Decimal("0.01"))
    return services.invoice_record(
        order=order,
        by=finance,
        kind=kind,
        holder_number=number,
        received_on=received_on or clock.today(),
        amount_excl_tax=excl,
        vat=Decimal(amount_incl) - excl,
    )


def _state(order):
    return PurchaseOrder.objects.get(pk=order.pk).state


def test_an_instalment_then_a_balance_make_the_order_invoiced_then_paid(done, finance):
    first = _record(done, finance, "10000.00")
    services.invoice_accept(invoice=first, by=finance)
    assert _state(done) == "invoiced"
    services.invoice_pay(invoice=first, by=finance)
    assert _state(done) == "invoiced"  # an instalment paid: the balance remains
    balance = _record(done, finance, "11720.00", kind="balance", number="F-2")
    services.invoice_accept(invoice=balance, by=finance)
    services.invoice_pay(invoice=balance, by=finance)
    assert _state(done) == "paid"
    assert done.invoices.count() == 2 and done.remaining_to_invoice() == Decimal("0.00")


def test_an_invoice_over_the_remaining_amount_is_refused_with_the_remaining_amount(done, finance):
    _record(done, finance, "20000.00")
    with pytest.raises(services.ActionRefused) as excinfo:
        _record(done, finance, "99999999.00", number="F-2")
    assert "1\u00a0720,00\u00a0€" in str(excinfo.value)  # 21 720,00 − 20 000,00
    assert done.invoices.count() == 1


def test_a_credit_note_frees_room_and_may_not_exceed_what_was_invoiced(done, finance):
    _record(done, finance, "21720.00", kind="balance")
    with pytest.raises(services.ActionRefused, match="dépasse ce qui reste"):
        _record(done, finance, "100.00", number="F-2")
    _record(done, finance, "720.00", kind="credit_note", number="AV-1")
    assert done.remaining_to_invoice() == Decimal("720.00")
    with pytest.raises(services.ActionRefused, match="dépasse le montant facturé"):
        _record(done, finance, "30000.00", kind="credit_note", number="AV-2")


def test_a_rejected_invoice_comes_back_as_a_new_one(done, finance):
    wrong = _record(done, finance, "21720.00", kind="balance")
    services.invoice_reject(invoice=wrong, by=finance, comment="Mauvais SIRET")
    again = _record(done, finance, "21720.00", kind="balance", number="F-1bis")
    assert wrong.refresh_from_db() is None and wrong.state == "rejected"
    assert again.state == "received"


def test_the_delay_is_interrupted_once_and_the_holder_is_told_what_is_missing(
    done, finance, django_capture_on_commit_callbacks
):
    invoice = _record(done, finance, "21720.00", kind="balance")
    with django_capture_on_commit_callbacks(execute=True):
        services.invoice_interrupt(
            invoice=invoice, by=finance, missing_items="N° d'engagement juridique absent."
        )
    message = mail.outbox[-1]
    assert message.to == [done.holder.contact_email]
    assert "engagement juridique absent" in message.body and "R2192-27" in message.body
    invoice.refresh_from_db()
    assert invoice.state == "interrupted" and invoice.due_date is None
    services.invoice_complete(invoice=invoice, by=finance)
    invoice.refresh_from_db()
    assert invoice.due_date == clock.today() + datetime.timedelta(days=30)
    with pytest.raises(services.ActionRefused):  # R2192-27: once only
        services.invoice_interrupt(invoice=invoice, by=finance, missing_items="Encore")


def test_an_invoice_is_accepted_for_payment_only_after_the_service_fait(
    db, pilot35, buyer, finance
):
    make_agreement()
    order = make_order(pilot35, buyer, finance, state=OrderState.DELIVERED)
    invoice = _record(order, finance, "21720.00", kind="balance")
    assert invoice.due_date is None  # R2192-13: nothing runs before the work is done
    with pytest.raises(services.ActionRefused, match="R2191-23"):
        services.invoice_accept(invoice=invoice, by=finance)
    services.order_certify(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
    services.invoice_accept(invoice=invoice, by=finance)
    assert _state(order) == "invoiced"


def test_only_finance_handles_invoices(done, buyer, pilot35):
    with pytest.raises(services.ActionRefused):
        _record(done, buyer, "100.00")
    invoice = _record(done, pilot35.__class__.objects.get(role="finance"), "100.00")
    with pytest.raises(services.ActionRefused):
        services.invoice_accept(invoice=invoice, by=buyer)


def test_a_late_payment_owes_interest_paid_within_45_days(client, db, pilot35, buyer, finance):
    """Received 02/03/2026, due 01/04/2026, paid 11/04/2026: 10 days at 2,15 + 8 = 10,15 %:
    21 720,00 × 10,15 % × 10 / 365 = 60,40 €, + 40 €, to pay by 26/05/2026 (R2192-36)."""
    make_agreement(start=D(2025, 9, 1))
    with clock.frozen(D(2026, 2, 2)):
        order = make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)
    with clock.frozen(D(2026, 3, 2)):
        invoice = _record(order, finance, "21720.00", kind="balance")
        services.invoice_accept(invoice=invoice, by=finance)
    with clock.frozen(D(2026, 4, 11)):
        services.invoice_pay(invoice=invoice, by=finance)
    payment = invoice.__class__.objects.get(pk=invoice.pk).payment
    assert (payment.days_late, payment.ecb_rate, payment.interest_due) == (
        10,
        Decimal("2.15"),
        Decimal("60.40"),
    )
    assert payment.flat_fee_due == Decimal("40.00")
    assert payment.interest_deadline == D(2026, 5, 26)
    client.force_login(finance)
    page = client.get(reverse("orders:invoice_detail", args=[invoice.pk])).content.decode()
    assert "60,40" in page and "26/05/2026" in page and "10,15" in page.replace(".", ",")
    client.post(reverse("orders:payment_interest_paid", args=[invoice.pk]), {"on": "2026-05-20"})
    payment.refresh_from_db()
    assert payment.interest_paid_on == D(2026, 5, 20)
    with pytest.raises(services.ActionRefused, match="déjà enregistrés"):
        services.payment_interest_paid(payment=payment, by=finance, on=D(2026, 5, 21))


def test_a_missing_rate_warns_on_the_page_and_in_the_export(client, db, pilot35, buyer, finance):
    make_agreement(start=D(2025, 9, 1))
    LatePaymentRate.objects.filter(valid_from=D(2026, 7, 1)).delete()
    with clock.frozen(D(2026, 5, 4)):
        order = make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)
        invoice = _record(order, finance, "21720.00", kind="balance")
    with clock.frozen(D(2026, 7, 20)):  # due 03/06… no: due 03/06/2026 + late into July
        services.invoice_accept(invoice=invoice, by=finance)
    invoice.refresh_from_db()
    assert invoice.due_date == D(2026, 6, 3)
    client.force_login(finance)
    with clock.frozen(D(2026, 7, 20)):
        page = client.get(reverse("orders:invoice_detail", args=[invoice.pk])).content.decode()
    # Interest started on 04/06/2026 (1st half-year, rate stored): no warning yet.
    assert "non saisi" not in page
    LatePaymentRate.objects.filter(valid_from=D(2026, 1, 1)).delete()
    page = client.get(reverse("orders:invoice_detail", args=[invoice.pk])).content.decode()
    assert "Taux BCE du 1er semestre 2026 non saisi" in page
    export = client.get(reverse("orders:payments_xlsx"))
    _, rows, _ = rows_of(workbook_of(export)["Factures"])
    assert any("non saisi" in (row["Alerte"] or "") for row in rows)
    assert [row["Intérêts moratoires"] for row in rows] == [None]  # never a silent 0 %


def test_the_order_page_lists_invoices_with_due_date_and_lateness(client, done, finance):
    invoice = _record(done, finance, "21720.00", kind="balance", number="F-77")
    client.force_login(finance)
    page = client.get(reverse("orders:order_detail", args=[done.pk])).content.decode()
    assert "Solde n° F-77" in page and invoice.due_date.strftime("%d/%m/%Y") in page
    assert "à l&#x27;heure" in page or "à l'heure" in page


def test_an_invoice_page_is_as_private_as_its_order(client, done, finance, pilot29, pilot35):
    invoice = _record(done, finance, "21720.00", kind="balance")
    url = reverse("orders:invoice_detail", args=[invoice.pk])
    client.force_login(pilot29)
    assert client.get(url).status_code == 404
    client.force_login(pilot35)
    page = client.get(url)
    assert page.status_code == 200 and "/action/" not in page.content.decode()


INVOICE_SOURCES = {
    "interrupt": "received",
    "complete": "interrupted",
    "accept": "received",
    "reject": "received",
    "pay": "accepted",
}


@pytest.mark.parametrize("role", ["buyer", "finance", "admin", "pilot35", "pilot29"])
@pytest.mark.parametrize("action", services.INVOICE_ACTIONS.names())
def test_each_role_may_or_may_not_act_on_an_invoice(action, role, done, all_users):
    finance = all_users["finance"]
    invoice = _record(done, finance, "21720.00", kind="balance")
    source = INVOICE_SOURCES[action]
    if source == "interrupted":
        services.invoice_interrupt(invoice=invoice, by=finance, missing_items="EJ")
    elif source == "accepted":
        services.invoice_accept(invoice=invoice, by=finance)
    invoice.refresh_from_db()
    data = {"missing_items": "EJ"} if action == "interrupt" else {}
    run = services.INVOICE_ACTIONS[action].run
    if role == "finance":
        run(invoice, by=all_users[role], comment="motif", **data)
        assert invoice.__class__.objects.get(pk=invoice.pk).state != source
    else:
        with pytest.raises(services.ActionRefused):
            run(invoice, by=all_users[role], comment="motif", **data)
        assert invoice.__class__.objects.get(pk=invoice.pk).state == source


@pytest.mark.parametrize(
    "action,state",
    [
        (action, state)
        for action in services.INVOICE_ACTIONS.names()
        for state in ["received", "interrupted", "accepted", "paid", "rejected"]
        if not (INVOICE_SOURCES[action] == state or (action == "reject" and state == "interrupted"))
    ],
)
def test_no_invoice_action_from_any_other_state(action, state, done, finance):
    invoice = _record(done, finance, "21720.00", kind="balance")
    if state == "interrupted":
        services.invoice_interrupt(invoice=invoice, by=finance, missing_items="EJ")
    elif state in ("accepted", "paid"):
        services.invoice_accept(invoice=invoice, by=finance)
        if state == "paid":
            services.invoice_pay(invoice=invoice.__class__.objects.get(pk=invoice.pk), by=finance)
    elif state == "rejected":
        services.invoice_reject(invoice=invoice, by=finance, comment="x")
    invoice = invoice.__class__.objects.get(pk=invoice.pk)
    data = {"missing_items": "EJ"} if action == "interrupt" else {}
    with pytest.raises(services.ActionRefused):
        services.INVOICE_ACTIONS[action].run(invoice, by=finance, comment="motif", **data)
    assert invoice.__class__.objects.get(pk=invoice.pk).state == state
