"""Hostile text in every user-editable field never reaches a page, a message, a PDF or a
spreadsheet as live markup. Each payload is planted where users type it (forms, the admin,
the XLSX import), then the paths that quote it are driven."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook
from pypdf import PdfReader

from notifications import outbox
from orders import services
from orders.models import PurchaseOrder, TeamRequest
from teams import exports
from teams import services as team_services
from teams.models import Booking, Expert, Team, TeamMember
from tests.exports.sheets import workbook_of
from tests.factories import make_agreement, make_order

SCRIPT = "<script>alert('x')</script>"
IMG = '<img src=x onerror="alert(1)">'
PAYLOAD = f"{SCRIPT}{IMG}"


def _assert_escaped(html):
    assert SCRIPT not in html and IMG not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html


def _messages_page(response):
    html = response.content.decode()
    _assert_escaped(html)
    return html


@pytest.fixture
def hostile(client, pilot35, buyer, finance):
    """A request and its order with a payload in every field a pilot or a buyer types."""
    make_agreement()
    client.force_login(pilot35)
    client.post(
        reverse("orders:request_create"),
        {
            "title": f"Atelier {PAYLOAD}"[:200],
            "format": "flash",
            "department": pilot35.service.department_id,
            "problem_statement": PAYLOAD,
            "local_partners": PAYLOAD,
            "coll-TOTAL_FORMS": "1",
            "coll-INITIAL_FORMS": "0",
            "coll-MIN_NUM_FORMS": "0",
            "coll-MAX_NUM_FORMS": "1000",
            "coll-0-name": f"Commune {PAYLOAD}",
            "coll-0-kind": "commune",
            "coll-0-siren": "213502362",
        },
    )
    request = TeamRequest.objects.get()
    assert PAYLOAD in request.title and PAYLOAD in request.collectivities.get().name
    services.request_submit(team_request=request, by=pilot35)
    services.request_return_for_changes(team_request=request, by=buyer, comment=PAYLOAD)
    services.request_submit(team_request=request, by=pilot35)
    services.request_accept(team_request=request, by=buyer, comment=PAYLOAD)
    order = make_order(pilot35, buyer, finance, request=request)
    services.order_update_draft(
        order=order,
        by=buyer,
        quantities={order.lines.get().price_line_id: Decimal("1")},
        fields={"session_place": PAYLOAD[:200], "ej_number": "2100000001"},
    )
    return request, PurchaseOrder.objects.get(pk=order.pk)


@pytest.mark.parametrize("role", ["pilot35", "buyer", "finance"])
def test_request_and_order_pages_escape_every_field(client, hostile, role, all_users):
    request, order = hostile
    client.force_login(all_users[role])
    for url in (
        "/",
        reverse("orders:request_list"),
        reverse("orders:request_detail", args=[request.pk]),
        reverse("orders:order_list"),
        reverse("orders:order_detail", args=[order.pk]),
        reverse("teams:team_detail", args=[order.team.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SCRIPT not in response.content.decode() and IMG not in response.content.decode()


def test_a_conflict_message_quoting_a_hostile_title_and_name_is_escaped(
    client, hostile, pilot35, buyer, finance
):
    _, order = hostile
    lead = order.team.members.get().expert
    Expert.objects.filter(pk=lead.pk).update(last_name=PAYLOAD[:80])
    other = Team.objects.create(holder=order.holder, label=PAYLOAD, service=order.team.service)
    TeamMember.objects.create(team=other, expert=lead, role="expert")
    Booking.objects.create(
        team=other, expert=lead, start=datetime.date(2027, 3, 1), end=datetime.date(2027, 3, 9)
    )
    services.order_update_draft(
        order=order,
        by=buyer,
        quantities={order.lines.get().price_line_id: Decimal("1")},
        fields={
            "session_start": datetime.date(2027, 3, 2),
            "session_end": datetime.date(2027, 3, 3),
            "delivery_deadline": datetime.date(2027, 4, 30),
        },
    )
    services.order_issue(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
    services.order_notify(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
    outbox.deliver_about(order)
    client.force_login(buyer)
    response = client.post(
        reverse("orders:order_transition", args=[order.pk, "holder_accept"]),
        {"expected_state": "notified"},
        follow=True,
    )
    html = _messages_page(response)
    assert "déjà sur site" in html and "fr-alert--error" in html


def test_a_member_added_message_quoting_an_imported_expert_name_is_escaped(client, hostile, buyer):
    _, order = hostile
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([c for c, _, _ in exports.IMPORT_COLUMNS])
    sheet.append(
        [
            order.holder.name,
            order.holder.company.siret,
            "Anne",
            PAYLOAD[:80],
            "hostile@x.fr",
            "",
            "urbaniste",
            PAYLOAD,
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert exports.import_experts(buffer.getvalue()).errors == []
    expert = Expert.objects.get(email="hostile@x.fr")
    client.force_login(buyer)
    response = client.post(
        reverse("teams:member_add", args=[order.team.pk]),
        {"expert": expert.pk, "role": "expert", "days_on_site": "1"},
        follow=True,
    )
    html = _messages_page(response)
    assert "a été ajouté" in html
    page = client.get(reverse("teams:expert_detail", args=[expert.pk])).content.decode()
    _assert_escaped(page)


def test_justification_substitution_and_reasons_are_escaped(client, hostile, buyer, finance):
    request, order = hostile
    team_services.team_justify(team=order.team, text=PAYLOAD, by=buyer)
    order = services.order_issue(order=order, by=buyer)
    services.order_cancel(order=order, by=buyer, comment=PAYLOAD)
    client.force_login(buyer)
    for url in (
        reverse("orders:order_detail", args=[order.pk]),
        reverse("orders:request_detail", args=[request.pk]),
    ):
        html = client.get(url).content.decode()
        _assert_escaped(html)


def test_the_admin_escapes_names_typed_in_it(client, hostile, admin_user):
    admin_user.is_superuser = True
    admin_user.save()
    _, order = hostile
    Expert.objects.filter(pk=order.team.members.get().expert_id).update(first_name=PAYLOAD[:80])
    client.force_login(admin_user)
    html = client.get(reverse("admin:teams_expert_changelist")).content.decode()
    assert SCRIPT not in html and IMG not in html


def test_the_pdf_prints_the_payload_as_text(hostile, buyer):
    _, order = hostile
    order = services.order_issue(order=order, by=buyer)
    pdf = PdfReader(io.BytesIO(bytes(order.documents.get().content)))
    text = " ".join(page.extract_text() for page in pdf.pages)
    # reportlab markup is escaped: the angle brackets come out as characters, not tags.
    assert "<script>alert('x')</script>" in text.replace("\n", "")


def test_spreadsheets_keep_the_payload_as_inert_text(client, hostile, buyer, finance):
    _, order = hostile
    services.order_issue(order=order, by=buyer)
    client.force_login(finance)
    sheet = workbook_of(client.get(reverse("orders:order_list_xlsx"))).active
    cells = [
        c for row in sheet.iter_rows() for c in row if c.value and PAYLOAD[:20] in str(c.value)
    ]
    assert cells and all(c.data_type == "s" for c in cells)
