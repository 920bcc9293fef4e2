"""The security pages in Chromium, under the Content-Security-Policy, with axe."""

import re

import pytest
from playwright.sync_api import expect

from procurement import audit
from tests.browser.conftest import check_accessibility, screenshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
PASSWORD = "pw-for-tests-2026"


def _login(page, live_server, username, password=PASSWORD):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_lockout_password_change_and_audit_log_pages(page, live_server):
    UserFactory(username="agent", buyer=True)
    UserFactory(username="root", admin=True)
    for _ in range(5):
        _login(page, live_server, "agent", "mauvais")
    assert "Trop de tentatives de connexion" in page.content()
    assert "agent" not in page.locator("main").inner_text()
    screenshot(page, "security-locked-out")
    check_accessibility(page)

    page.context.clear_cookies()
    _login(page, live_server, "root")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/mot-de-passe/")
    page.fill("#id_old_password", PASSWORD)
    page.fill("#id_new_password1", "1234")
    page.fill("#id_new_password2", "1234")
    page.click("text=Enregistrer le nouveau mot de passe")
    # The form posts back to its own URL: wait for the re-rendered page, not the old one.
    expect(page).to_have_title(re.compile(r"^Erreur"))
    screenshot(page, "security-password-change-errors")
    check_accessibility(page)

    audit.record("export", user=None, username="agent", file="bons-de-commande.xlsx")
    page.goto(f"{live_server.url}/journal/")
    assert "Blocage après échecs" in page.content() and "Export" in page.content()
    screenshot(page, "security-audit-log")
    check_accessibility(page)
