"""In Chromium: the document register lists an issued order's PDF and verifies it."""

import pytest
from playwright.sync_api import expect

from orders.enums import OrderState
from tests.browser.conftest import check_accessibility, screenshot
from tests.factories import UserFactory, make_agreement, make_order

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_the_register_lists_and_verifies_a_document(page, live_server):
    buyer = UserFactory(buyer=True, username="acheteuse")
    pilot = UserFactory(username="pilote")
    finance = UserFactory(finance=True, username="finances")
    make_agreement()
    order = make_order(pilot, buyer, finance, state=OrderState.ISSUED)
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", "pw-for-tests-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Documents", exact=True).click()
    page.wait_for_url(f"{live_server.url}/documents/")
    expect(page.get_by_role("link", name=f"Bon de commande {order.number}")).to_be_visible()
    screenshot(page, "document-register")
    check_accessibility(page)
    page.get_by_role("button", name="Vérifier").first.click()
    expect(page.locator(".fr-alert--success")).to_contain_text("intègre")
    screenshot(page, "document-register-verified")
    check_accessibility(page)
