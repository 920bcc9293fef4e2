import hashlib
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from orders import services
from orders.enums import OrderState
from tests.factories import (
    make_agreement,
    make_order,
)


@pytest.fixture
def agreement(db):
    return make_agreement()


# --- PDF -----------------------------------------------------------------------------------------


def test_the_pdf_is_stored_at_issue_and_downloads_return_the_same_bytes(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    document = order.documents.get()
    assert document.sha256 == hashlib.sha256(bytes(document.content)).hexdigest()
    client.force_login(pilot35)
    url = reverse("orders:order_pdf", args=[order.pk])
    first, second = client.get(url), client.get(url)
    assert first.content == second.content == bytes(document.content)
    assert first["Content-Type"] == "application/pdf"


def test_the_pdf_states_number_siret_amounts_and_imputation(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    order = services.order_update_draft(
        order=order,
        by=buyer,
        quantities={order.lines.get().price_line_id: Decimal("1")},
        fields={
            "ej_number": "2100012345",
            "budget_centre": "0135-CDGA-C001",
            "session_place": "Mairie de Redon",
        },
    )
    order = services.order_issue(order=order, by=buyer)
    reader = PdfReader(io.BytesIO(bytes(order.documents.get().content)))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    for expected in (
        order.number,
        order.holder.company.siret,
        "18 100,00 €",
        "3 620,00 €",
        "21 720,00 €",
        "2100012345",
        "0135-CDGA-C001",
        "Mairie de Redon",
        agreement.reference,
        "RÉPUBLIQUE",
        "R2162-13",
    ):
        assert expected in text, expected
    fonts = [ref.get_object() for ref in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:  # every font is a TrueType file embedded in the document
        assert "Vera" in str(font["/BaseFont"])
        assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_notification_emails_the_pdf_to_the_holder(
    agreement, pilot35, buyer, finance, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    (message,) = [m for m in mail.outbox if m.to == [order.holder.contact_email]]
    assert message.cc == [pilot35.email]
    assert order.number in message.subject
    name, content, mimetype = message.attachments[0]
    assert mimetype == "application/pdf" and content == bytes(order.documents.get().content)
    assert order.notified_at is not None


def test_an_order_keeps_several_documents_of_one_kind_as_versions(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    first = order.documents.get()
    second = services.documents.store(
        kind="purchase_order",
        content=b"%PDF-1.4 second version\n%%EOF\n",
        filename=f"bon-de-commande-{order.number}-v2.pdf",
        reference=order.number,
        agreement=order.agreement,
        holder=order.holder,
        by=buyer,
        purchase_order=order,
    )
    assert [d.version for d in order.documents.filter(kind="purchase_order")] == [1, 2]
    assert second.sha256 == hashlib.sha256(b"%PDF-1.4 second version\n%%EOF\n").hexdigest()
    assert second.created_by == buyer and second.size == len(bytes(second.content))
    client.force_login(pilot35)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert "(version 2)" in page
    for document in (first, second):
        response = client.get(reverse("orders:document_download", args=[document.pk]))
        assert response.content == bytes(document.content)
    # The order's own PDF link serves the latest version.
    assert client.get(reverse("orders:order_pdf", args=[order.pk])).content == bytes(second.content)


def test_a_document_is_downloadable_only_by_who_may_read_its_order(
    client, agreement, pilot35, pilot29, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    url = reverse("orders:document_download", args=[order.documents.get().pk])
    client.force_login(pilot29)
    assert client.get(url).status_code == 404
    client.force_login(finance)
    assert client.get(url).status_code == 200


def test_certifying_stores_a_certificate_of_service_fait(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.DELIVERED)
    order = services.order_certify(order=order, by=pilot35)
    document = order.documents.get(kind="service_done")
    assert document.sha256 == hashlib.sha256(bytes(document.content)).hexdigest()
    assert document.created_by == pilot35
    reader = PdfReader(io.BytesIO(bytes(document.content)))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    for expected in (
        "Attestation de service fait",
        order.number,
        str(pilot35),  # who certified
        order.service_done_at.strftime("%d/%m/%Y"),  # on what date
        "Synthèse de l'atelier",  # which deliverable
        order.deliverable_sha256[:20],
        "21 720,00 €",  # the amount now payable
        "R2191-23",
    ):
        assert expected in text, expected


def test_the_issue_builds_its_pdf_without_a_query_under_the_locks(
    pilot35, buyer, finance, monkeypatch
):
    """Everything the purchase order prints is read before the number and the ceiling are
    locked, so those locks are held for the PDF's build alone (no query inside it)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from framework_agreements import numbering
    from orders.pdf import purchase_orders as pdf_module
    from orders.services import documents
    from tests.factories import make_agreement, make_order

    make_agreement()
    order = make_order(pilot35, buyer, finance)
    real, seen = pdf_module.purchase_order_pdf, []

    def counted(*args, **kwargs):
        with CaptureQueriesContext(connection) as queries:
            content = real(*args, **kwargs)
        seen.append(len(queries))
        return content

    monkeypatch.setattr(pdf_module, "purchase_order_pdf", counted)
    calls = []
    for module, name in ((documents, "purchase_order_material"), (numbering, "next_number")):
        original = getattr(module, name)
        monkeypatch.setattr(
            module,
            name,
            lambda *a, _f=original, _n=name, **k: calls.append(_n) or _f(*a, **k),
        )
    issued = services.order_issue(order=order, by=buyer)
    assert calls == ["purchase_order_material", "next_number"] and seen == [0]
    assert issued.documents.get(kind="purchase_order").content[:4] == b"%PDF"


def test_a_documents_bytes_are_stored_as_they_are_on_postgresql(db):
    """A PDF is compressed already: PostgreSQL must not try again inside the issuing lock
    (STORAGE EXTERNAL: out of line, no TOAST compression). Other databases have no such
    setting."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("column storage is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute"
            " WHERE attrelid = 'orders_document'::regclass AND attname = 'content'"
        )
        assert cursor.fetchone() == ("e",)
