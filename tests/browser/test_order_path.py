"""The whole Flash path in a real browser: a pilot's request to payment, with axe on each page."""

import datetime
import io

import pytest
from pypdf import PdfReader

from orders.models import PurchaseOrder, TeamRequest
from tests.browser.conftest import check_accessibility, screenshot
from tests.factories import ExpertFactory, UserFactory, make_agreement, tiny_pdf

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
PASSWORD = "pw-for-tests-2026"


def _login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _act(page, label, fill=None, upload=None, done="Action effectuée"):
    form = page.locator(f'form[aria-label="{label}"]')
    for selector, value in (fill or {}).items():
        form.locator(selector).fill(value)
    if upload:
        form.locator("input[type=file]").set_input_files(upload)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert done in page.content(), page.locator(".fr-alert").all_inner_texts()


def _confirm(page, label, done, shot):
    """An irreversible step: its link opens the confirmation page, whose button performs it."""
    page.get_by_role("link", name=f"{label}…").click()
    page.wait_for_load_state()
    assert "Ce qui va se passer" in page.content()
    screenshot(page, shot)
    check_accessibility(page)
    page.locator(f'form[aria-label="{label}"] button[type=submit]').click()
    page.wait_for_load_state()
    assert done in page.content(), page.locator(".fr-alert").all_inner_texts()


def test_from_request_to_payment(page, live_server, tmp_path):
    make_agreement()
    pilot = UserFactory(username="pilote")
    buyer = UserFactory(buyer=True, username="acheteuse")
    finance = UserFactory(finance=True, username="comptable")

    # The pilot files the request.
    _login(page, live_server, pilot)
    page.goto(f"{live_server.url}/demandes/nouvelle/")
    page.fill("#id_title", "Atelier Redon : centre et franges")
    page.select_option("#id_format", "flash")
    page.fill("#id_problem_statement", "Revitaliser le centre-bourg et ses abords.")
    page.click("label[for=id_themes_1]")  # DSFR draws the checkbox on its label
    page.fill("#id_coll-0-name", "Redon")
    page.select_option("#id_coll-0-kind", "commune")
    page.fill("#id_coll-0-siren", "213502362")
    screenshot(page, "path-01-request-form")
    check_accessibility(page)
    page.click("text=Enregistrer le brouillon")
    page.wait_for_load_state()
    request = TeamRequest.objects.get()
    _act(page, "Déposer la demande")
    screenshot(page, "path-02-request-submitted")
    check_accessibility(page)

    # The buyer accepts and prepares the order for the cascade's holder.
    _login(page, live_server, buyer)
    page.goto(f"{live_server.url}/demandes/{request.pk}/")
    _act(page, "Accepter la demande")
    page.click("text=Préparer le bon de commande")
    page.wait_for_load_state()
    order = PurchaseOrder.objects.get()
    assert "Cascade" in page.content()
    lead = ExpertFactory(holder=order.holder, first_name="Lou", last_name="Cheffe")
    page.reload()
    page.select_option("#id_expert", str(lead.pk))
    page.select_option("#id_role", "lead")
    page.fill("#id_days_on_site", "3")
    page.click("text=Ajouter à l'équipe")
    page.wait_for_load_state()
    assert "Lou Cheffe a été ajouté" in page.content()
    today = datetime.date.today()
    # The whole path runs today: the session is today, the synthesis due in a month.
    page.fill("#id_session_start", today.isoformat())
    page.fill("#id_session_end", today.isoformat())
    page.fill("#id_session_place", "Mairie de Redon")
    page.fill("#id_delivery_deadline", (today + datetime.timedelta(days=30)).isoformat())
    page.fill("#id_ej_number", "2100099999")
    page.click("text=Enregistrer le projet")
    page.wait_for_load_state()
    screenshot(page, "path-03-order-draft")
    check_accessibility(page)
    # The buyer sees what issuing will do, and a preview that takes no number.
    page.get_by_role("link", name="Émettre le bon de commande…").click()
    page.wait_for_load_state()
    preview = page.get_by_role("link", name="Aperçu du bon de commande", exact=False)
    assert preview.get_attribute("target") == "_blank"
    response = page.request.get(f"{live_server.url}{preview.get_attribute('href')}")
    assert response.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)
    assert "PROJET" in text and "sans valeur" in text
    order.refresh_from_db()
    assert order.number == ""  # the preview took no number
    page.go_back()
    _confirm(page, "Émettre le bon de commande", "Action effectuée", "path-03b-confirm-issue")
    order.refresh_from_db()
    assert order.number.endswith("-0001")
    # The e-mail leaves after the commit (the task); the order is then notified.
    _confirm(page, "Notifier au titulaire", "mis en file", "path-03c-confirm-notify")
    assert "Notifié" in page.content()
    _act(page, "Enregistrer l'acceptation du titulaire")
    _act(page, "Démarrer l'exécution")

    # The pilot uploads the deliverable and certifies the work.
    deliverable = tmp_path / "synthese.pdf"
    deliverable.write_bytes(tiny_pdf())
    _login(page, live_server, pilot)
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    _act(page, "Enregistrer le livrable", upload=str(deliverable))
    _act(page, "Certifier le service fait")
    screenshot(page, "path-04-service-done")
    check_accessibility(page)

    # Finance records the invoice, accepts it for payment and pays it.
    _login(page, live_server, finance)
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    form = page.locator('form[aria-label="Enregistrer une facture reçue"]')
    form.locator("input[name=holder_number]").fill("FA-2026-77")
    form.locator("input[name=chorus_number]").fill("CPP-2026-000077")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "La facture n° FA-2026-77 a été enregistrée" in page.content()
    page.click("text=Solde n° FA-2026-77")
    page.wait_for_load_state()
    _act(page, "Accepter pour paiement")
    _act(page, "Enregistrer le paiement")
    order.refresh_from_db()
    assert order.state == "paid"
    due = (today + datetime.timedelta(days=30)).strftime("%d/%m/%Y")
    assert due in page.content() and "Payée le" in page.content()
    screenshot(page, "path-05-invoice-paid")
    check_accessibility(page)
    page.goto(f"{live_server.url}/commandes/{order.pk}/")
    assert "Attestation de service fait" in page.content()
    screenshot(page, "path-05-paid")
    check_accessibility(page)

    page.goto(f"{live_server.url}/commandes/")
    screenshot(page, "path-06-order-list")
    check_accessibility(page)
