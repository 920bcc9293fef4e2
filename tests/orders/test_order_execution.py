import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from orders import services
from orders.enums import OrderState
from orders.models import PurchaseOrder
from tests.factories import (
    ORDER_PATH,
    STEP_FOR_STATE,
    add_lead,
    make_agreement,
    make_order,
    make_request,
    step_data,
)


@pytest.fixture
def agreement(db):
    return make_agreement()


# --- payment -------------------------------------------------------------------------------------


def test_due_date_days_late_and_late_payment_interest(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)
    received = datetime.date(2026, 3, 2)
    services.order_invoice(
        order=order,
        by=finance,
        number="FA-9",
        amount=Decimal("21720.00"),
        received_on=received,
    )
    order = services.order_pay(
        order=PurchaseOrder.objects.get(pk=order.pk),
        by=finance,
        on=datetime.date(2026, 4, 11),
    )
    assert order.payment_due_date == datetime.date(2026, 4, 1)
    assert order.days_late() == 10
    # 21 720,00 × (2,15 % + 8 %) × 10 / 365 = 60,3994… → 60,40 (half-up to the cent)
    assert order.late_payment_interest(Decimal("2.15")) == Decimal("60.40")


def test_payment_on_time_owes_no_interest(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.PAID)
    assert order.days_late() == 0
    assert order.late_payment_interest(Decimal("2.15")) == Decimal("0.00")


def test_an_invoice_without_number_is_refused_by_the_form(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)
    client.force_login(finance)
    response = client.post(
        reverse("orders:order_transition", args=[order.pk, "invoice"]),
        {"expected_state": "service_done", "amount": "abc"},
        follow=True,
    )
    assert "Formulaire incomplet" in response.content.decode()
    assert PurchaseOrder.objects.get(pk=order.pk).state == "service_done"


def test_the_full_path_through_the_views(client, agreement, pilot35, buyer, finance):
    request = make_request(pilot35, state="accepted", buyer=buyer)
    client.force_login(buyer)
    client.post(reverse("orders:order_create", args=[request.pk]))
    order = request.purchase_orders.get()
    add_lead(order)
    for target in ORDER_PATH:
        action = STEP_FOR_STATE[target]
        user = finance if action in ("invoice", "pay") else buyer
        client.force_login(user)
        data = {"expected_state": PurchaseOrder.objects.get(pk=order.pk).state, "comment": "ok"}
        for key, value in step_data(action, order).items():
            data[key] = value
        if action == "invoice":
            data["amount"] = str(PurchaseOrder.objects.get(pk=order.pk).total_incl_tax)
        client.post(reverse("orders:order_transition", args=[order.pk, action]), data)
        assert PurchaseOrder.objects.get(pk=order.pk).state == target, action
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert "Clôturé" in page and "Historique" in page


def test_starting_requires_the_session_dates_and_place(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.ACCEPTED)
    with pytest.raises(services.ActionRefused, match="dates et le lieu"):
        services.order_start(order=order, by=buyer)
    with pytest.raises(services.ActionRefused, match="précède"):
        services.order_start(
            order=order,
            by=buyer,
            session_place="Mairie",
            session_start=datetime.date(2027, 1, 3),
            session_end=datetime.date(2027, 1, 2),
        )
    assert PurchaseOrder.objects.get(pk=order.pk).state == "accepted"


def test_delivering_requires_the_deliverable(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.IN_PROGRESS)
    with pytest.raises(services.ActionRefused, match="livrable"):
        services.order_deliver(order=order, by=pilot35)
    assert PurchaseOrder.objects.get(pk=order.pk).state == "in_progress"


def test_a_non_pdf_deliverable_is_refused_by_the_form(client, agreement, pilot35, buyer, finance):
    from django.core.files.uploadedfile import SimpleUploadedFile

    order = make_order(pilot35, buyer, finance, state=OrderState.IN_PROGRESS)
    client.force_login(pilot35)
    response = client.post(
        reverse("orders:order_transition", args=[order.pk, "deliver"]),
        {
            "expected_state": "in_progress",
            "deliverable": SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf"),
        },
        follow=True,
    )
    assert "pas un PDF valide" in response.content.decode()
    assert PurchaseOrder.objects.get(pk=order.pk).state == "in_progress"
