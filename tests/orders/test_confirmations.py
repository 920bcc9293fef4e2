"""Confirmation before the irreversible steps: issuing (a number taken, the ceiling committed)
and notifying (the e-mail sent). The page says what will happen and links to a preview that
takes no number; the POST is refused without the confirmation."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from framework_agreements.models import NumberSequence
from notifications.models import OutgoingMessage
from orders.enums import OrderState
from orders.models import Document, PurchaseOrder
from procurement import clock
from procurement.models import Service
from tests.factories import UserFactory, make_agreement, make_order


def text_of(content):
    reader = PdfReader(io.BytesIO(content))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    return " ".join(text.split())


def confirm_url(order, action="issue"):
    return reverse("orders:order_confirm", args=[order.pk, action])


@pytest.fixture
def agreement(db):
    return make_agreement()


@pytest.fixture
def draft(agreement, pilot35, buyer, finance):
    return make_order(pilot35, buyer, finance, state=OrderState.DRAFT)


def test_the_order_page_links_issuing_to_its_confirmation_page(client, draft, buyer):
    client.force_login(buyer)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert f'href="{confirm_url(draft)}"' in html
    issue_url = reverse("orders:order_transition", args=[draft.pk, "issue"])
    assert f'action="{issue_url}"' not in html


def test_the_issue_confirmation_says_what_will_happen_and_takes_no_number(
    client, agreement, draft, buyer
):
    client.force_login(buyer)
    html = client.get(confirm_url(draft)).content.decode().replace("\xa0", " ")
    year = clock.today().year
    assert f"FLASH-{year}-0001" in html  # the number it would take
    assert "18 100,00 € HT" in html  # the amount committed
    assert "981 900,00 € HT" in html  # 1 000 000 maximum − 18 100: what remains after it
    preview = reverse("orders:order_preview", args=[draft.pk])
    assert f'href="{preview}" target="_blank" rel="noopener"' in html
    assert 'name="confirmed" value="1"' in html
    assert PurchaseOrder.objects.get(pk=draft.pk).number == ""
    assert not NumberSequence.objects.filter(last__gt=0).exists()


def test_the_preview_is_a_draft_marked_without_value_and_is_never_stored(client, draft, buyer):
    client.force_login(buyer)
    response = client.get(reverse("orders:order_preview", args=[draft.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    text = text_of(response.content)
    assert "PROJET — sans valeur" in text and "numéro attribué à l'émission" in text
    assert not Document.objects.exists()
    assert not NumberSequence.objects.filter(last__gt=0).exists()


def test_an_issue_post_without_the_confirmation_goes_to_the_confirmation_page(client, draft, buyer):
    client.force_login(buyer)
    url = reverse("orders:order_transition", args=[draft.pk, "issue"])
    response = client.post(url, {"expected_state": "draft"})
    assert response.status_code == 302 and response["Location"] == confirm_url(draft)
    assert PurchaseOrder.objects.get(pk=draft.pk).state == OrderState.DRAFT
    response = client.post(url, {"expected_state": "draft", "confirmed": "1"})
    assert PurchaseOrder.objects.get(pk=draft.pk).state == OrderState.ISSUED


def test_the_confirmation_lists_what_blocks_the_issue_and_disables_the_button(client, draft, buyer):
    Service.objects.filter(pk=buyer.service_id).update(signatory_delegation="")
    client.force_login(buyer)
    html = client.get(confirm_url(draft)).content.decode()
    assert "Émission impossible en l'état" in html
    assert "la délégation de signature" in html
    assert "disabled" in html
    url = reverse("orders:order_transition", args=[draft.pk, "issue"])
    response = client.post(url, {"expected_state": "draft", "confirmed": "1"}, follow=True)
    assert "fiche du service" in response.content.decode()
    assert PurchaseOrder.objects.get(pk=draft.pk).number == ""


def test_the_confirmation_warns_when_the_ceiling_would_be_exceeded(db, pilot35, buyer, finance):
    make_agreement(maximum=Decimal("10000.00"))
    order = make_order(pilot35, buyer, finance)
    from django.test import Client

    client = Client()
    client.force_login(buyer)
    html = client.get(confirm_url(order)).content.decode()
    assert "dépassement : l'émission sera refusée" in html


@pytest.mark.parametrize(
    "who, status", [("buyer", 200), ("pilot35", 200), ("pilot29", 404), ("finance", 403)]
)
def test_who_may_open_the_confirmation_and_the_preview(client, draft, all_users, who, status):
    client.force_login(all_users[who])
    assert client.get(confirm_url(draft)).status_code == status
    assert client.get(reverse("orders:order_preview", args=[draft.pk])).status_code == status


def test_an_issued_order_has_no_preview_and_no_issue_confirmation(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    assert client.get(reverse("orders:order_preview", args=[order.pk])).status_code == 404
    assert client.get(confirm_url(order, "issue")).status_code == 403
    assert client.get(confirm_url(order, "cancel")).status_code == 404


def test_the_notify_confirmation_names_recipients_and_attachment(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    html = client.get(confirm_url(order, "notify")).content.decode()
    document = order.documents.get()
    assert order.holder.contact_email in html and pilot35.email in html
    assert document.filename in html
    assert "Celle du départ du courriel" in html
    assert "10 jours" in html
    url = reverse("orders:order_transition", args=[order.pk, "notify"])
    client.post(url, {"expected_state": "issued"})
    assert not OutgoingMessage.objects.filter(kind="order_notification").exists()
    response = client.post(url, {"expected_state": "issued", "confirmed": "1"}, follow=True)
    assert "mis en file" in response.content.decode()


def test_a_designated_buyer_pilot_previews_with_their_own_service(client, draft, pilot35):
    client.force_login(UserFactory(username="p35bis"))
    text = text_of(client.get(reverse("orders:order_preview", args=[draft.pk])).content)
    assert Service.objects.get(code="DDTM-35").signatory_name in text


def test_a_subsequent_contracts_notification_is_confirmed_first(
    client, db, pilot35, buyer, django_capture_on_commit_callbacks
):
    from orders.models import SubsequentContract
    from tests.contract_factories import make_contract
    from tests.factories import make_local_agreement

    make_local_agreement()
    contract = make_contract(pilot35, buyer, "awarded")
    confirm = reverse("orders:contract_confirm", args=[contract.pk, "notify"])
    client.force_login(pilot35)
    assert client.get(confirm).status_code == 403
    client.force_login(buyer)
    html = client.get(confirm).content.decode()
    assert contract.holder.contact_email in html and pilot35.email in html
    url = reverse("orders:contract_transition", args=[contract.pk, "notify"])
    response = client.post(url, {"expected_state": "awarded"})
    assert response["Location"] == confirm
    assert not OutgoingMessage.objects.filter(kind="contract_notification").exists()
    with django_capture_on_commit_callbacks(execute=True):  # the letter leaves
        client.post(url, {"expected_state": "awarded", "confirmed": "1"})
    assert OutgoingMessage.objects.filter(kind="contract_notification").count() == 1
    assert SubsequentContract.objects.get(pk=contract.pk).state == "notified"
