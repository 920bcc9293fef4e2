"""On PostgreSQL, parameters are bound by the server and a statement that a connection runs
again is prepared: after a few views, PostgreSQL runs a page's queries on a plan it keeps
instead of planning them anew (settings.postgresql_options). Planning the main query of an
order's page (13 tables) took 8 ms on the benchmark's database, running it 1 ms."""

import pytest
from django.db import connection

from orders.enums import OrderState
from procurement.settings import database_from_url
from tests.factories import make_agreement
from tests.fast_factories import fast_order

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="prepared statements: PostgreSQL"
)

MAIN_QUERY = 'FROM "orders_purchaseorder" INNER JOIN "framework_agreements_frameworkagreement"'


def _plans(fragment):
    """(statements, generic plans, custom plans) of this connection's prepared statements
    containing `fragment`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(generic_plans), 0), coalesce(sum(custom_plans), 0) "
            "FROM pg_prepared_statements WHERE strpos(statement, %s) > 0",
            [fragment],
        )
        return cursor.fetchone()


def test_postgresql_connections_bind_on_the_server_and_prepare(monkeypatch):
    url = "postgres://app@db.local/ateliers"
    assert database_from_url(url)["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": 1,
    }
    assert database_from_url(url, debug=False)["CONN_MAX_AGE"] == 600  # plans outlive a page
    assert "OPTIONS" not in database_from_url("sqlite:////tmp/x.sqlite3")
    # Behind a pooler that cannot keep prepared statements, they can be turned off.
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "False")
    assert database_from_url(url)["OPTIONS"]["prepare_threshold"] is None


@postgresql_only
def test_an_order_page_viewed_again_runs_its_main_query_on_a_kept_plan(
    client, pilot35, buyer, finance
):
    make_agreement()
    order = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    # The worker's connection may have prepared it in an earlier test: count from here.
    _, generic_before, custom_before = _plans(MAIN_QUERY)
    for _ in range(10):
        response = client.get(order.get_absolute_url())
        assert response.status_code == 200
        assert order.number in response.content.decode()
    statements, generic, custom = _plans(MAIN_QUERY)
    assert statements >= 1
    # Every view after the first ran the prepared statement, and PostgreSQL settled on a plan
    # it keeps (after at most five custom plans) instead of planning it again.
    # At most once per view: ten views, the first one unprepared on a fresh connection.
    assert 9 <= (generic + custom) - (generic_before + custom_before) <= 10
    assert 4 <= generic - generic_before <= 10
