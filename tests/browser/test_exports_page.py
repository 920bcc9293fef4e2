"""In Chromium: a large export goes to the task queue and « Mes exports » offers its file."""

import pytest

from orders.enums import OrderState
from tests.browser.conftest import check_accessibility, screenshot
from tests.factories import UserFactory, make_agreement
from tests.fast_factories import fast_order

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_a_large_export_is_listed_ready_on_my_exports(page, live_server, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 1
    buyer = UserFactory(buyer=True, username="acheteuse")
    pilot = UserFactory(username="pilote")
    finance = UserFactory(finance=True, username="finances")
    make_agreement()
    for _ in range(2):
        fast_order(pilot, buyer, finance, state=OrderState.ISSUED)
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", finance.username)
    page.fill("#id_password", "pw-for-tests-2026")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/commandes/")
    page.get_by_role("link", name="Registre des commandes (XLSX)").click()
    page.wait_for_url(f"{live_server.url}/exports/")
    assert "en préparation" in page.content()
    link = page.get_by_role("link", name="registre-des-commandes-")
    assert link.count() == 1
    screenshot(page, "my-exports")
    check_accessibility(page)
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(".xlsx")
