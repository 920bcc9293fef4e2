"""The buyer's and finance's dashboard: a map of the ateliers by department and a chart of
each agreement's ceiling over time, drawn on the server, each with its table."""

import datetime
import re

import pytest
from django.urls import reverse

from orders import services
from procurement import clock
from procurement.models import Department
from tests.factories import UserFactory, make_agreement, make_order, make_request


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("dashboard")).content.decode()


@pytest.fixture
def ateliers(db, pilot35, pilot29, buyer):
    make_request(pilot35, state="accepted", buyer=buyer)
    make_request(pilot35, state="submitted", buyer=buyer)
    make_request(pilot29, state="accepted", buyer=buyer, fmt="local")
    make_request(pilot29, state="draft", buyer=buyer)  # a pilot's draft: not on the map
    make_request(pilot29, state="rejected", buyer=buyer)  # refused: not on the map


@pytest.mark.parametrize("who", ["buyer", "finance"])
def test_the_map_links_each_department_to_its_requests_with_its_counts(
    client, ateliers, all_users, who
):
    html = dashboard(client, all_users[who])
    ille = Department.objects.get(code="35")
    finistere = Department.objects.get(code="29")
    url = reverse("orders:request_list")
    label = "Ille-et-Vilaine (35) : 2 ateliers — 2 Flash, 0 Local"
    assert f'<a href="{url}?department={ille.pk}" aria-label="{label}">' in html
    assert "Finistère (29) : 1 atelier — 0 Flash, 1 Local" in html
    assert f'href="{url}?department={finistere.pk}"' in html
    assert "Département 75 : aucun atelier" in html  # drawn, not linked
    # The table says the same: Ille-et-Vilaine, 2 Flash, 0 Local, 1 submitted, 1 accepted.
    row = re.search(r"Ille-et-Vilaine \(35\)</a></th>(.*?)</tr>", html).group(1)
    assert re.findall(r'<td class="amount">(\d+)</td>', row) == [
        "2",
        "0",
        "1",
        "0",
        "1",
        "0",
        "0",
        "2",
    ]


def test_the_map_follows_what_the_filtered_list_shows(client, ateliers, buyer):
    ille = Department.objects.get(code="35")
    client.force_login(buyer)
    page = client.get(f"{reverse('orders:request_list')}?department={ille.pk}").content.decode()
    assert page.count("Atelier de test") == 2


def test_pilots_get_no_national_map(client, ateliers, pilot35):
    assert "Ateliers par département" not in dashboard(client, pilot35)


def test_the_map_and_chart_use_no_inline_style_or_script(client, ateliers, buyer):
    make_agreement()
    html = dashboard(client, buyer)
    start = html.index('aria-labelledby="map-title"')
    drawn = html[start : html.index("</main>") if "</main>" in html else None]
    assert "style=" not in drawn and "<script" not in drawn


def test_the_chart_shows_each_months_committed_total_against_the_maximum(
    client, db, pilot35, buyer, finance
):
    agreement = make_agreement(start=datetime.date(2026, 1, 1))
    with clock.frozen(datetime.date(2026, 3, 10)):
        order = make_order(pilot35, buyer, finance)
        services.order_issue(order=order, by=buyer)
    html = dashboard(client, buyer).replace("\xa0", " ")
    assert f"Montant engagé de {agreement.reference} en fin de mois" in html
    assert re.search(
        r"février 2026</th><td class=\"amount\">0,00 €</td><td class=\"amount\">0,0 %", html
    )
    # 18 100 € of 1 000 000 € committed in March, still there since.
    assert re.search(
        r"mars 2026</th><td class=\"amount\">18 100,00 €</td><td class=\"amount\">1,8 %", html
    )
    assert re.search(r'<polyline points="[0-9., ]+"', html)


def test_the_dashboard_runs_the_same_queries_whatever_the_ateliers(
    client, db, pilot35, buyer, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_agreement()
    make_request(pilot35, state="accepted", buyer=buyer)
    client.force_login(buyer)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("dashboard"))
        return len(ctx.captured_queries)

    few = count()
    for code in ("DDTM-29", "DDTM-35"):
        pilot = UserFactory(service=Department.objects.get(code=code[-2:]).services.first())
        for _ in range(3):
            make_request(pilot, state="submitted", buyer=buyer, fmt="local")
    assert count() == few
