"""Every URL, every role, GET and POST: the answer follows the object's abilities.

The routes below classify every named URL. A URL added without an entry fails
`test_every_url_is_classified`; one without its permission check fails the sweep (a role that
may not read it gets a 200, or a role that may not act changes a business row). Objects belong
to the DDTM d'Ille-et-Vilaine (pilot35); pilot29 is another service. The admin's URLs answer to
its rules (tests/security/test_admin.py); here they send every non-staff user to its login.
"""

from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.urls import URLResolver, get_resolver, reverse

from orders import services
from procurement import roles

ROLES = ["anonymous", "buyer", "finance", "admin", "pilot35", "pilot29"]
BUSINESS_APPS = ["orders", "teams", "framework_agreements", "notifications"]


def anyone(w, user):
    return True


def readers(w, user):
    return roles.reads_everything(user)


def managers(w, user):
    return roles.is_reference_data_manager(user)


def enters_indices(user):
    return roles.is_finance(user) or roles.is_admin(user)


@dataclass
class Route:
    kwargs: callable = lambda w: {}
    read: callable = anyone  # who gets a 200 on GET
    post_only: bool = False
    # who may change business rows by POST (None: the URL does not write)
    write: callable = None
    variants: callable = None  # extra kwargs to try, e.g. every action name
    public: bool = False  # readable without logging in (the footer's information pages)
    extra: dict = field(default_factory=dict)


def _req(w):
    return {"pk": w["request"].pk}


def _order(w):
    return {"pk": w["order"].pk}


def _team(w):
    return {"pk": w["order"].team.pk}


ROUTES = {
    "dashboard": Route(),
    "login": Route(),
    "logout": Route(post_only=True),
    "password_change": Route(),
    "accessibility": Route(public=True),
    "legal_notice": Route(public=True),
    "personal_data": Route(public=True),
    "password_change_done": Route(),
    "audit_log": Route(read=lambda w, u: roles.is_admin(u)),
    "notifications:resend": Route(
        kwargs=lambda w: {"pk": w["message"].pk},
        post_only=True,
        write=lambda w, u: roles.is_buyer(u) or roles.is_admin(u),
    ),
    "agreements:list": Route(),
    "agreements:detail": Route(kwargs=lambda w: {"pk": w["order"].agreement_id}),
    "agreements:holder": Route(kwargs=lambda w: {"pk": w["order"].holder_id}),
    "teams:expert_list": Route(read=readers),
    "teams:expert_create": Route(read=managers, write=managers),
    "teams:expert_import": Route(read=managers, write=managers),
    "teams:import_template": Route(read=managers),
    "teams:allocation_xlsx": Route(read=readers),
    "teams:expert_detail": Route(kwargs=lambda w: {"pk": w["expert"].pk}, read=readers),
    "teams:expert_edit": Route(
        kwargs=lambda w: {"pk": w["expert"].pk}, read=managers, write=managers
    ),
    "teams:expert_workload_xlsx": Route(kwargs=lambda w: {"pk": w["expert"].pk}, read=readers),
    "teams:team_detail": Route(
        kwargs=_team, read=lambda w, u: w["order"].team.abilities(u)["view"]
    ),
    "teams:member_add": Route(
        kwargs=_team, post_only=True, write=lambda w, u: w["order"].team.abilities(u)["edit"]
    ),
    "teams:member_remove": Route(
        kwargs=lambda w: {**_team(w), "member_pk": w["order"].team.members.first().pk},
        post_only=True,
        write=lambda w, u: w["order"].team.abilities(u)["edit"],
    ),
    "teams:justify": Route(
        kwargs=_team, post_only=True, write=lambda w, u: w["order"].team.abilities(u)["justify"]
    ),
    "teams:substitution_request": Route(
        kwargs=_team,
        post_only=True,
        write=lambda w, u: w["order"].team.abilities(u)["request_substitution"],
    ),
    "teams:substitution_decide": Route(
        kwargs=lambda w: {**_team(w), "substitution_pk": w["substitution"].pk},
        variants=lambda w: [{"decision": "accept"}, {"decision": "refuse"}],
        post_only=True,
        write=lambda w, u: w["substitution"].abilities(u)["accept"],
    ),
    "orders:request_list": Route(),
    "orders:request_create": Route(
        read=lambda w, u: roles.files_requests(u), write=lambda w, u: roles.files_requests(u)
    ),
    "orders:request_detail": Route(
        kwargs=_req, read=lambda w, u: w["request"].abilities(u)["view"]
    ),
    "orders:request_edit": Route(
        kwargs=_req,
        read=lambda w, u: w["request"].abilities(u)["edit"],
        write=lambda w, u: w["request"].abilities(u)["edit"],
    ),
    "orders:request_transition": Route(
        kwargs=_req,
        variants=lambda w: [{"action": a} for a in [*services.REQUEST_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.REQUEST_ACTIONS.available(w["request"], u)),
    ),
    "orders:attachment_upload": Route(
        kwargs=_req, post_only=True, write=lambda w, u: w["request"].abilities(u)["edit"]
    ),
    "orders:attachment_download": Route(
        kwargs=lambda w: {**_req(w), "attachment_pk": w["attachment"].pk},
        read=lambda w, u: w["request"].abilities(u)["view"],
    ),
    "orders:order_create": Route(
        kwargs=_req, post_only=True, write=lambda w, u: w["request"].abilities(u)["create_order"]
    ),
    "orders:order_list": Route(),
    "orders:order_list_xlsx": Route(),
    "orders:order_detail": Route(kwargs=_order, read=lambda w, u: w["order"].abilities(u)["view"]),
    "orders:order_edit": Route(
        kwargs=_order, post_only=True, write=lambda w, u: w["order"].abilities(u)["edit"]
    ),
    "orders:order_transition": Route(
        kwargs=_order,
        variants=lambda w: [{"action": a} for a in [*services.ORDER_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.ORDER_ACTIONS.available(w["order"], u)),
    ),
    # The world's order is delivered: nothing to confirm, no preview (test_confirmations.py).
    "orders:order_confirm": Route(
        kwargs=_order,
        variants=lambda w: [{"action": a} for a in ("issue", "notify", "x")],
        read=lambda w, u: False,
    ),
    "orders:order_preview": Route(kwargs=_order, read=lambda w, u: False),
    "orders:order_pdf": Route(
        kwargs=_order, read=lambda w, u: w["order"].abilities(u)["download_pdf"]
    ),
    "orders:order_deliverable": Route(
        kwargs=_order, read=lambda w, u: w["order"].abilities(u)["view"]
    ),
    "orders:invoice_record": Route(
        kwargs=_order,
        post_only=True,
        write=lambda w, u: w["order"].abilities(u)["record_invoice"],
    ),
    "orders:invoice_detail": Route(
        kwargs=lambda w: {"pk": w["invoice"].pk},
        read=lambda w, u: w["invoice"].abilities(u)["view"],
    ),
    "orders:invoice_transition": Route(
        kwargs=lambda w: {"pk": w["invoice"].pk},
        variants=lambda w: [{"action": a} for a in [*services.INVOICE_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.INVOICE_ACTIONS.available(w["invoice"], u)),
    ),
    "orders:payment_interest_paid": Route(
        kwargs=lambda w: {"pk": w["invoice"].pk},
        post_only=True,
        write=lambda w, u: w["invoice"].abilities(u)["pay"],
    ),
    "orders:consultation_list": Route(),
    "orders:consultation_prepare": Route(
        kwargs=lambda w: {"pk": w["local_request"].pk},
        post_only=True,
        write=lambda w, u: w["local_request"].abilities(u)["prepare_consultation"],
    ),
    "orders:consultation_detail": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk},
        read=lambda w, u: w["consultation"].abilities(u)["view"],
    ),
    "orders:consultation_edit": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk},
        post_only=True,
        write=lambda w, u: w["consultation"].abilities(u)["edit"],
    ),
    "orders:consultation_transition": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk},
        variants=lambda w: [{"action": a} for a in [*services.CONSULTATION_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.CONSULTATION_ACTIONS.available(w["consultation"], u)),
    ),
    "orders:offer_record": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk},
        post_only=True,
        write=lambda w, u: w["consultation"].abilities(u)["record"],
    ),
    "orders:offer_content": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk, "offer_pk": w["offer"].pk},
        post_only=True,
        write=lambda w, u: w["consultation"].abilities(u)["record"],
    ),
    "orders:offer_evaluate": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk, "offer_pk": w["offer"].pk},
        variants=lambda w: [{"step": s} for s in ("score", "reject", "explanation", "flag", "x")],
        post_only=True,
        write=lambda w, u: w["consultation"].abilities(u)["evaluate"],
    ),
    "orders:offer_memo": Route(
        kwargs=lambda w: {"pk": w["consultation"].pk, "offer_pk": w["offer"].pk},
        read=lambda w, u: w["consultation"].abilities(u)["view_offers"],
    ),
    "orders:contract_detail": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        read=lambda w, u: w["contract"].abilities(u)["view"],
    ),
    "orders:contract_edit": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["edit"],
    ),
    "orders:contract_transition": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        variants=lambda w: [{"action": a} for a in [*services.CONTRACT_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.CONTRACT_ACTIONS.available(w["contract"], u)),
    ),
    "orders:phase_transition": Route(
        kwargs=lambda w: {"pk": w["contract"].pk, "phase_pk": w["phase"].pk},
        variants=lambda w: [{"action": a} for a in [*services.PHASE_ACTIONS.names(), "x"]],
        post_only=True,
        write=lambda w, u: bool(services.PHASE_ACTIONS.available(w["phase"], u)),
    ),
    "orders:deliverable_upload": Route(
        kwargs=lambda w: {"pk": w["contract"].pk, "phase_pk": w["phase"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["follow"],
    ),
    "orders:deliverable_download": Route(
        kwargs=lambda w: {"pk": w["contract"].pk, "deliverable_pk": w["deliverable"].pk},
        read=lambda w, u: w["contract"].abilities(u)["view"],
    ),
    "orders:advance_record": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["record_invoice"],
    ),
    "orders:instalment_record": Route(
        kwargs=lambda w: {"pk": w["contract"].pk, "phase_pk": w["accepted_phase"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["record_invoice"],
    ),
    "orders:guarantee_record": Route(
        kwargs=lambda w: {"pk": w["contract"].pk},
        post_only=True,
        write=lambda w, u: w["contract"].abilities(u)["record_guarantee"],
    ),
    "agreements:indices": Route(read=readers, write=lambda w, u: enters_indices(u)),
    "agreements:index_import": Route(post_only=True, write=lambda w, u: enters_indices(u)),
    "orders:document_download": Route(
        kwargs=lambda w: {"pk": w["order"].documents.first().pk},
        read=lambda w, u: w["order"].abilities(u)["download_pdf"],
    ),
}


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
