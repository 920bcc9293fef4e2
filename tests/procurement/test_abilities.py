"""The one source of "who may do what": each model's abilities(user), per role."""

import pytest

from orders.enums import OrderState
from tests.factories import make_agreement, make_request
from tests.fast_factories import fast_order


@pytest.fixture
def agreement(db):
    return make_agreement()


EXPECTED_REQUEST = {
    # role: (view, edit, submit, withdraw, return_for_changes, accept, reject)
    "pilot35": (True, True, True, True, False, False, False),
    "pilot29": (False, False, False, False, False, False, False),
    "buyer": (False, False, False, False, True, True, True),
    "finance": (False, False, False, False, False, False, False),
    "admin": (False, False, False, False, False, False, False),
}


@pytest.mark.parametrize("role", EXPECTED_REQUEST)
def test_request_abilities_per_role(role, all_users):
    request = make_request(all_users["pilot35"])
    abilities = request.abilities(all_users[role])
    keys = ("view", "edit", "submit", "withdraw", "return_for_changes", "accept", "reject")
    assert tuple(abilities[k] for k in keys) == EXPECTED_REQUEST[role]


EXPECTED_ORDER = {
    "pilot35": {
        "view",
        "edit",
        "issue",
        "notify",
        "holder_accept",
        "decline",
        "cancel",
        "start",
        "deliver",
        "certify",
    },
    "pilot29": set(),
    "buyer": {
        "view",
        "edit",
        "issue",
        "notify",
        "holder_accept",
        "decline",
        "cancel",
        "start",
        "deliver",
        "certify",
        "close",
    },
    "finance": {"view", "close"},  # invoices: once notified (see the next test)
    "admin": {"view"},
}


@pytest.mark.parametrize("role", EXPECTED_ORDER)
def test_order_abilities_per_role(role, agreement, all_users):
    u = all_users
    order = fast_order(u["pilot35"], u["buyer"], u["finance"])
    granted = {k for k, v in order.abilities(u[role]).items() if v}
    assert granted == EXPECTED_ORDER[role]


@pytest.mark.parametrize("role", ["buyer", "finance", "admin"])
def test_dgaln_staff_read_a_request_once_submitted(role, all_users):
    request = make_request(all_users["pilot35"], state="submitted", buyer=all_users["buyer"])
    assert request.abilities(all_users[role])["view"]


def test_finance_records_invoices_once_the_order_is_notified(agreement, all_users):
    u = all_users
    issued = fast_order(u["pilot35"], u["buyer"], u["finance"], state=OrderState.ISSUED)
    notified = fast_order(u["pilot35"], u["buyer"], u["finance"], state=OrderState.NOTIFIED)
    assert not issued.abilities(u["finance"])["record_invoice"]
    assert notified.abilities(u["finance"])["record_invoice"]
    assert not notified.abilities(u["buyer"])["record_invoice"]


def test_a_pdf_is_downloadable_once_the_order_has_a_number(agreement, all_users):
    u = all_users
    order = fast_order(u["pilot35"], u["buyer"], u["finance"])
    assert not order.abilities(u["buyer"])["download_pdf"]
    order = fast_order(u["pilot35"], u["buyer"], u["finance"], state=OrderState.ISSUED)
    assert order.abilities(u["finance"])["download_pdf"]
    assert not order.abilities(u["pilot29"])["download_pdf"]


def test_only_the_buyer_or_owner_may_prepare_an_order_from_an_accepted_flash_request(all_users):
    u = all_users
    accepted = make_request(u["pilot35"], state="accepted", buyer=u["buyer"])
    assert accepted.abilities(u["buyer"])["create_order"]
    assert accepted.abilities(u["pilot35"])["create_order"]
    assert not accepted.abilities(u["finance"])["create_order"]
    local = make_request(u["pilot35"], state="accepted", buyer=u["buyer"], fmt="local")
    assert not local.abilities(u["buyer"])["create_order"]


def test_an_inactive_user_may_do_nothing(all_users):
    pilot = all_users["pilot35"]
    request = make_request(pilot)
    pilot.is_active = False
    assert not any(request.abilities(pilot).values())
