"""A Local atelier from its notification to its final balance, in Chromium, through the
interface only: the buyer notifies and starts it, each phase is set, delivered, accepted;
finance records the advance and each instalment (revised, with the advance repaid), pays
them, and closes the contract with its final statement. axe runs on the pages on the way.

The live server runs on the real clock: each session is held today, then "time passes" (the
test moves the accepted session's dates into the past), as the months would."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from framework_agreements.models import SyntecIndex
from orders.models import ContractPhase, Invoice, SubsequentContract
from teams.models import Booking
from tests import pdfs
from tests.browser.conftest import check_accessibility, screenshot
from tests.contract_factories import worked_split
from tests.factories import UserFactory, make_local_agreement
from tests.local_factories import make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
PASSWORD = "pw-for-tests-2026"


def _login(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/connexion/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def _submit(scope, label, page=None):
    page = page or scope
    scope.locator(f'form[aria-label="{label}"] button[type=submit]').click()
    page.wait_for_load_state()
    errors = page.locator(".fr-alert--error, .fr-message--error").all_inner_texts()
    assert errors == [], errors


def _series(today):
    month = datetime.date(today.year - 2, 1, 1)
    value = Decimal("290.0")
    while month <= today.replace(day=1):
        SyntecIndex.objects.create(month=month, value=value)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
        value += Decimal("0.4")


def _pay(page, live_server, invoice):
    page.goto(f"{live_server.url}{invoice.get_absolute_url()}")
    _submit(page, "Accepter pour paiement")
    _submit(page, "Enregistrer le paiement")


def test_a_local_atelier_from_notification_to_the_final_balance(page, live_server, tmp_path):
    today = timezone.localdate()
    agreement = make_local_agreement(holders=3, start=today - datetime.timedelta(days=400))
    _series(today)
    buyer = UserFactory(buyer=True, username="acheteuse")
    pilot = UserFactory(username="pilote")
    finance = UserFactory(finance=True, username="finances")
    consultation = make_consultation(
        pilot,
        buyer,
        "awarded",
        start=today - datetime.timedelta(days=80),
        offers=[(Decimal("100000"), (9, 9, 9)), (Decimal("110000"), (5, 5, 5))],
        split=worked_split,
    )
    contract = SubsequentContract.objects.get(consultation=consultation)
    url = f"{live_server.url}{contract.get_absolute_url()}"
    assert agreement.pk == contract.agreement_id

    # The buyer: EJ, notification, start of execution.
    _login(page, live_server, buyer)
    page.goto(url)
    page.fill("#id_ej_number", "2200000077")
    _submit(page, "Imputation, engagement juridique et avance")
    label = "Notifier le marché au titulaire (lettre de notification)"
    page.get_by_role("link", name=f"{label}…").click()  # its confirmation page
    page.wait_for_load_state()
    check_accessibility(page)
    _submit(page, label)
    _submit(page, "Démarrer l'exécution (ordre de service)")
    assert SubsequentContract.objects.get(pk=contract.pk).state == "in_execution"
    screenshot(page, "local-exec-01-started")
    check_accessibility(page)

    # Finance: the advance (30 %, the holder is an SME), accepted and paid.
    _login(page, live_server, finance)
    page.goto(url)
    page.fill("#advance-holder_number", "AV-1")
    _submit(page, "Demande d'avance")
    advance = Invoice.objects.get(kind="advance")
    assert advance.amount_incl_tax == Decimal("36000.00")
    _pay(page, live_server, advance)

    deliverable = tmp_path / "livrable.pdf"
    deliverable.write_bytes(pdfs.clean())
    for position, phase in enumerate(contract.phases.order_by("position"), 1):
        # The pilot sets the session, records what the holder delivered, submits, accepts.
        _login(page, live_server, pilot)
        page.goto(url)
        box = page.locator(f"#phase-{phase.pk}")
        box.locator(f"#phase{phase.pk}-schedule-start_on").fill(today.isoformat())
        box.locator(f"#phase{phase.pk}-schedule-end_on").fill(today.isoformat())
        box.locator(f"#phase{phase.pk}-schedule-place").fill("Mairie de Redon")
        _submit(box, "Fixer ou déplacer les dates", page)
        box = page.locator(f"#phase-{phase.pk}")
        for kind in phase.required_deliverables:
            box.locator(f"#phase{phase.pk}-upload-kind").select_option(kind)
            box.locator(f"#phase{phase.pk}-upload-file").set_input_files(str(deliverable))
            _submit(box, f"Déposer un livrable — {phase.label}", page)
            box = page.locator(f"#phase-{phase.pk}")
        _submit(box, "Enregistrer la remise des livrables", page)
        if position == 1:
            screenshot(page, "local-exec-02-submitted")
            check_accessibility(page)
        _submit(page.locator(f"#phase-{phase.pk}"), "Accepter la phase (service fait)", page)
        assert ContractPhase.objects.get(pk=phase.pk).state == "accepted"

        # Finance: the instalment, revised and with the advance repaid, then paid.
        _login(page, live_server, finance)
        page.goto(url)
        box = page.locator(f"#phase-{phase.pk}")
        box.locator(f"#phase{phase.pk}-invoice-holder_number").fill(f"F-{position}")
        _submit(box, f"Enregistrer l'acompte — {phase.label}", page)
        instalment = Invoice.objects.get(contract_phase=phase)
        _pay(page, live_server, instalment)
        if position == 4:
            screenshot(page, "local-exec-03-instalment")
            check_accessibility(page)

        # Time passes: the session held today moves into the past, freeing today's dates.
        past = today - datetime.timedelta(days=10 * (6 - position))
        Booking.objects.filter(team=contract.team, session=phase.phase).update(start=past, end=past)

    contract = SubsequentContract.objects.get(pk=contract.pk)
    assert contract.state == "completed"
    instalments = Invoice.objects.filter(contract_phase__isnull=False).order_by("pk")
    assert sum(i.advance_repayment for i in instalments) == Decimal("36000.00")
    assert all(i.state == "paid" for i in instalments)

    page.goto(url)
    _submit(page, "Clore le marché (décompte final)")
    contract = SubsequentContract.objects.get(pk=contract.pk)
    assert contract.state == "closed"
    content = page.content()
    assert "Décompte final" in content and "Soldé et clos" in content
    screenshot(page, "local-exec-04-closed")
    check_accessibility(page)
    statement = contract.documents.get(kind="closing_statement")
    response = page.request.get(f"{live_server.url}/documents/{statement.pk}/")
    assert response.status == 200 and response.body().startswith(b"%PDF")
