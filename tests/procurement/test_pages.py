"""Every page for every role: 200 where the role may read, 403/404 where it may not."""

import pytest
from django.urls import reverse

from orders.enums import OrderState
from tests.factories import make_agreement, make_request
from tests.fast_factories import fast_order

ROLES = ["buyer", "finance", "admin", "pilot35", "pilot29"]


@pytest.fixture
def world(all_users):
    u = all_users
    agreement = make_agreement()
    holder = agreement.lots.get().holdings.first().holder
    request35 = make_request(u["pilot35"], state="accepted", buyer=u["buyer"])
    order35 = fast_order(
        u["pilot35"], u["buyer"], u["finance"], state=OrderState.ISSUED, request=request35
    )
    return {"agreement": agreement, "holder": holder, "request": request35, "order": order35}


def test_anonymous_users_are_sent_to_the_login_page(client, world):
    for url in (
        "/",
        reverse("orders:request_list"),
        reverse("agreements:list"),
        reverse("orders:order_pdf", args=[world["order"].pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")


def test_the_login_page_is_in_french(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Connexion" in page and 'lang="fr"' in page and "fr-header" in page


@pytest.mark.parametrize("role", ROLES)
def test_common_pages_open_for_every_role(client, role, all_users, world):
    client.force_login(all_users[role])
    for url in (
        "/",
        reverse("orders:request_list"),
        reverse("orders:order_list"),
        reverse("agreements:list"),
        reverse("agreements:detail", args=[world["agreement"].pk]),
        reverse("agreements:holder", args=[world["holder"].pk]),
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    "role,status",
    [("buyer", 200), ("finance", 200), ("admin", 200), ("pilot35", 200), ("pilot29", 404)],
)
def test_request_and_order_pages_are_scoped_to_the_service(client, role, status, all_users, world):
    client.force_login(all_users[role])
    for url in (
        reverse("orders:request_detail", args=[world["request"].pk]),
        reverse("orders:order_detail", args=[world["order"].pk]),
        reverse("orders:order_pdf", args=[world["order"].pk]),
    ):
        assert client.get(url).status_code == status, url


def test_pilot29_sees_nothing_of_pilot35_in_lists_or_dashboard(client, all_users, world):
    client.force_login(all_users["pilot29"])
    title, number = world["request"].title, world["order"].number
    for url in (
        "/",
        reverse("orders:request_list"),
        reverse("orders:order_list"),
        reverse("orders:order_list") + "?state=issued",
    ):
        page = client.get(url).content.decode()
        assert title not in page and number not in page, url


def test_pilot29_cannot_act_on_pilot35s_request_or_order(client, all_users, world):
    client.force_login(all_users["pilot29"])
    order, request = world["order"], world["request"]
    assert (
        client.post(
            reverse("orders:order_transition", args=[order.pk, "cancel"]),
            {"expected_state": "issued", "comment": "x"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("orders:request_transition", args=[request.pk, "withdraw"]),
            {"expected_state": "accepted"},
        ).status_code
        == 404
    )
    assert client.post(reverse("orders:order_create", args=[request.pk])).status_code == 404
    assert client.get(reverse("orders:request_edit", args=[request.pk])).status_code == 404
    order.refresh_from_db()
    assert order.state == "issued"


@pytest.mark.parametrize("role,status", [("buyer", 403), ("finance", 403), ("pilot35", 403)])
def test_editing_a_request_is_for_its_pilot_while_draft(client, role, status, all_users, world):
    client.force_login(all_users[role])
    url = reverse("orders:request_edit", args=[world["request"].pk])  # accepted: closed to edits
    assert client.get(url).status_code == status


def test_pilot_edits_their_draft(client, all_users):
    request = make_request(all_users["pilot35"])
    client.force_login(all_users["pilot35"])
    assert client.get(reverse("orders:request_edit", args=[request.pk])).status_code == 200


@pytest.mark.parametrize(
    "role,status", [("admin", 200), ("buyer", 200), ("finance", 302), ("pilot35", 302)]
)
def test_the_admin_is_for_administrators_and_buyers(client, role, status, all_users):
    user = all_users[role]
    if role == "buyer":
        user.is_staff = True
        user.save()
    if role == "admin":
        user.is_superuser = True
        user.save()
    client.force_login(user)
    assert client.get("/admin/").status_code == status


def test_unknown_pages_get_the_dsfr_404(client, buyer):
    client.force_login(buyer)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    assert "Page non trouvée" in response.content.decode()


def test_error_pages_use_the_dsfr(rf, db):
    from procurement import errors

    request = rf.get("/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert "Accès refusé" in errors.permission_denied(request).content.decode()
    response = errors.server_error(request)
    assert response.status_code == 500 and "Erreur inattendue" in response.content.decode()


def test_messages_appear_as_dsfr_alerts(client, all_users, world):
    client.force_login(all_users["buyer"])
    response = client.post(
        reverse("orders:order_transition", args=[world["order"].pk, "cancel"]),
        {"expected_state": "issued", "comment": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "fr-alert fr-alert--error" in page and "motif est obligatoire" in page


def test_the_header_shows_the_users_service_and_role(client, all_users):
    client.force_login(all_users["pilot29"])
    page = client.get("/").content.decode()
    assert "DDTM 29" in page and "Pilote" in page and "fr-logo" in page


def test_the_agreement_page_shows_the_gauge_holders_prices_and_services(client, all_users, world):
    client.force_login(all_users["pilot35"])
    page = client.get(reverse("agreements:detail", args=[world["agreement"].pk])).content.decode()
    assert "<svg" in page and "Montant engagé" in page
    assert world["holder"].name in page and "Bordereau des prix" in page
    assert "Direction départementale des territoires et de la mer d&#x27;Ille-et-Vilaine" in page
    assert world["order"].total_excl_tax and "18\u00a0100,00\u00a0€" in page
