import pytest
from django.core.management import call_command
from django.test import override_settings

from framework_agreements.models import FrameworkAgreement
from tests.browser.conftest import check_accessibility, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]

USERS = ["acheteur", "pilote35", "pilote29", "finance", "admin"]


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(DEBUG=True):  # the demo's development mode (see its own guard)
        call_command("seed_demo", stdout=open("/dev/null", "w"))
    return FrameworkAgreement.objects.get(number_prefix="FLASH")


def test_every_demo_user_sees_an_accessible_dashboard_and_agreement(page, live_server, demo):
    for username in USERS:
        page.context.clear_cookies()
        login(page, live_server, username)
        assert page.locator("h1").inner_text() == "Tableau de bord"
        assert "Marianne" in page.evaluate("getComputedStyle(document.body).fontFamily")
        screenshot(page, f"dashboard-{username}")
        check_accessibility(page)
        page.goto(f"{live_server.url}/accords-cadres/{demo.pk}/")
        assert page.locator("svg[role=img]").first.is_visible()
        screenshot(page, f"agreement-{username}")
        check_accessibility(page)


def test_login_page_and_error_pages_are_accessible(page, live_server, demo):
    page.goto(f"{live_server.url}/connexion/")
    screenshot(page, "login")
    check_accessibility(page)
    login(page, live_server, "pilote29")
    page.goto(f"{live_server.url}/nulle-part/")
    assert "Page non trouvée" in page.content()
    check_accessibility(page)
