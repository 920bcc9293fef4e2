"""The deferred-join paginator gives Django's pages, row for row, at a constant query count."""

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

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
