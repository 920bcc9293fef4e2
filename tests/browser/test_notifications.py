"""In Chromium: SMTP is down when the buyer notifies; the order stays "Émis" with "Échec de
l'envoi", the buyer's dashboard lists the failed e-mail, "Renvoyer" works once SMTP is back and
the order is then notified. The pilot's decision e-mails are read from the outbox. The footer's
information pages are public and pass axe."""

import pytest
from django.core import mail

from notifications.models import OutgoingMessage
from orders.enums import OrderState
from orders.models import PurchaseOrder
from tests.browser.conftest import check_accessibility, screenshot
from tests.factories import UserFactory, make_agreement, make_order, make_request

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
PASSWORD = "pw-for-tests-2026"


def _login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_failed_notification_is_shown_and_sent_again(page, live_server, settings):
    buyer = UserFactory(buyer=True, username="acheteuse")
    pilot = UserFactory(username="pilote")
    finance = UserFactory(finance=True, username="finances")
    make_agreement()
    order = make_order(pilot, buyer, finance, state=OrderState.ISSUED)
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RefusingBackend"

    _login(page, live_server, buyer)
    page.goto(f"{live_server.url}{order.get_absolute_url()}")
    page.get_by_role("link", name="Notifier au titulaire…").click()
    page.wait_for_load_state()
    page.locator('form[aria-label="Notifier au titulaire"] button[type=submit]').click()
    page.wait_for_load_state()
    assert "Échec de l'envoi au titulaire" in page.content()
    assert "Connexion au serveur SMTP refusée" in page.content()
    assert PurchaseOrder.objects.get(pk=order.pk).state == OrderState.ISSUED
    screenshot(page, "notification-failed")
    check_accessibility(page)

    page.goto(f"{live_server.url}/")
    assert "Courriels en échec, à renvoyer" in page.content()
    screenshot(page, "dashboard-buyer-failed-mail")
    check_accessibility(page)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page.goto(f"{live_server.url}{order.get_absolute_url()}")
    page.locator("button:has-text('Renvoyer')").first.click()
    page.wait_for_load_state()
    assert "de nouveau en file" in page.content()
    order = PurchaseOrder.objects.get(pk=order.pk)
    assert order.state == OrderState.NOTIFIED
    message = OutgoingMessage.objects.get(about_id=order.pk, kind="order_notification")
    assert order.notified_at == message.sent_at
    assert "Notifié" in page.content()


def test_the_pilot_receives_each_decision(page, live_server):
    buyer = UserFactory(buyer=True, username="acheteuse")
    pilot = UserFactory(username="pilote")
    make_agreement()
    returned = make_request(pilot, state="submitted", buyer=buyer, title="Bourg de Bais")
    accepted = make_request(pilot, state="submitted", buyer=buyer, title="Vallée de la Vilaine")
    _login(page, live_server, buyer)
    for request, label, reason in (
        (returned, "Renvoyer pour compléments", "Précisez le périmètre"),
        (accepted, "Accepter la demande", ""),
    ):
        page.goto(f"{live_server.url}{request.get_absolute_url()}")
        form = page.locator(f'form[aria-label="{label}"]')
        if reason:
            form.locator("textarea").fill(reason)
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    to_pilot = {m.subject: m.body for m in mail.outbox if m.to == [pilot.email]}
    assert "Demande renvoyée pour compléments : Bourg de Bais" in to_pilot
    assert (
        "Motif : Précisez le périmètre"
        in to_pilot["Demande renvoyée pour compléments : Bourg de Bais"]
    )
    assert "Demande acceptée : Vallée de la Vilaine" in to_pilot
    assert f"{accepted.get_absolute_url()}" in to_pilot["Demande acceptée : Vallée de la Vilaine"]
    # The request page lists its e-mails, sent.
    page.goto(f"{live_server.url}{accepted.get_absolute_url()}")
    assert "Courriels" in page.content() and "Envoyé" in page.content()
    check_accessibility(page)


@pytest.mark.parametrize(
    "link, title",
    [
        ("Accessibilité", "Déclaration d'accessibilité"),
        ("Mentions légales", "Mentions légales"),
        ("Données personnelles", "Données personnelles"),
    ],
)
def test_the_information_pages_are_public_and_accessible(page, live_server, link, title):
    page.goto(f"{live_server.url}/connexion/")
    page.locator("footer").get_by_role("link", name=link).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == title
    screenshot(page, f"information-{title.split()[0].lower()}")
    check_accessibility(page)
