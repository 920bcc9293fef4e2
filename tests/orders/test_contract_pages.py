"""The pages of a contract's execution: the phase timeline and the financial summary, finance
recording the advance and the instalments, the invoice page with its revision, and the
pilot's dashboard with the next session."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from orders.models import Invoice
from procurement import clock
from tests.contract_factories import (
    NOTIFIED_ON,
    fresh,
    invoice_advance,
    make_contract,
    phase_month,
)
from tests.factories import make_local_agreement

DAY = datetime.timedelta(days=1)


@pytest.fixture
def agreement(db):
    return make_local_agreement(holders=3)


def text(response):
    return re.sub(r"\s+", " ", html.unescape(response.content.decode()))


def test_finance_records_the_advance_and_an_instalment_from_the_contract_page(
    client, agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    client.force_login(finance)
    url = contract.get_absolute_url()
    page = text(client.get(url))
    assert "Enregistrer la demande d'avance" in page and "36 000,00" in page
    with clock.frozen(NOTIFIED_ON + 2 * DAY):
        response = client.post(
            f"{url}avance/", {"holder_number": "AV-1", "received_on": "2027-04-12"}, follow=True
        )
    assert "Avance n° AV-1 enregistrée" in text(response)
    phase = contract.phases.get(phase="kickoff")
    day = phase.accepted_on + 2 * DAY
    with clock.frozen(day):
        response = client.post(
            f"{url}phases/{phase.pk}/acompte/",
            {"holder_number": "F-1", "received_on": day.isoformat()},
            follow=True,
        )
    assert "Acompte n° F-1 enregistrée" in text(response)
    instalment = Invoice.objects.get(contract_phase=phase)
    assert instalment.amount_excl_tax > Decimal("10000.00")  # revised: the index rose
    assert fresh(contract).documents.filter(kind="advance_certificate").count() == 1
    invoice_page = text(client.get(instalment.get_absolute_url()))
    assert "Révision (indice Syntec)" in invoice_page and "coefficient" in invoice_page
    assert "Avance précomptée" in invoice_page


@pytest.mark.parametrize("role", ["buyer", "pilot35", "admin"])
def test_nobody_but_finance_records_an_invoice(client, agreement, all_users, pilot35, buyer, role):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    client.force_login(all_users[role])
    url = contract.get_absolute_url()
    phase = contract.phases.get(phase="kickoff")
    data = {"holder_number": "X", "received_on": "2027-05-30"}
    assert client.post(f"{url}avance/", data).status_code == 403
    assert client.post(f"{url}phases/{phase.pk}/acompte/", data).status_code == 403
    assert not Invoice.objects.exists()


def test_bad_input_on_an_instalment_gets_a_message_not_a_500(
    client, agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    client.force_login(finance)
    phase = contract.phases.get(phase="kickoff")
    url = f"{contract.get_absolute_url()}phases/{phase.pk}/acompte/"
    response = client.post(url, {"holder_number": "", "received_on": "pas une date"}, follow=True)
    assert response.status_code == 200
    assert "Facture non enregistrée" in text(response)
    with clock.frozen(phase.accepted_on):
        response = client.post(
            url, {"holder_number": "F", "received_on": "2030-01-01"}, follow=True
        )
    assert "postérieure à aujourd'hui" in text(response)
    assert not Invoice.objects.exists()


def test_the_page_shows_the_phases_the_summary_and_the_documents(
    client, agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=2)
    invoice_advance(contract, finance)
    client.force_login(pilot35)
    page = text(client.get(contract.get_absolute_url()))
    for label in [
        "Réunion de lancement et note de cadrage — Acceptée (service fait)",
        "Séminaire 1 — diagnostic partagé — Acceptée (service fait)",
        "Séminaire 2 — stratégie — À programmer",
        "Engagé sur l'accord-cadre",
        "Avance versée / restant à rembourser",
        "36 000,00 € / 36 000,00 €",
        "Attestation de service fait de phase — Séminaire 1",
        "Certificat de paiement de l'avance",
    ]:
        assert label in page, label
    assert "Enregistrer la demande d'avance" not in page  # the pilot is not finance


def test_the_pilot_dashboard_lists_running_ateliers_with_the_next_session(
    client, agreement, pilot35, buyer
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    with clock.frozen(phase_month(1) + 20 * DAY):
        from orders import services

        services.phase_schedule(
            phase=contract.phases.get(phase="diagnosis"),
            by=pilot35,
            start_on=phase_month(2) + 8 * DAY,
            end_on=phase_month(2) + 9 * DAY,
            place="Médiathèque de Redon",
        )
        client.force_login(pilot35)
        page = text(client.get(reverse("dashboard")))
    assert "Ateliers Local en exécution" in page
    assert (
        f"prochaine session : Séminaire 1 — diagnostic partagé, le "
        f"{phase_month(2) + 8 * DAY:%d/%m/%Y} à Médiathèque de Redon" in page
    )
    assert contract.number in page
