"""The deferred-join paginator gives Django's pages, row for row, at a constant query count."""

import re

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.enums import OrderState
from orders.filters import orders_for
from procurement.pagination import DeferredJoinPaginator
from tests.factories import make_agreement
from tests.fast_factories import fast_order


@pytest.mark.parametrize("sort", ["", "-created", "number", "-amount", "session"])
def test_pages_are_djangos_pages(db, pilot35, buyer, finance, sort):
    make_agreement()
    for index in range(7):
        fast_order(pilot35, buyer, finance, state=OrderState.ISSUED if index % 2 else "draft")
    _, rows = orders_for(buyer, {"sort": sort} if sort else {})
    plain, deferred = Paginator(rows, 3, orphans=1), DeferredJoinPaginator(rows, 3, orphans=1)
    assert deferred.num_pages == plain.num_pages == 2
    for number in plain.page_range:
        expected = [row.pk for row in plain.page(number)]
        with CaptureQueriesContext(connection) as ctx:
            page = deferred.page(number)
            shown = [(row.pk, row.holder.name, row.request.department.code) for row in page]
        assert [pk for pk, *_ in shown] == expected
        assert len(ctx.captured_queries) == 2  # the page's ids, then its rows joined
    assert page.has_previous() and not page.has_next()


def test_a_pages_rows_are_read_back_from_the_rows_queryset(db, pilot35, pilot29, buyer, finance):
    """The list (scope, filters, sort) gives the page's keys; the rows are read back by key
    from `rows`, with its columns only, in the list's order, and nothing outside the scope."""
    from orders.views.purchase_orders import LIST_ROWS

    make_agreement()
    for index in range(5):
        fast_order(pilot35, buyer, finance, state=OrderState.ISSUED if index % 2 else "draft")
    outside = fast_order(pilot29, buyer, finance, state=OrderState.ISSUED)
    _, rows = orders_for(pilot35, {"sort": "-amount"})
    page = DeferredJoinPaginator(rows, 3, rows=LIST_ROWS).page(1)
    assert [row.pk for row in page] == [row.pk for row in Paginator(rows, 3).page(1)]
    assert outside.pk not in [row.pk for row in DeferredJoinPaginator(rows, 10).page(1)]
    with CaptureQueriesContext(connection) as ctx:
        shown = [(row.number, row.holder.name, row.request.department.name) for row in page]
    assert len(shown) == 3 and not ctx.captured_queries  # what the row shows, joined
    assert "allocation_reason" in page[0].get_deferred_fields()  # what it does not, left out


def _counts_rows(client, url):
    """(the page's caption count, whether the view ran a COUNT)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    counted = any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)
    return response.context["page_obj"].paginator.count, counted


def test_a_list_count_is_kept_until_what_it_counts_changes(client, pilot35, buyer, finance):
    """Unchanged, the list does not count its rows again; a new order, or a change that moves
    one in or out of a filter, shows on the next view."""
    from orders.models import PurchaseOrder

    make_agreement()
    first = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    issued = reverse("orders:order_list") + "?state=issued"
    assert _counts_rows(client, issued) == (2, True)
    assert _counts_rows(client, issued) == (2, False)  # kept
    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    assert _counts_rows(client, issued) == (3, True)
    order = PurchaseOrder.objects.get(pk=first.pk)
    PurchaseOrder.objects.filter(pk=order.pk).update(state=OrderState.CANCELLED)
    order.refresh_from_db()
    order.save()  # a change writes its history row, which moves the marker
    assert _counts_rows(client, issued) == (2, True)
    assert _counts_rows(client, issued) == (2, False)


def test_a_searched_list_is_counted_each_time_and_the_register_is_kept(
    client, pilot35, buyer, finance
):
    make_agreement()
    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    searched = reverse("orders:order_list") + "?q=Atelier"
    assert _counts_rows(client, searched)[1] and _counts_rows(client, searched)[1]
    register = reverse("orders:document_register")
    assert _counts_rows(client, register) == (1, True)
    assert _counts_rows(client, register) == (1, False)
    client.force_login(pilot35)
    assert _counts_rows(client, register) == (1, True)
    assert _counts_rows(client, register) == (1, False)  # kept, under the pilot's scope


def test_a_pilots_register_is_counted_again_when_a_consultation_is_decided(client, pilot35, buyer):
    """The evaluation report enters a pilot's register when the consultation is awarded: a
    change of state, not a new document, which the consultations' marker follows."""
    from orders.models import Consultation, Document, DocumentKind
    from tests.factories import make_local_agreement
    from tests.local_factories import make_consultation

    make_local_agreement(holders=3)
    consultation = make_consultation(pilot35, buyer, "awarded")
    report = Document.objects.get(consultation=consultation, kind=DocumentKind.EVALUATION_REPORT)
    client.force_login(pilot35)
    register = reverse("orders:document_register")
    count, _ = _counts_rows(client, register)
    assert report.pk in {row.pk for row in client.get(register).context["page_obj"]}
    Consultation.objects.filter(pk=consultation.pk).update(state="evaluating")
    consultation.refresh_from_db()
    consultation.save()  # a change writes its history row, which moves the marker
    assert _counts_rows(client, register) == (count - 1, True)
    assert _counts_rows(client, register) == (count - 1, False)


def test_requests_are_counted_again_after_a_request_changes(client, pilot35, buyer):
    from tests.factories import make_request

    make_request(pilot35, state="submitted")
    client.force_login(buyer)
    url = reverse("orders:request_list")
    count, _ = _counts_rows(client, url)
    assert _counts_rows(client, url) == (count, False)
    make_request(pilot35, state="submitted")
    assert _counts_rows(client, url) == (count + 1, True)


def _holder_select(client, url):
    """(the holder select's options, whether the view read the holders or the departments)."""
    import re

    from framework_agreements.models import Holder
    from procurement.models import Department

    tables = [f'FROM "{model._meta.db_table}"' for model in (Holder, Department)]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    select = re.search(r'<select name="holder".*?</select>', html, re.S).group(0)
    options = re.findall(r'<option value="(\d*)"( selected)?>', select)
    read = any(table in q["sql"] for q in ctx.captured_queries for table in tables)
    return options, read


def test_the_filter_fields_are_kept_with_the_count(client, pilot35, buyer, finance):
    """The filter fields' HTML is kept under the count's key: an unchanged list does not read
    its selects again, a filter as sent shows as chosen, and a change to the rows (a pilot's
    order moved to another holder) shows in the holder select on the next view."""
    from framework_agreements.models import Holder
    from orders.models import PurchaseOrder

    make_agreement()
    order = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    other = Holder.objects.exclude(pk=order.holder_id).first()
    client.force_login(pilot35)
    url = reverse("orders:order_list")
    chosen = f"{url}?holder={order.holder_id}"
    everything = [("", " selected"), (str(order.holder_id), "")]
    assert _holder_select(client, url) == (everything, True)
    assert _holder_select(client, url) == (everything, False)  # kept
    assert _holder_select(client, chosen) == ([("", ""), (str(order.holder_id), " selected")], True)
    order = PurchaseOrder.objects.get(pk=order.pk)
    order.holder = other
    order.save()  # its history row moves the marker
    assert _holder_select(client, url) == ([("", " selected"), (str(other.pk), "")], True)
    assert _holder_select(client, url)[1] is False


def _rows_read(client, url):
    """(the page's HTML, whether the view read the page's keys or rows)."""
    from orders.models import PurchaseOrder

    table = f'FROM "{PurchaseOrder._meta.db_table}"'
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    read = any(table in q["sql"] and "COUNT(" not in q["sql"] for q in ctx.captured_queries)
    tbody = re.search(r"<tbody>.*</tbody>", response.content.decode(), re.S).group(0)
    return tbody, read


def test_a_pages_rows_are_kept_until_what_they_show_changes(client, pilot35, buyer, finance):
    """Unchanged, a page's rows are neither read nor rendered again; each sort and each page
    has its own; a change they show is on the next view; a searched list reads them each
    time."""
    from orders.models import PurchaseOrder

    make_agreement()
    orders = [fast_order(pilot35, buyer, finance, state=OrderState.ISSUED) for _ in range(3)]
    client.force_login(buyer)
    url = reverse("orders:order_list")
    html, read = _rows_read(client, url)
    assert read and all(order.display_number in html for order in orders)
    again, read = _rows_read(client, url)
    assert not read and again == html
    by_amount, read = _rows_read(client, url + "?sort=amount")
    assert read and by_amount != html  # another order, its own rows
    order = PurchaseOrder.objects.get(pk=orders[0].pk)
    PurchaseOrder.objects.filter(pk=order.pk).update(state=OrderState.CANCELLED)
    order.refresh_from_db()
    order.save()  # a change writes its history row, which moves the marker
    changed, read = _rows_read(client, url)
    assert read and changed != html and "Annulé" in changed
    searched = url + "?q=" + orders[1].number
    assert _rows_read(client, searched)[1] and _rows_read(client, searched)[1]


def test_the_registers_kept_rows_carry_each_sessions_own_token(buyer, pilot35, finance):
    """The rendered rows are kept per reader, not per session: the verify forms' CSRF token is
    filled in on each view, so a second session's « Vérifier » posts with its own."""
    from django.test import Client

    make_agreement()
    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    from orders.models import Document
    from tests.factories import make_order

    make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    document = Document.objects.latest("pk")
    url = reverse("orders:document_register")
    tokens = []
    for _ in range(2):
        session = Client(enforce_csrf_checks=True)
        session.force_login(buyer)
        html = session.get(url).content.decode()
        verify = reverse("orders:document_verify", args=[document.pk])
        form = re.search(rf'<form method="post" action="{verify}">.*?</form>', html, re.S)
        form = form.group(0)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        response = session.post(verify, {"csrfmiddlewaretoken": token})
        assert response.status_code == 302, response.status_code  # not 403
        tokens.append(token)
    assert tokens[0] != tokens[1]
