import datetime

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


def test_the_full_path_through_the_views(
    client, agreement, pilot35, buyer, finance, django_capture_on_commit_callbacks
):
    request = make_request(pilot35, state="accepted", buyer=buyer)
    client.force_login(buyer)
    client.post(reverse("orders:order_create", args=[request.pk]))
    order = request.purchase_orders.get()
    add_lead(order)
    today = datetime.date.today()
    client.post(
        reverse("orders:order_edit", args=[order.pk]),
        {
            f"qty_{order.lines.get().price_line_id}": "1",
            "session_start": today.isoformat(),
            "session_end": today.isoformat(),
            "session_place": "Mairie",
            "delivery_deadline": (today + datetime.timedelta(days=30)).isoformat(),
            "budget_programme": "135",
            "ej_number": "2100000042",
        },
    )
    for target in ORDER_PATH:
        action = STEP_FOR_STATE[target]
        current = PurchaseOrder.objects.get(pk=order.pk)
        if action == "invoice":
            client.force_login(finance)
            client.post(
                reverse("orders:invoice_record", args=[order.pk]),
                {
                    "kind": "balance",
                    "holder_number": "FA-1",
                    "received_on": today.isoformat(),
                    "amount_excl_tax": str(current.total_excl_tax),
                    "vat": str(current.total_vat),
                },
            )
            invoice = current.invoices.get()
            url = reverse("orders:invoice_transition", args=[invoice.pk, "accept"])
            client.post(url, {"expected_state": "received"})
        elif action == "pay":
            invoice = current.invoices.get()
            url = reverse("orders:invoice_transition", args=[invoice.pk, "pay"])
            client.post(url, {"expected_state": "accepted", "on": today.isoformat()})
        else:
            client.force_login(buyer)
            # "confirmed": what the confirmation page of issue and notify posts.
            data = {"expected_state": current.state, "comment": "ok", "confirmed": "1"}
            data.update(step_data(action, current))
            # After the commit the e-mails leave (the task); "notify" completes only then.
            with django_capture_on_commit_callbacks(execute=True):
                client.post(reverse("orders:order_transition", args=[order.pk, action]), data)
        assert PurchaseOrder.objects.get(pk=order.pk).state == target, action
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert "Clôturé" in page and "Historique" in page and "FA-1" in page


def test_starting_refuses_a_session_that_ends_before_it_begins_or_is_moved_to_the_past(
    agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ACCEPTED)
    with pytest.raises(services.ActionRefused, match="précède"):
        services.order_start(
            order=order,
            by=buyer,
            session_place="Mairie",
            session_start=datetime.date(2027, 1, 3),
            session_end=datetime.date(2027, 1, 2),
            delivery_deadline=datetime.date(2027, 3, 1),
        )
    with pytest.raises(services.ActionRefused, match="déjà passée"):
        services.order_start(
            order=order, by=buyer, session_start=datetime.date.today() - datetime.timedelta(1)
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
