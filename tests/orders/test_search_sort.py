"""Lists: free-text search over number, title, collectivity and holder; sortable columns whose
sort is kept in the pagination and the export; filters scoped to what the user may see."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from framework_agreements.models import Holder
from orders.enums import OrderState
from orders.models import Collectivity, PurchaseOrder
from tests.exports.sheets import rows_of, workbook_of
from tests.factories import make_agreement, make_request
from tests.fast_factories import fast_order


@pytest.fixture
def orders(db, pilot35, pilot29, buyer, finance):
    make_agreement()
    rows = [fast_order(pilot35, buyer, finance, state=OrderState.ISSUED) for _ in range(3)]
    for order, amount in zip(rows, ("30000.00", "10000.00", "20000.00"), strict=True):
        PurchaseOrder.objects.filter(pk=order.pk).update(total_excl_tax=Decimal(amount))
    Collectivity.objects.create(
        request=rows[1].request, name="Commune de Saint-Malo", kind="commune", siren="213502883"
    )
    other = fast_order(pilot29, buyer, finance, state=OrderState.ISSUED)
    return rows, other


def listed(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params).content.decode().replace("\xa0", " ")


def test_the_order_search_reads_number_title_collectivity_and_holder(client, orders, buyer):
    rows, other = orders
    url = reverse("orders:order_list")
    for text, expected in [
        (rows[0].number, rows[0]),
        (rows[2].request.title.upper(), rows[2]),
        ("saint-malo", rows[1]),
    ]:
        html = listed(client, buyer, url, q=text)
        assert "1 bon de commande" in html and expected.number in html, text
    html = listed(client, buyer, url, q=other.holder.name)
    assert other.number in html


def test_a_pilot_searches_only_their_services_orders(client, orders, pilot35):
    rows, other = orders
    html = listed(client, pilot35, reverse("orders:order_list"), q=other.number)
    assert "0 bons de commande" in html  # the number is only in the search box
    assert f'href="{other.get_absolute_url()}"' not in html


def test_the_request_search_reads_title_and_collectivity(client, db, pilot35, buyer):
    first = make_request(pilot35, state="submitted", title="Revitaliser le centre de Vitré")
    Collectivity.objects.create(
        request=first, name="Communauté Vitré Communauté", kind="epci", siren="200039022"
    )
    make_request(pilot35, state="submitted", title="Littoral de Cancale")
    url = reverse("orders:request_list")
    assert "1 demande" in listed(client, buyer, url, q="vitré communauté")
    assert "1 demande" in listed(client, buyer, url, q="CANCALE")
    assert "2 demandes" in listed(client, buyer, url, q="")


def test_sorting_by_amount_either_way_and_the_header_says_so(client, orders, buyer):
    url = reverse("orders:order_list")
    html = listed(client, buyer, url, sort="amount")
    amounts = [html.index(a) for a in ("10 000,00", "20 000,00", "30 000,00")]
    assert amounts == sorted(amounts)
    assert 'aria-sort="ascending"' in html and "?sort=-amount" in html
    html = listed(client, buyer, url, sort="-amount")
    amounts = [html.index(a) for a in ("30 000,00", "20 000,00", "10 000,00")]
    assert amounts == sorted(amounts)


def test_the_sort_is_kept_in_the_pagination_and_the_export(client, orders, buyer, monkeypatch):
    monkeypatch.setattr("orders.views.purchase_orders.PAGE_SIZE", 2)
    html = listed(client, buyer, reverse("orders:order_list"), sort="amount", state="issued")
    assert "sort=amount" in html.split('class="fr-pagination"')[1]
    response = client.get(reverse("orders:order_list_xlsx"), {"sort": "-amount"})
    _, rows, _ = rows_of(workbook_of(response)["Registre"])
    amounts = [row["Montant HT"] for row in rows if row["État"] == "Émis"]
    assert amounts == sorted(amounts, reverse=True) and len(amounts) == 4


def test_an_unknown_sort_or_a_bad_year_is_ignored_not_an_error(client, orders, buyer):
    url = reverse("orders:order_list")
    client.force_login(buyer)
    response = client.get(url, {"sort": "holder__company__siret", "year": "abc"})
    assert response.status_code == 200
    assert "4 bons de commande" in response.content.decode()


def test_the_holder_and_department_filters_offer_what_the_pilot_may_see(client, orders, pilot35):
    rows, other = orders
    mine = {o.holder_id for o in rows}
    elsewhere = Holder.objects.exclude(pk__in=mine).first()  # only on the Finistère's order
    PurchaseOrder.objects.filter(pk=other.pk).update(holder=elsewhere)
    html = listed(client, pilot35, reverse("orders:order_list"))
    options = html.split('name="department"')[1].split("</select>")[0]
    assert options.count("<option") == 2  # "Tous" and Ille-et-Vilaine
    holders = html.split('name="holder"')[1].split("</select>")[0]
    offered = set(re.findall(r">([^<]+)</option>", holders)) - {"Tous"}
    assert offered == {o.holder.name for o in rows}
    assert elsewhere.name not in holders


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes: PostgreSQL")
def test_postgresql_serves_search_and_sorts_with_indexes(orders):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        # Without the list's ORDER BY, so the plan shows how the filter itself is served.
        queryset = PurchaseOrder.objects.filter(number__icontains="FLASH-20").order_by()
        cursor.execute("EXPLAIN " + str(queryset.query).replace("%FLASH-20%", "'%FLASH-20%'"))
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "search_order_number" in plan
        cursor.execute("EXPLAIN " + str(PurchaseOrder.objects.order_by("number", "pk")[:20].query))
        plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "order_sort_number" in plan
