"""Every URL, every role, GET and POST: the answer follows the object's abilities.

The routes (routes.py) classify every named URL. A URL added without an entry fails
`test_every_url_is_classified`; one without its permission check fails the sweep (a role that
may not read it gets a 200, or a role that may not act changes a business row). Objects belong
to the DDTM d'Ille-et-Vilaine (pilot35); pilot29 is another service. The admin's URLs answer to
its rules (tests/security/test_admin.py); here they send every non-staff user to its login.
"""

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver, reverse

from tests.security.routes import ROUTES

ROLES = ["anonymous", "buyer", "finance", "admin", "pilot35", "pilot29"]
BUSINESS_APPS = ["orders", "teams", "framework_agreements", "notifications", "exports"]


def _named_urls(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_urls(pattern.url_patterns, pattern.namespace or namespace)
        elif pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


ALL_URLS = sorted(set(_named_urls(get_resolver().url_patterns)))
APP_URLS = [name for name in ALL_URLS if not name.startswith("admin:")]
ADMIN_URLS = [name for name in ALL_URLS if name.startswith("admin:")]


def test_every_url_is_classified():
    assert sorted(set(APP_URLS) - set(ROUTES)) == []
    assert sorted(set(ROUTES) - set(APP_URLS)) == []


def _fingerprint():
    """Rows of every business table, historical tables included (each save writes one)."""
    return {
        model._meta.label: model._default_manager.count()
        for app in BUSINESS_APPS
        for model in apps.get_app_config(app).get_models()
    }


def _urls(name, world):
    route = ROUTES[name]
    base = route.kwargs(world)
    for variant in route.variants(world) if route.variants else [{}]:
        yield reverse(name, kwargs={**base, **variant})


def _current_state(name, world):
    if name.startswith("orders:request") or name == "orders:order_create":
        obj = world["request"]
    elif name.startswith(("orders:consultation", "orders:offer")):
        obj = world["consultation"]
    elif name == "orders:phase_transition":
        obj = world["phase"]
    elif name.startswith("orders:contract"):
        obj = world["contract"]
    elif "invoice" in name or "payment" in name:
        obj = world["invoice"]
    else:
        obj = world["order"]
    return type(obj).objects.get(pk=obj.pk).state


def _client_for(client, role, world):
    client.logout()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return None if role == "anonymous" else world["users"][role]


@pytest.mark.parametrize("role", ROLES)
def test_every_get_follows_the_abilities(client, world, role):
    user = _client_for(client, role, world)
    wrong = []
    for name in APP_URLS:
        route = ROUTES[name]
        for url in _urls(name, world):
            status = client.get(url).status_code
            if name == "login" or route.public:
                expected = {200}
            elif user is None:
                expected = {302, 405} if route.post_only else {302}
            elif route.post_only:
                expected = {405}
            elif route.read(world, user):
                expected = {200}
            else:
                expected = {403, 404}
            if status not in expected:
                wrong.append((name, url, status, sorted(expected)))
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_a_post_the_role_may_not_make_changes_no_business_row(client, world, role):
    user = _client_for(client, role, world)
    wrong = []
    for name in APP_URLS:
        route = ROUTES[name]
        may_write = user is not None and route.write is not None and route.write(world, user)
        if may_write or name in ("login", "logout", "password_change"):
            continue
        for url in _urls(name, world):
            before = _fingerprint()
            status = client.post(
                url,
                {
                    # The state the object really is in: a refusal must come from the role,
                    # not from a stale page.
                    "expected_state": _current_state(name, world),
                    "comment": "x",
                    "next": "/",
                    "missing_items": "EJ",
                    "on": "2026-01-01",
                },
            ).status_code
            after = _fingerprint()
            changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
            if changed or status >= 500:
                wrong.append((name, url, status, changed))
    assert wrong == []


@pytest.mark.parametrize("role", ["anonymous", "pilot35", "pilot29"])
def test_the_admin_sends_every_non_staff_user_to_its_login(client, world, role):
    _client_for(client, role, world)
    for name in ["admin:index", "admin:orders_purchaseorder_changelist", "admin:app_list"]:
        kwargs = {"app_label": "orders"} if name == "admin:app_list" else {}
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and "/admin/login/" in response["Location"], name
