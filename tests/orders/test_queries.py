"""List pages run a constant number of queries, whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.enums import OrderState
from tests.factories import make_agreement, make_order, make_request


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_request_list_queries_do_not_grow_with_rows(
    client, pilot35, buyer, django_assert_num_queries
):
    make_request(pilot35)
    client.force_login(pilot35)
    url = reverse("orders:request_list")
    few = _count(client, url)
    for _ in range(6):
        make_request(pilot35, state="submitted")
    # session, user, user's service (header), count, rows, collectivities (prefetch),
    # departments (filter select)
    with django_assert_num_queries(7):
        client.get(url)
    assert _count(client, url) == few


def test_order_list_queries_do_not_grow_with_rows(
    client, pilot35, buyer, finance, django_assert_num_queries
):
    make_agreement()
    make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    url = reverse("orders:order_list")
    few = _count(client, url)
    for state in (OrderState.DRAFT, OrderState.NOTIFIED, OrderState.CANCELLED, OrderState.PAID):
        make_order(pilot35, buyer, finance, state=state)
    # session, user, user's service, count, rows (holder, request, department, agreement
    # joined), departments and holders (filter selects)
    with django_assert_num_queries(7):
        client.get(url)
    assert _count(client, url) == few


def test_dashboard_and_agreement_pages_do_not_grow_with_rows(client, pilot35, buyer, finance):
    agreement = make_agreement()
    make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    urls = ["/", reverse("agreements:list"), reverse("agreements:detail", args=[agreement.pk])]
    before = [_count(client, url) for url in urls]
    for state in (OrderState.DRAFT, OrderState.ISSUED, OrderState.DELIVERED):
        make_order(pilot35, buyer, finance, state=state)
    assert [_count(client, url) for url in urls] == before


def test_order_detail_queries_do_not_grow_with_history(client, pilot35, buyer, finance):
    make_agreement()
    early = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    late = make_order(pilot35, buyer, finance, state=OrderState.CLOSED)
    client.force_login(buyer)
    assert _count(client, reverse("orders:order_detail", args=[early.pk])) == _count(
        client, reverse("orders:order_detail", args=[late.pk])
    )
