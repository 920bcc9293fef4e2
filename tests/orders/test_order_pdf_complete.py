"""The purchase order carries what a holder needs to accept and to invoice (SIRET, Chorus Pro
code, public accountant, signatory, pilot contact, price clause, deadline to answer); ending
an issued order keeps its PDF as sent and adds a separate notice."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from orders import services
from orders.enums import OrderState
from orders.models import DocumentKind
from procurement.models import Service
from tests.factories import make_agreement, make_order


def text_of(document):
    reader = PdfReader(io.BytesIO(bytes(document.content)))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def agreement(db):
    return make_agreement()


def test_the_purchase_order_states_billing_signatory_contact_price_and_deadline(
    agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    dgaln = Service.objects.get(pk=buyer.service_id)
    pilot_service = Service.objects.get(code="DDTM-35")
    text = text_of(order.documents.get(kind=DocumentKind.PURCHASE_ORDER))
    for expected in (
        dgaln.siret,
        dgaln.chorus_service_code,
        dgaln.accountant,
        dgaln.signatory_name,
        dgaln.signatory_function,
        dgaln.signatory_delegation,
        pilot_service.contact_email,
        "Prix fermes",
        "R2112-9",
        "dans un délai de 10 jours à compter de sa notification",
    ):
        assert expected in text, expected


def test_an_incomplete_issuing_service_refuses_the_issue_and_takes_no_number(
    agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance)
    Service.objects.filter(pk=buyer.service_id).update(chorus_service_code="")
    with pytest.raises(services.ActionRefused, match="code service Chorus Pro"):
        services.order_issue(order=order, by=buyer)
    order.refresh_from_db()
    assert order.state == OrderState.DRAFT and order.number == ""


@pytest.mark.parametrize(
    "end, title", [("cancel", "Avis d'annulation"), ("decline", "Constat de refus")]
)
def test_ending_an_issued_order_keeps_its_pdf_and_stores_a_notice(
    client, agreement, pilot35, buyer, finance, end, title
):
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    original = order.documents.get(kind=DocumentKind.PURCHASE_ORDER)
    before = bytes(original.content)
    if end == "cancel":
        services.order_cancel(order=order, by=buyer, comment="Atelier reporté sine die")
    else:
        services.order_decline(order=order, by=buyer, comment="Équipe indisponible")
    original.refresh_from_db()
    assert bytes(original.content) == before  # the order as sent, unchanged
    notice = order.documents.get(kind=DocumentKind.CANCELLATION_NOTICE)
    text = text_of(notice)
    assert title in text and order.number in text
    assert ("Atelier reporté sine die" if end == "cancel" else "Équipe indisponible") in text
    assert original.sha256[:40] in text.replace(" ", "")
    assert "libéré du montant maximum" in text
    client.force_login(pilot35)
    html = client.get(order.get_absolute_url()).content.decode()
    assert reverse("orders:document_download", args=[notice.pk]) in html
    assert "Avis d&#x27;annulation ou constat de refus" in html


def test_cancelling_a_draft_stores_no_notice(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    services.order_cancel(order=order, by=buyer, comment="Doublon")
    assert not order.documents.exists()
