"""Headless Debian Chromium through Playwright, with axe-core for WCAG 2.1 A/AA.

Browsers cannot be downloaded here: Playwright drives the system Chromium. Without it the tests
are skipped with a reason naming the missing browser, except in CI (CI=true), where a missing
browser is a failure: `.ci/run` installs it.

They run once, on SQLite (`make test`, the first run of `.ci/run`), and are skipped on the
PostgreSQL run: what a browser sees does not depend on the database, which the rest of the
suite covers there. Run twice, they took seven minutes of a 46-minute CI on a slow machine,
over the 45-minute budget.
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "artifacts" / "screenshots"
DEBIAN_CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium first, even where another build is on the PATH: the suite is checked against
# the browser a ministry workstation's packaged Chromium resembles, not a test build.
CHROMIUM = (
    os.getenv("CHROMIUM_PATH")
    or (DEBIAN_CHROMIUM if Path(DEBIAN_CHROMIUM).exists() else None)
    or shutil.which("chromium")
    or DEBIAN_CHROMIUM
)
CHROMIUM_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    if connection.vendor == "postgresql":
        skip = pytest.mark.skip(reason="browser tests run once, on SQLite (make test, .ci/run)")
        for item in items:
            if item.nodeid.startswith("tests/browser/"):
                item.add_marker(skip)


def _missing():
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core not found in node_modules (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser():
    missing = _missing()
    if missing:
        if os.getenv("CI"):
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # still synchronous and safe. Set only while the browser runs, so no other test sees it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
            )
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    # axe-core comes in as an init script: the pages' Content-Security-Policy forbids inline
    # scripts, and the test must not weaken it. Every CSP violation fails the test.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            where = message.location or {}
            violations.append(
                f"{page.url} ({where.get('url')}:{where.get('lineNumber')}): {message.text}"
            )

    page.on("console", on_console)
    page.set_default_timeout(10_000)
    yield page
    context.close()
    # Where, first: pytest shortens long messages in the middle.
    assert violations == [], "\n".join(violations)


def check_accessibility(page):
    page.axe_running = True
    try:
        result = _run_axe(page)
        page.wait_for_timeout(50)  # let the console events of the run arrive
    finally:
        page.axe_running = False
    violations = [
        (v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
    ]
    assert violations == [], violations


def _run_axe(page):
    return page.evaluate(
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )


def screenshot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def login(page, live_server, username, password="Atelier-demo-2026"):
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
