"""The long lists' rows, built in Python (orders/templatetags/list_rows.py): the cells the
templates had, escaped, in the same formats, links and badges."""

import datetime
import re

import pytest
from django.template import Context, Template
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from orders.enums import OrderState
from orders.models import Collectivity, Document
from orders.templatetags.list_rows import day, day_time
from procurement.money import format_euros
from tests.factories import make_agreement, make_request
from tests.fast_factories import fast_order

HOSTILE = "Cœur & <script>alert(1)</script> « bourg »"


def _rows(html):
    return re.findall(r"<tr>.*?</tr>", html.split("<tbody>")[1].split("</tbody>")[0], re.S)


@pytest.mark.parametrize(
    "value",
    [
        datetime.date(2026, 3, 4),
        # 23:30 UTC on 30 June is 1 July in Paris: the day is the reader's, as |date gives it.
        datetime.datetime(2026, 6, 30, 23, 30, tzinfo=datetime.UTC),
        datetime.datetime(2026, 12, 31, 22, 59, tzinfo=datetime.UTC),
        None,
    ],
)
def test_the_dates_are_djangos_date_filter(settings, value):
    rendered = Template('{{ v|date:"d/m/Y" }}|{{ v|date:"d/m/Y"|default:"—" }}')
    assert rendered.render(Context({"v": value})) == f"{day(value)}|{day(value, dash=True)}"
    if isinstance(value, datetime.datetime):
        with_time = Template('{{ v|date:"d/m/Y H:i" }}').render(Context({"v": value}))
        assert with_time == day_time(value)


def test_an_order_row_shows_its_cells_escaped(client, pilot35, buyer, finance):
    make_agreement()
    request = make_request(pilot35, state="accepted", buyer=buyer, title=HOSTILE)
    order = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED, request=request)
    draft = fast_order(pilot35, buyer, finance)
    client.force_login(buyer)
    rows = _rows(client.get(reverse("orders:order_list")).content.decode())
    assert len(rows) == 2
    row = next(r for r in rows if order.number in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == f'<a href="{order.get_absolute_url()}">{order.number}</a>'
    assert (
        cells[1] == escape(HOSTILE) == "Cœur &amp; &lt;script&gt;alert(1)&lt;/script&gt; « bourg »"
    )
    assert cells[2] == order.request.department.name
    assert cells[3] == order.holder.name.replace("&", "&amp;")
    assert cells[4] == (order.session_start.strftime("%d/%m/%Y") if order.session_start else "—")
    assert (cells[5], cells[6]) == (
        format_euros(order.total_excl_tax),
        format_euros(order.total_incl_tax),
    )
    assert "fr-badge--new" in cells[7] and "Émis" in cells[7]
    assert cells[8] == timezone.localtime(order.created_at).strftime("%d/%m/%Y")
    draft_row = next(r for r in rows if r is not row)
    assert f'href="{draft.get_absolute_url()}">Projet — ' in draft_row  # no number yet


def test_a_request_row_lists_its_collectivities_and_a_dash_before_it_is_filed(
    client, pilot35, buyer
):
    request = make_request(pilot35, title=HOSTILE)
    Collectivity.objects.create(request=request, name="Saint-Malo & co", kind="commune")
    client.force_login(pilot35)
    (row,) = _rows(client.get(reverse("orders:request_list")).content.decode())
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[0] == f'<a href="{request.get_absolute_url()}">{escape(HOSTILE)}</a>'
    assert cells[1] == "Atelier Flash"
    assert cells[2] == f"{request.department.name} ({request.department.code})"
    assert cells[3] == "Commune test, Saint-Malo &amp; co"
    assert cells[4] == request.service.short_name
    assert cells[6] == "—"  # not filed yet
    assert "Brouillon" in cells[7]


def test_the_empty_lists_say_so(client, pilot35, buyer):
    client.force_login(buyer)
    for name, text in (
        ("orders:order_list", "Aucun bon de commande ne correspond."),
        ("orders:request_list", "Aucune demande ne correspond."),
        ("orders:document_register", "Aucun document."),
    ):
        assert text in client.get(reverse(name)).content.decode()


def test_a_document_row_downloads_and_verifies_with_the_pages_csrf_token(
    client, pilot35, buyer, finance
):
    make_agreement()
    order = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    document = Document.objects.get(purchase_order=order)
    Document.objects.filter(pk=document.pk).update(
        filename="bon <1>.pdf", holder=None, created_by=None
    )
    client.force_login(buyer)
    response = client.get(reverse("orders:document_register"))
    (row,) = _rows(response.content.decode())
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert cells[1] == order.number and cells[2] == "1"
    assert cells[3] == f'<a href="{order.get_absolute_url()}">Bon de commande {order.number}</a>'
    assert cells[5] == "—" and cells[7] == "Système"  # no holder, produced by the system
    assert cells[8] == filesizeformat(document.size)
    assert reverse("orders:document_download", args=[document.pk]) in cells[10]
    assert 'title="Télécharger bon &lt;1&gt;.pdf"' in cells[10]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cells[10]).group(1)
    assert token and f'action="{reverse("orders:document_verify", args=[document.pk])}"' in row
    verified = client.post(reverse("orders:document_verify", args=[document.pk]))
    assert verified.status_code in (200, 302)


def test_a_badge_names_each_state_as_its_model_does():
    """state_badge reads the labels from a mapping kept per model: the same as
    get_state_display() for every state of every model that has one."""
    from django.apps import apps
    from django.core.exceptions import FieldDoesNotExist

    from procurement.templatetags.procurement_tags import state_badge, state_labels

    checked = 0
    for model in apps.get_models():
        try:
            field = model._meta.get_field("state")
        except FieldDoesNotExist:
            continue
        for value, _label in field.flatchoices:
            instance = model(state=value)
            assert state_labels(model)[value] == instance.get_state_display()
            assert f">{escape(instance.get_state_display())}</p>" in state_badge(instance)
            checked += 1
    assert checked > 40  # orders, requests, consultations, contracts, phases, invoices…


def test_a_consultation_row_links_its_contract_once_awarded(client, pilot35, buyer):
    from orders.models import Consultation, SubsequentContract
    from tests.factories import make_local_agreement
    from tests.local_factories import make_consultation

    make_local_agreement()
    start = datetime.date(2027, 3, 1)
    awarded = make_consultation(pilot35, buyer, "awarded", start=start)
    draft = make_consultation(pilot35, buyer, start=start)
    Consultation.objects.filter(pk=draft.pk).update(subject=HOSTILE, deadline=None)
    contract = SubsequentContract.objects.get(consultation=awarded)
    client.force_login(buyer)
    rows = _rows(client.get(reverse("orders:consultation_list")).content.decode())
    assert len(rows) == 2
    # Newest first: the draft, then the awarded one.
    draft_cells, awarded_cells = (re.findall(r"<td[^>]*>(.*?)</td>", row) for row in rows)
    assert draft_cells[0] == f'<a href="{draft.get_absolute_url()}">{draft.reference}</a>'
    assert draft_cells[1] == escape(HOSTILE)
    assert draft_cells[2] == awarded.request.department.name
    assert (draft_cells[3], draft_cells[4]) == ("—", "—")  # no deadline, no contract yet
    assert awarded_cells[3] == timezone.localtime(awarded.deadline).strftime("%d/%m/%Y %H:%M")
    assert awarded_cells[4] == f'<a href="{contract.get_absolute_url()}">{contract.number}</a>'
    awarded.refresh_from_db()
    assert awarded_cells[5].endswith(f">{awarded.get_state_display()}</p>")
