"""Every list and detail page: a bounded number of queries (issue 14: 10 on lists, 15 on
detail pages), the same whatever the number of rows. The dashboards, order list, request
list and expert pages are in test_queries.py, the order and contract pages in every state in
test_detail_budgets.py."""

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.enums import OrderState
from orders.models import Invoice
from tests.factories import make_agreement
from tests.fast_factories import fast_order

LIST_BUDGET, DETAIL_BUDGET = 10, 15


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_lists_and_detail_pages_stay_within_budget_as_rows_grow(
    client, pilot35, buyer, finance, admin_user
):
    make_agreement()
    order = fast_order(pilot35, buyer, finance, state=OrderState.PAID)
    invoice = Invoice.objects.get(purchase_order=order)
    lists = [
        (buyer, reverse("orders:consultation_list")),
        (buyer, reverse("orders:document_register")),
        (buyer, reverse("agreements:list")),
        (finance, reverse("exports:list")),
        (admin_user, reverse("audit_log")),
    ]
    details = [
        (buyer, reverse("orders:request_detail", args=[order.request_id])),
        (finance, reverse("orders:invoice_detail", args=[invoice.pk])),
        (buyer, reverse("agreements:detail", args=[order.agreement_id])),
        (buyer, reverse("agreements:holder", args=[order.holder_id])),
        (buyer, reverse("teams:team_detail", args=[order.team_id])),
    ]

    def counts(pages):
        cache.clear()  # the worst case: lists count their rows afresh (no kept count)
        result = []
        for user, url in pages:
            client.force_login(user)
            result.append(_count(client, url))
        return result

    # Once to warm what a process reads once for its lifetime (the content types a page's
    # history and outbox links name), then measured: what every later request costs.
    counts(lists + details)
    before_lists, before_details = counts(lists), counts(details)
    assert max(before_lists) <= LIST_BUDGET, dict(
        zip([u for _, u in lists], before_lists, strict=True)
    )
    assert max(before_details) <= DETAIL_BUDGET, dict(
        zip([u for _, u in details], before_details, strict=True)
    )
    for state in (OrderState.ISSUED, OrderState.PAID, OrderState.CANCELLED, OrderState.CLOSED):
        fast_order(pilot35, buyer, finance, state=state)
    assert counts(lists) == before_lists
    assert counts(details) == before_details


def test_consultation_page_stays_within_budget(client, pilot35, buyer):
    from tests.contract_factories import make_contract
    from tests.factories import make_local_agreement

    make_local_agreement(holders=3)
    contract = make_contract(pilot35, buyer, "notified")
    client.force_login(buyer)
    url = reverse("orders:consultation_detail", args=[contract.consultation_id])
    assert _count(client, url) <= DETAIL_BUDGET
