"""List pages run a constant number of queries, whatever the number of rows."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders import services
from orders.enums import OrderState
from teams import services as team_services
from tests.factories import ExpertFactory, make_agreement, make_order, make_request
from tests.fast_factories import fast_order


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
    # session, user with their service (header), the change marker, count, the page's ids,
    # its rows by id, collectivities (prefetch), departments (filter select)
    with django_assert_num_queries(8):
        client.get(url)
    # Unchanged since: the count, the filter fields and the page's rows are kept: session,
    # user, marker.
    assert _count(client, url) == 3 < few


def test_order_list_queries_do_not_grow_with_rows(
    client, pilot35, buyer, finance, django_assert_num_queries
):
    make_agreement()
    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    url = reverse("orders:order_list")
    few = _count(client, url)
    for state in (OrderState.DRAFT, OrderState.NOTIFIED, OrderState.CANCELLED, OrderState.PAID):
        fast_order(pilot35, buyer, finance, state=state)
    # session, user with their service, the change marker, count, the page's ids, its rows
    # by id (holder, request, department, agreement joined), departments and holders (filter
    # selects)
    with django_assert_num_queries(8):
        client.get(url)
    # Unchanged since: the count, the filter fields and the page's rows are kept (no count,
    # no departments, no holders, no ids, no rows): session, user, marker.
    assert _count(client, url) == 3 < few


def test_dashboard_and_agreement_pages_do_not_grow_with_rows(client, pilot35, buyer, finance):
    agreement = make_agreement()
    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    urls = ["/", reverse("agreements:list"), reverse("agreements:detail", args=[agreement.pk])]
    before = [_count(client, url) for url in urls]
    for state in (OrderState.DRAFT, OrderState.ISSUED, OrderState.DELIVERED):
        make_order(pilot35, buyer, finance, state=state)
    assert [_count(client, url) for url in urls] == before


def test_order_detail_queries_do_not_grow_with_history_lines_or_members(
    client, pilot35, buyer, finance
):
    make_agreement()
    small = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    big = make_order(pilot35, buyer, finance)
    for name in ("paysagiste", "sociologue", "géographe"):
        expert = ExpertFactory(holder=big.holder, professions=[name])
        team_services.team_add_member(
            team=big.team, expert=expert, role="expert", days={"on_site": 2, "synthesis": 1}
        )
    lines = big.price_schedule()
    services.order_update_draft(
        order=big,
        by=buyer,
        quantities={pl.pk: 2 for pl in lines},
        fields={"session_place": "Mairie"},
    )
    services.order_issue(order=big, by=buyer)
    client.force_login(buyer)
    assert _count(client, reverse("orders:order_detail", args=[small.pk])) == _count(
        client, reverse("orders:order_detail", args=[big.pk])
    )


def test_team_expert_and_workload_pages_do_not_grow_with_rows(client, pilot35, buyer, finance):
    make_agreement()
    orders = [make_order(pilot35, buyer, finance) for _ in range(2)]
    expert = ExpertFactory(holder=orders[0].holder, professions=["urbaniste", "paysagiste"])
    team_services.team_add_member(
        team=orders[0].team, expert=expert, role="expert", days={"on_site": 2}
    )
    client.force_login(buyer)
    urls = [reverse("teams:expert_list"), reverse("teams:expert_detail", args=[expert.pk])]
    before = [_count(client, url) for url in urls]
    for order in orders[1:] + [make_order(pilot35, buyer, finance) for _ in range(2)]:
        team_services.team_add_member(
            team=order.team,
            expert=expert,
            role="expert",
            days={"preparation": 1, "on_site": 2, "synthesis": 1},
        )
    for _ in range(5):
        ExpertFactory(holder=orders[0].holder, professions=["sociologue", "écologue"])
    assert [_count(client, url) for url in urls] == before


def test_contract_detail_queries_do_not_grow_with_accepted_phases(client, pilot35, buyer):
    from tests.contract_factories import fresh, make_contract, run_phase
    from tests.factories import make_local_agreement

    make_local_agreement(holders=3)
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    client.force_login(buyer)
    url = reverse("orders:contract_detail", args=[contract.pk])
    one = _count(client, url)
    for phase in fresh(contract).phases.order_by("position")[1:3]:
        run_phase(phase, pilot35)
    assert _count(client, url) == one


DASHBOARD_BUDGET = 10  # issue 14: at most 10 queries on lists and dashboards


def test_dashboards_stay_within_budget_and_flat_for_every_role(
    client, pilot35, buyer, finance, admin_user
):
    """Each role's dashboard: one query per group of panels (window functions), never more
    than the budget, the same count with one row or many in every panel."""
    make_agreement()
    users = [buyer, pilot35, finance, admin_user]

    def counts():
        result = []
        for user in users:
            client.force_login(user)
            result.append(_count(client, "/"))
        return result

    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    before = counts()
    assert all(count <= DASHBOARD_BUDGET for count in before), before
    panel_states = (
        OrderState.DRAFT,
        OrderState.ISSUED,
        OrderState.DELIVERED,
        OrderState.IN_PROGRESS,
        OrderState.SERVICE_DONE,
        OrderState.INVOICED,
    )
    for state in panel_states * 2:
        fast_order(pilot35, buyer, finance, state=state)
    assert counts() == before


def test_dashboard_panels_count_past_their_first_rows(client, pilot35, buyer, finance):
    """The panel shows its first rows and the total of all (COUNT(*) OVER ()), per panel."""
    from orders import dashboard

    make_agreement()
    for _ in range(dashboard.LIMIT + 2):
        fast_order(pilot35, buyer, finance, state=OrderState.DELIVERED)
    fast_order(pilot35, buyer, finance, state=OrderState.IN_PROGRESS)
    context = dashboard.dashboard_context(buyer)
    panels = {title: panel for title, _kind, panel in context["todo"] + context["watch"]}
    delivered = panels["Livrables à réceptionner (service fait)"]
    assert (len(delivered), delivered.total) == (dashboard.LIMIT, dashboard.LIMIT + 2)
    running = panels["Ateliers Flash en cours"]
    assert (len(running), running.total) == (1, 1)
    assert (
        len(panels["Mes bons de commande émis, à notifier"]),
        panels["Mes bons de commande émis, à notifier"].total,
    ) == (0, 0)
    # Newest first within a panel, as in the lists.
    created = [row.created_at for row in delivered]
    assert created == sorted(created, reverse=True)
    # Keys first (numbered on the table alone, read back by key, each panel counted on its
    # own) or numbered and counted on the joined rows: the same rows, order and totals. The
    # conditions overlap: a delivered order goes to the first panel only, and is counted there.
    from django.db.models import Q

    conditions = (
        Q(state=OrderState.DELIVERED),
        Q(state__in=[OrderState.DELIVERED, OrderState.IN_PROGRESS]),
    )
    with CaptureQueriesContext(connection) as ctx:
        keys_first = dashboard.panels(dashboard._orders(buyer), *conditions)
    assert len(ctx.captured_queries) == 1
    joined = dashboard.panels(dashboard._orders(buyer), *conditions, keys_first=False)
    assert [([row.pk for row in p], p.total) for p in keys_first] == [
        ([row.pk for row in p], p.total) for p in joined
    ]
    assert [(len(p), p.total) for p in keys_first] == [
        (dashboard.LIMIT, dashboard.LIMIT + 2),
        (1, 1),
    ]
    with CaptureQueriesContext(connection) as ctx:
        assert keys_first[0][0].holder.name and keys_first[0][0].request.department.name
    assert not ctx.captured_queries


def test_the_dashboard_reads_its_aggregates_once_and_afresh_after_a_change(client, pilot35, buyer):
    """The map's count and the chart's monthly sums are kept under change markers: a second
    view reads neither; a new ledger row or a new request shows at once."""
    from decimal import Decimal

    from framework_agreements import ceiling
    from orders.atlas import MAPPED_STATES
    from orders.models import TeamRequest

    agreement = make_agreement()
    make_request(pilot35, state="submitted")

    def commit(amount, reference):
        ceiling.commit(
            agreement=agreement,
            lot=agreement.lots.first(),
            amount=Decimal(amount),
            source=f"test:{reference}",
            reference=reference,
            by=buyer,
        )

    commit("100.00", "TEST-1")
    client.force_login(buyer)
    first = _count(client, "/")
    # Unchanged, nothing is read again but the session, the user and the agreements with
    # their markers (the map, the chart and the panels are kept: test_dashboard_kept.py).
    assert _count(client, "/") == 3 < first

    def figures():
        """The chart's last total and Ille-et-Vilaine's ateliers, as drawn (the chart's title,
        the map's table: their HTML is kept, atlas.rendered_picture)."""
        html = client.get("/").content.decode()
        drawn = re.search(r"Ille-et-Vilaine \(35\)</a></th><td[^>]*>(\d+)</td>", html)
        mapped = TeamRequest.objects.filter(state__in=MAPPED_STATES, department__code="35")
        assert int(drawn.group(1)) == mapped.count()
        return _chart_last(html, agreement), int(drawn.group(1))

    committed, ateliers = figures()
    assert committed == Decimal("100.00")
    commit("1234.00", "TEST-2")
    assert figures() == (committed + Decimal("1234.00"), ateliers)
    make_request(pilot35, state="submitted")
    assert figures() == (committed + Decimal("1234.00"), ateliers + 1)


def _chart_last(html, agreement):
    """The agreement's chart's last monthly total, as its title prints it (« jusqu'à 1 334,00
    € HT »), back to a Decimal."""
    from decimal import Decimal

    title = re.escape(agreement.reference) + " à la fin de chaque mois, jusqu'à ([^H]+) HT"
    shown = re.search(title, html).group(1)
    return Decimal(re.sub(r"[^\d,]", "", shown).replace(",", "."))


def test_a_ledger_row_committed_after_a_later_numbered_one_still_shows(client, pilot35, buyer):
    """Two agreements' commitments can commit in the reverse order of their ids: the newest id
    then hides the other row from the marker, but its agreement's running total moves, and the
    chart's cache key holds the totals."""
    from decimal import Decimal

    from django.db.models import F

    from framework_agreements import ceiling
    from framework_agreements.models import CommitmentEntry, CommitmentKind, FrameworkAgreement

    agreement = make_agreement()
    ceiling.commit(
        agreement=agreement,
        lot=agreement.lots.first(),
        amount=Decimal("100.00"),
        source="test:1",
        reference="TEST-1",
        by=buyer,
    )
    client.force_login(buyer)

    def last():
        return _chart_last(client.get("/").content.decode(), agreement)

    assert last() == Decimal("100.00")
    # What ceiling.commit writes, with an id below the newest (committed later than it).
    CommitmentEntry.objects.create(
        id=0,
        kind=CommitmentKind.COMMIT,
        agreement=agreement,
        lot=agreement.lots.first(),
        amount=Decimal("23.00"),
        source="test:0",
        reference="TEST-0",
        fiscal_year=2026,
        created_by=buyer,
    )
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(
        committed_amount=F("committed_amount") + Decimal("23.00")
    )
    assert last() == Decimal("123.00")
