from django.urls import reverse

from orders.enums import OrderState
from tests.factories import make_agreement, make_order, make_request


def test_request_list_filters_by_state_format_department_and_year(client, pilot35, buyer):
    submitted = make_request(pilot35, state="submitted", buyer=buyer, title="Atelier Déposé")
    make_request(pilot35, title="Atelier Brouillon")
    make_request(pilot35, state="submitted", buyer=buyer, fmt="local", title="Atelier Lointain")
    client.force_login(buyer)
    url = reverse("orders:request_list")
    page = client.get(
        url,
        {
            "state": "submitted",
            "format": "flash",
            "department": submitted.department_id,
            "year": submitted.created_at.year,
        },
    ).content.decode()
    assert "Atelier Déposé" in page
    assert "Atelier Brouillon" not in page and "Atelier Lointain" not in page
    page = client.get(url, {"year": submitted.created_at.year - 1}).content.decode()
    assert "Atelier Déposé" not in page


def test_order_list_filters_by_holder_and_state(client, pilot35, buyer, finance):
    agreement = make_agreement(rule="rotation")
    first = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    second = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    assert first.holder != second.holder
    client.force_login(buyer)
    page = client.get(reverse("orders:order_list"), {"holder": second.holder.pk}).content.decode()
    assert second.number in page and first.number not in page
    page = client.get(reverse("orders:order_list"), {"state": "paid"}).content.decode()
    assert first.number not in page
    assert agreement.reference


def test_drafts_stay_with_their_pilot(client, pilot35, buyer):
    draft = make_request(pilot35, title="Atelier Brouillon")
    client.force_login(buyer)
    assert "Atelier Brouillon" not in client.get(reverse("orders:request_list")).content.decode()
    assert client.get(reverse("orders:request_detail", args=[draft.pk])).status_code == 404
    client.force_login(pilot35)
    assert "Atelier Brouillon" in client.get(reverse("orders:request_list")).content.decode()


def test_pagination_keeps_the_filters(client, pilot35, buyer):
    for index in range(30):
        make_request(pilot35, state="submitted", buyer=buyer, title=f"Atelier n{index:02d}")
    client.force_login(buyer)
    page = client.get(reverse("orders:request_list"), {"state": "submitted"}).content.decode()
    assert "30 demandes" in page and "state=submitted&amp;page=2" in page
    second = client.get(
        reverse("orders:request_list"), {"state": "submitted", "page": 2}
    ).content.decode()
    assert second.count("Atelier n") == 5


def test_a_bad_filter_value_is_ignored_not_an_error(client, buyer):
    client.force_login(buyer)
    response = client.get(reverse("orders:order_list"), {"year": "abc", "holder": "999999"})
    assert response.status_code == 200


def _department_options(page):
    select = page.split('name="department"', 1)[1].split("</select>", 1)[0]
    return select.count("<option") - 1  # minus "Tous"


def test_a_pilot_filters_only_by_the_departments_of_their_service(client, pilot35, buyer):
    for name in ("orders:request_list", "orders:order_list"):
        client.force_login(pilot35)
        page = client.get(reverse(name)).content.decode()
        assert _department_options(page) == 1 and "Ille-et-Vilaine" in page
        client.force_login(buyer)
        assert _department_options(client.get(reverse(name)).content.decode()) > 100


def test_a_draft_is_listed_by_its_request_title(client, pilot35, buyer, finance):
    make_agreement()
    request = make_request(pilot35, state="accepted", buyer=buyer, title="Atelier de Vitré")
    make_order(pilot35, buyer, finance, request=request)
    client.force_login(buyer)
    page = client.get(reverse("orders:order_list")).content.decode()
    assert "Projet — Atelier de Vitré" in page and "sans numéro" not in page
