"""Dates that cannot lie: each recorded fact is on or before today and on or after the fact
it follows; planned dates are not in the past when set. Pair by pair, each refusal naming
both dates."""

import datetime
from decimal import Decimal

import pytest

from orders import services
from orders.enums import OrderState
from orders.models import PurchaseOrder
from procurement import clock
from tests.factories import make_agreement, make_order, make_request

D = datetime.date
PAST = D(2026, 3, 2)  # the order's facts happened on this day


@pytest.fixture
def history(db, pilot35, buyer, finance):
    make_agreement(start=D(2025, 9, 1))

    def at(state):
        with clock.frozen(PAST):
            return make_order(pilot35, buyer, finance, state=state)

    return at


def _refused(match, action, *args, **kwargs):
    with pytest.raises(services.ActionRefused, match=match) as excinfo:
        action(*args, **kwargs)
    return str(excinfo.value)


def test_a_holder_acceptance_in_2030_is_refused(history, buyer):
    order = history(OrderState.NOTIFIED)
    message = _refused(
        "postérieure à aujourd'hui",
        services.order_holder_accept,
        order=order,
        by=buyer,
        on=D(2030, 1, 1),
    )
    assert "01/01/2030" in message and clock.today().strftime("%d/%m/%Y") in message


def test_notification_comes_before_the_holder_acceptance(history, buyer):
    order = history(OrderState.NOTIFIED)
    message = _refused(
        "précède la notification",
        services.order_holder_accept,
        order=order,
        by=buyer,
        on=D(2026, 2, 1),
    )
    assert "01/02/2026" in message and "02/03/2026" in message


def test_notification_comes_before_a_decline(history, buyer):
    order = history(OrderState.NOTIFIED)
    _refused(
        "précède la notification",
        services.order_decline,
        order=order,
        by=buyer,
        on=D(2026, 2, 1),
        comment="Non",
    )
    assert PurchaseOrder.objects.get(pk=order.pk).state == "notified"


def test_acceptance_comes_before_the_start_of_execution(history, buyer):
    order = history(OrderState.ACCEPTED)
    _refused("précède l'acceptation", services.order_start, order=order, by=buyer, on=D(2026, 3, 1))


def test_the_start_of_execution_comes_before_the_on_site_session(history, buyer):
    order = history(OrderState.ACCEPTED)
    with clock.frozen(D(2026, 3, 5)):
        _refused(
            "précède le début d'exécution",
            services.order_start,
            order=order,
            by=buyer,
            on=D(2026, 3, 4),
        )


def test_delivery_comes_before_the_service_fait(history, pilot35):
    order = history(OrderState.DELIVERED)
    _refused(
        "précède la livraison", services.order_certify, order=order, by=pilot35, on=D(2026, 3, 1)
    )


def test_a_service_fait_in_2031_is_refused(history, pilot35):
    order = history(OrderState.DELIVERED)
    _refused("postérieure", services.order_certify, order=order, by=pilot35, on=D(2031, 1, 1))
    assert PurchaseOrder.objects.get(pk=order.pk).state == "delivered"


def test_a_delivery_before_the_session_is_refused(history, pilot35):
    order = history(OrderState.IN_PROGRESS)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.factories import tiny_pdf

    _refused(
        "précède",
        services.order_deliver,
        order=order,
        by=pilot35,
        on=D(2026, 3, 1),
        deliverable=SimpleUploadedFile("s.pdf", tiny_pdf(), "application/pdf"),
    )


def test_an_invoice_is_received_after_its_order_was_issued_and_not_in_the_future(history, finance):
    order = history(OrderState.SERVICE_DONE)
    for day, match in ((D(2026, 3, 1), "précède l'émission"), (D(2030, 1, 1), "postérieure")):
        _refused(
            match,
            services.invoice_record,
            order=order,
            by=finance,
            kind="balance",
            holder_number="F",
            received_on=day,
            amount_excl_tax=Decimal("1"),
            vat=Decimal("0"),
        )


def test_invoice_receipt_comes_before_the_payment_and_a_payment_is_never_in_the_future(
    history, finance
):
    order = history(OrderState.INVOICED)
    invoice = order.invoices.get()
    _refused(
        "précède la réception", services.invoice_pay, invoice=invoice, by=finance, on=D(2026, 3, 1)
    )
    _refused(
        "postérieure",
        services.invoice_pay,
        invoice=invoice,
        by=finance,
        on=clock.today() + datetime.timedelta(days=1),
    )
    assert order.invoices.get().state == "accepted"


def test_an_interruption_comes_after_the_receipt(history, finance):
    order = history(OrderState.SERVICE_DONE)
    with clock.frozen(D(2026, 3, 10)):
        invoice = services.invoice_record(
            order=order,
            by=finance,
            kind="balance",
            holder_number="F",
            received_on=D(2026, 3, 9),
            amount_excl_tax=Decimal("1"),
            vat=Decimal("0"),
        )
    _refused(
        "précède la réception",
        services.invoice_interrupt,
        invoice=invoice,
        by=finance,
        on=D(2026, 3, 8),
        missing_items="EJ",
    )


def test_planned_dates_are_not_in_the_past_when_set(db, pilot35, buyer, finance, client):
    make_agreement()
    order = make_order(pilot35, buyer, finance)
    yesterday = clock.today() - datetime.timedelta(days=1)
    for field in ("session_start", "delivery_deadline"):
        _refused(
            "déjà passée",
            services.order_update_draft,
            order=order,
            by=buyer,
            quantities={order.lines.get().price_line_id: Decimal("1")},
            fields={field: yesterday},
        )
    client.force_login(pilot35)
    request = make_request(pilot35)
    response = client.post(
        f"/demandes/{request.pk}/modifier/",
        {
            "title": "Atelier",
            "format": "flash",
            "department": request.department_id,
            "problem_statement": "x",
            "desired_start": yesterday.isoformat(),
            "coll-TOTAL_FORMS": "0",
            "coll-INITIAL_FORMS": "0",
            "coll-MIN_NUM_FORMS": "0",
            "coll-MAX_NUM_FORMS": "1000",
        },
    )
    assert "déjà passée" in response.content.decode()


def test_a_past_date_set_earlier_may_stay(history, buyer):
    """Unchanged planned dates are not checked again (the session is now history)."""
    order = history(OrderState.ACCEPTED)
    services.order_start(order=order, by=buyer, on=PAST)
    assert PurchaseOrder.objects.get(pk=order.pk).state == "in_progress"


def test_issuing_requires_the_ej_the_session_and_the_delivery_deadline(db, pilot35, buyer):
    make_agreement()
    request = make_request(pilot35, state="accepted", buyer=buyer)
    order = services.order_create(team_request=request, by=buyer)
    message = _refused("Émission refusée : renseignez", services.order_issue, order=order, by=buyer)
    for label in ("engagement juridique", "début de la session", "lieu", "date limite"):
        assert label in message
    assert PurchaseOrder.objects.get(pk=order.pk).number == ""
