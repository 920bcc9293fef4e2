"""A whole Local re-competition in Chromium, from the accepted request to the notified
contract, with axe on every new page. Time passes between the answers and the opening: the
test moves the deadline into the past, as the clock would."""

import datetime
import time
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Consultation, SubsequentContract
from tests.browser.conftest import check_accessibility, screenshot
from tests.factories import UserFactory, make_local_agreement, make_request

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
PASSWORD = "pw-for-tests-2026"
PHASES = ["kickoff", "diagnosis", "strategy", "roadmap", "final_report"]
OFFERS = [("96000", (6, 7, 5)), ("104000", (8, 8, 9)), ("120000", (9, 9, 9))]


def _login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _submit(page, label):
    page.locator(f'form[aria-label="{label}"] button[type=submit]').click()
    page.wait_for_load_state()
    errors = page.locator(".fr-alert--error").all_inner_texts()
    assert errors == [], errors


def test_a_re_competition_from_launch_to_the_notified_contract(page, live_server):
    agreement = make_local_agreement(holders=3)
    buyer = UserFactory(buyer=True, username="acheteuse")
    pilot = UserFactory(username="pilote")
    request = make_request(pilot, state="accepted", buyer=buyer, fmt="local", title="Atelier Local")

    _login(page, live_server, buyer)
    page.goto(f"{live_server.url}/demandes/{request.pk}/")
    page.click("text=Préparer la remise en concurrence")
    page.wait_for_load_state()
    consultation = Consultation.objects.get()
    deadline = timezone.localtime() + datetime.timedelta(days=20)
    page.fill("#id_deadline", deadline.strftime("%Y-%m-%dT%H:%M"))
    _submit(page, "Préparer la consultation")
    screenshot(page, "local-01-draft")
    check_accessibility(page)
    _submit(page, "Lancer la consultation (tous les titulaires du lot)")
    assert "Tous les titulaires du lot" in page.content()

    holders = [h.holder for h in agreement.lots.get().holdings.order_by("rank")]
    for holder in holders:
        form = page.locator('form[aria-label="Enregistrer une réponse"]')
        form.locator("select[name=holder]").select_option(str(holder.pk))
        _submit(page, "Enregistrer une réponse")
    screenshot(page, "local-02-launched")
    check_accessibility(page)

    # Time passes: the deadline is now behind us.
    time.sleep(1.5)
    Consultation.objects.filter(pk=consultation.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=1)
    )
    page.reload()
    _submit(page, "Ouvrir les plis")
    offers = {o.holder_id: o for o in consultation.offers.all()}
    assert len(offers) == 3, (offers, page.locator(".fr-alert").all_inner_texts())
    for holder, (price, _marks) in zip(holders, OFFERS, strict=True):
        offer = offers[holder.pk]
        lead = holder.experts.order_by("pk").first()
        for phase in PHASES:
            page.fill(f"#offer{offer.pk}-price_{phase}", str(Decimal(price) / 5))
        page.select_option(f"#offer{offer.pk}-lead", str(lead.pk))
        page.fill(f"#offer{offer.pk}-days_{lead.pk}_diagnosis", "2")
        _submit(page, f"Offre de {holder.name}")
    screenshot(page, "local-03-opened")
    check_accessibility(page)

    _submit(page, "Commencer l'analyse (le contenu des offres est figé)")
    for holder, (_price, marks) in zip(holders, OFFERS, strict=True):
        offer = offers[holder.pk]
        for key, mark in zip(("territory", "method", "team"), marks, strict=True):
            page.fill(f"#score{offer.pk}-mark_{key}", str(mark))
            page.fill(f"#score{offer.pk}-justification_{key}", f"Appréciation {key}")
        _submit(page, f"Notes de {holder.name}")
    assert "86,92" in page.content() or "86.92" in page.content()
    screenshot(page, "local-04-evaluating")
    check_accessibility(page)

    _submit(page, "Attribuer le marché à l'offre la mieux classée")
    contract = SubsequentContract.objects.get()
    assert contract.holder == holders[1]
    screenshot(page, "local-05-awarded")
    check_accessibility(page)

    page.goto(f"{live_server.url}/marches/{contract.pk}/")
    page.fill("#id_ej_number", "2200000042")
    _submit(page, "Imputation, engagement juridique et avance")
    label = "Notifier le marché au titulaire (lettre de notification)"
    page.get_by_role("link", name=f"{label}…").click()  # its confirmation page
    page.wait_for_load_state()
    check_accessibility(page)
    _submit(page, label)
    contract.refresh_from_db()
    assert contract.state == "notified"
    assert "Lettre de notification" in page.content()
    screenshot(page, "local-06-contract")
    check_accessibility(page)

    # The pilot follows: the ranking as the report states it, no team of the losers.
    _login(page, live_server, pilot)
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/")
    assert "Rapport d'analyse des offres" in page.content()
    assert "Notes techniques" not in page.content()
    check_accessibility(page)
