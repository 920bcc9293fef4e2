"""Team pages as the buyer sees them: the order's team, the expert directory, the workload."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from orders.models import PurchaseOrder
from teams.models import Expert
from tests.browser.conftest import check_accessibility, login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


def test_team_and_expert_pages_are_accessible(page, live_server, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with override_settings(DEBUG=True):  # the demo's development mode (see its own guard)
        call_command("seed_demo", stdout=open("/dev/null", "w"))
    login(page, live_server, "acheteur")
    confirmed = PurchaseOrder.objects.filter(state="in_progress").first()
    draft = PurchaseOrder.objects.filter(state="draft").exclude(team__members=None).first()
    expert = Expert.objects.filter(memberships__isnull=False).first()
    for name, path in [
        ("team-confirmed", f"/commandes/{confirmed.pk}/"),
        ("team-draft", f"/commandes/{draft.pk}/"),
        ("experts", "/experts/"),
        ("expert-workload", f"/experts/{expert.pk}/"),
        ("expert-import", "/experts/import/"),
    ]:
        page.goto(live_server.url + path)
        screenshot(page, name)
        check_accessibility(page)
    page.goto(f"{live_server.url}/commandes/{confirmed.pk}/")
    assert "Équipe pluridisciplinaire" in page.content()
    assert "confirmée le" in page.content()
