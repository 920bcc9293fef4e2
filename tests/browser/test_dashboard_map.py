"""In Chromium: the buyer's dashboard draws the map and the ceiling chart without script or
inline style (the CSP reports none), passes axe, opens the table alternative, and a click on
a department lists its requests."""

import pytest

from procurement.models import Department
from tests.browser.conftest import check_accessibility, screenshot
from tests.factories import UserFactory, make_agreement, make_order, make_request

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
PASSWORD = "pw-for-tests-2026"


def test_the_map_links_to_the_departments_requests(page, live_server):
    buyer = UserFactory(buyer=True, username="acheteuse")
    pilot = UserFactory(username="pilote")
    finance = UserFactory(finance=True, username="finances")
    make_agreement()
    make_order(pilot, buyer, finance)  # an accepted Flash request in Ille-et-Vilaine
    make_request(pilot, state="submitted", buyer=buyer, fmt="local", title="Atelier Local")

    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("svg.atlas-map path").count() == 96
    assert page.locator("svg.atlas-chart polyline").count() == 1
    page.get_by_text("Voir les données de la carte en tableau").click()
    assert page.get_by_role("link", name="Ille-et-Vilaine (35)", exact=True).is_visible()
    screenshot(page, "dashboard-map")
    check_accessibility(page)

    label = "Ille-et-Vilaine (35) : 2 ateliers — 1 Flash, 1 Local"
    page.locator(f'svg.atlas-map a[aria-label="{label}"]').click()
    page.wait_for_load_state()
    department = Department.objects.get(code="35")
    assert page.url.endswith(f"/demandes/?department={department.pk}")
    assert "Atelier Local" in page.content() and "Atelier de test" in page.content()
