"""Each dashboard opens on "À traiter": what waits for this user's own action, with counts, in
a constant number of queries; then "À suivre"."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from orders.enums import OrderState
from tests.factories import UserFactory, make_agreement, make_order, make_request
from tests.fast_factories import fast_order


def section(html, title):
    """The panels of one section, as {panel title: count}."""
    part = html.split(f">{title}")[1].split('<h2 class="fr-h4')[0]
    return {
        unescape(name.strip()): int(count)
        for name, count in re.findall(
            r'<h3 class="fr-h6">([^<]+)<span class="fr-badge[^"]*">(\d+)</span>', part
        )
    }


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("dashboard")).content.decode()


def test_a_buyer_sees_their_own_drafts_to_issue_not_a_colleagues(client, db, pilot35, buyer):
    make_agreement()
    colleague = UserFactory(buyer=True, username="collegue")
    mine = make_order(pilot35, buyer, None)
    theirs = make_order(pilot35, colleague, None)
    make_request(pilot35, state="submitted")
    html = dashboard(client, buyer)
    todo = section(html, "À traiter")
    assert todo["Mes projets de bons de commande à émettre"] == 1
    assert todo["Demandes à instruire"] == 1
    assert mine.get_absolute_url() in html.split(">À suivre<")[0]
    assert section(html, "À suivre")["Projets et bons émis par d'autres acheteurs"] == 1
    assert theirs.get_absolute_url() in html.split(">À suivre<")[1]
    total = re.search(r">À traiter <span[^>]*>(\d+)</span>", html).group(1)
    assert int(total) == sum(todo.values())


def test_a_pilot_is_asked_to_complete_their_returned_request_and_to_accept_a_delivery(
    client, db, pilot35, buyer, finance
):
    make_agreement()
    make_request(pilot35, state="returned", buyer=buyer)
    make_request(UserFactory(username="autre35"), state="returned", buyer=buyer)  # a colleague's
    fast_order(pilot35, buyer, finance, state=OrderState.DELIVERED)
    todo = section(dashboard(client, pilot35), "À traiter")
    assert todo["Mes demandes à compléter ou à déposer"] == 1
    assert todo["Livrables à réceptionner (service fait)"] == 1


def test_finance_is_asked_to_pay_accepted_invoices(client, db, pilot35, buyer, finance):
    make_agreement()
    fast_order(pilot35, buyer, finance, state=OrderState.INVOICED)
    todo = section(dashboard(client, finance), "À traiter")
    assert set(todo) == {
        "Factures à payer",
        "Factures reçues à instruire",
        "Intérêts moratoires et indemnités à payer (45 jours, art. R2192-36)",
    }
    assert sum(todo.values()) >= 1


@pytest.mark.parametrize("who", ["buyer", "pilot35", "finance"])
def test_the_dashboard_queries_do_not_grow_with_the_work(client, all_users, who):
    make_agreement()
    user = all_users[who]
    client.force_login(user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("dashboard"))
        return len(ctx.captured_queries)

    few = count()
    for state in (OrderState.DRAFT, OrderState.DELIVERED, OrderState.INVOICED):
        for _ in range(3):
            fast_order(all_users["pilot35"], all_users["buyer"], all_users["finance"], state=state)
    for _ in range(3):
        make_request(all_users["pilot35"], state="returned", buyer=all_users["buyer"])
    assert count() == few
