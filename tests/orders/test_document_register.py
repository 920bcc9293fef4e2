"""The register of every official document: scoped as the downloads are, filterable,
verified by recomputing the SHA-256, and byte-identical when rebuilt from unchanged data."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from orders.enums import OrderState
from orders.models import Document, DocumentKind, PurchaseOrder
from orders.pdf.certificates import service_done_certificate_pdf
from orders.pdf.purchase_orders import purchase_order_pdf
from orders.pdf.team_sheets import team_sheet_pdf
from orders.services.documents import team_rows
from procurement import clock
from procurement.models import AuditEvent
from tests.factories import make_agreement, make_local_agreement, make_order
from tests.local_factories import make_consultation

ISSUED_ON = datetime.datetime(2026, 3, 2, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def documents(db, pilot35, pilot29, buyer, finance):
    make_agreement(start=datetime.date(2025, 9, 1))
    with clock.frozen(ISSUED_ON):
        mine = make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)
        theirs = make_order(pilot29, buyer, finance, state=OrderState.ISSUED)
    return mine, theirs


def _listed(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("orders:document_register"), params)
    assert response.status_code == 200
    return response, {d.pk for d in response.context["page_obj"]}


def test_each_user_sees_exactly_the_documents_they_may_download(
    client, documents, buyer, finance, pilot35, pilot29, admin_user
):
    make_local_agreement(holders=3)
    consultation = make_consultation(pilot35, buyer, "awarded")  # its letters and report
    every = list(Document.objects.select_related("purchase_order", "consultation", "contract"))
    kinds = {d.kind for d in every}
    assert {DocumentKind.PURCHASE_ORDER, DocumentKind.CONSULTATION_LETTER} <= kinds
    assert DocumentKind.EVALUATION_REPORT in kinds and DocumentKind.REJECTION_LETTER in kinds
    for user in (buyer, finance, pilot35, pilot29, admin_user):
        expected = {
            d.pk
            for d in every
            if type(d.owner).objects.visible_to(user).filter(pk=d.owner.pk).exists()
            and d.may_download(user)
        }
        assert {d.pk for d in Document.objects.registered_for(user)} == expected, user
    # Plainly: a pilot reads their own orders' documents and their awarded consultation's
    # report, never another service's order nor the letters to competitors.
    _, seen = _listed(client, pilot35, kind="")
    mine, theirs = documents
    assert set(mine.documents.values_list("pk", flat=True)) <= seen
    assert not seen & set(theirs.documents.values_list("pk", flat=True))
    letters = consultation.documents.exclude(kind=DocumentKind.EVALUATION_REPORT)
    assert letters.exists() and not seen & set(letters.values_list("pk", flat=True))


def test_the_register_shows_each_entry_and_filters_by_kind_holder_agreement_date_reference(
    client, documents, buyer
):
    mine, theirs = documents
    response, seen = _listed(client, buyer, reference=mine.number)
    assert seen == set(mine.documents.values_list("pk", flat=True))
    document = mine.documents.get(kind=DocumentKind.PURCHASE_ORDER)
    html = response.content.decode()
    for text in (document.sha256, f"Bon de commande {mine.number}", "Bon de commande", "Par"):
        assert text in html
    _, seen = _listed(client, buyer, kind=DocumentKind.SERVICE_DONE_CERTIFICATE)
    assert seen == {mine.documents.get(kind=DocumentKind.SERVICE_DONE_CERTIFICATE).pk}
    _, seen = _listed(client, buyer, holder=theirs.holder_id, kind=DocumentKind.PURCHASE_ORDER)
    assert theirs.documents.get(kind=DocumentKind.PURCHASE_ORDER).pk in seen
    _, seen = _listed(client, buyer, agreement=mine.agreement_id)
    assert seen and all(
        Document.objects.get(pk=pk).agreement_id == mine.agreement_id for pk in seen
    )
    _, seen = _listed(client, buyer, produced_to="2000-01-01")
    assert seen == set()
    response, _ = _listed(client, buyer, produced_from="pas une date")
    assert response.status_code == 200  # a clear field error, never a 500


def test_verify_recomputes_the_fingerprint_and_names_a_tampered_document(client, documents, buyer):
    mine, _ = documents
    document = mine.documents.get(kind=DocumentKind.PURCHASE_ORDER)
    client.force_login(buyer)
    url = reverse("orders:document_verify", args=[document.pk])
    page = client.post(url, follow=True).content.decode()
    assert "intègre" in page and document.sha256 in page
    Document.objects.filter(pk=document.pk).update(content=b"%PDF-1.4 forged")
    page = client.post(url, follow=True).content.decode()
    assert "ALTÉRÉ" in page
    event = AuditEvent.objects.filter(event="document_verified").latest("pk")
    assert event.detail["matches"] is False and event.detail["reference"] == mine.number


def test_a_pilot_cannot_verify_or_download_another_services_document(client, documents, pilot29):
    mine, _ = documents
    document = mine.documents.first()
    client.force_login(pilot29)
    assert client.post(reverse("orders:document_verify", args=[document.pk])).status_code == 404
    assert client.get(reverse("orders:document_download", args=[document.pk])).status_code == 404


def test_verify_documents_exits_non_zero_on_a_tampered_document(documents):
    out = io.StringIO()
    call_command("verify_documents", stdout=out)
    assert "tous intègres" in out.getvalue()
    mine, _ = documents
    document = mine.documents.get(kind=DocumentKind.PURCHASE_ORDER)
    Document.objects.filter(pk=document.pk).update(content=bytes(document.content) + b" ")
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_documents", stdout=io.StringIO(), stderr=err)
    assert raised.value.returncode == 1 and "1 document(s) altéré(s)" in str(raised.value)
    assert mine.number in err.getvalue() and document.sha256 in err.getvalue()


def test_rebuilding_a_document_from_unchanged_data_gives_the_same_bytes(documents):
    mine, _ = documents
    order = PurchaseOrder.objects.get(pk=mine.pk)
    stored = {d.kind: bytes(d.content) for d in order.documents.all()}
    with clock.frozen(ISSUED_ON):
        rebuilt = {
            DocumentKind.PURCHASE_ORDER: purchase_order_pdf(order, team_rows(order.team)),
            DocumentKind.TEAM_SHEET: team_sheet_pdf(order, team_rows(order.team)),
            DocumentKind.SERVICE_DONE_CERTIFICATE: service_done_certificate_pdf(order),
        }
    for kind, content in rebuilt.items():
        assert content == stored[kind], kind


def test_the_register_runs_a_constant_number_of_queries(
    client, documents, buyer, finance, pilot35, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(buyer)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("orders:document_register"))
    with clock.frozen(ISSUED_ON):
        for _ in range(3):
            make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("orders:document_register"))
    assert len(more) == len(few) <= 10
