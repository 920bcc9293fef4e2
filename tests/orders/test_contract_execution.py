"""Executing a subsequent contract: every (transition, source state) pair, the role × action
matrix (sessions and bookings: test_contract_sessions.py),
deliverables, acceptance with its certificate, termination with its partial release, and
the closing."""

import datetime
from decimal import Decimal

import pytest
from django_fsm import can_proceed, has_transition_perm

from framework_agreements import ceiling
from notifications import outbox
from orders import services
from orders.models import ContractPhase, Document, Invoice, SubsequentContract
from procurement import clock
from teams.models import Booking
from tests.contract_factories import (
    STATES,
    fresh,
    invoice_phase,
    make_contract,
    pdf_upload,
    phase_month,
    run_phase,
)
from tests.factories import make_local_agreement

DAY = datetime.timedelta(days=1)
# Contract actions: the states they leave from.
CONTRACT_SOURCES = {
    "notify": ["awarded"],
    "start": ["notified"],
    "terminate": ["notified", "in_execution"],
    "close": ["completed", "terminated"],
}
PHASE_SOURCES = {
    "schedule": ["planned", "scheduled", "returned"],
    "submit": ["scheduled", "returned"],
    "send_back": ["submitted"],
    "accept": ["submitted"],
}
PHASE_STATES = ["planned", "scheduled", "submitted", "returned", "accepted"]


@pytest.fixture
def agreement(db):
    return make_local_agreement(holders=3)


# --- the state machines, declared ---------------------------------------------------------------


@pytest.mark.parametrize("action", list(CONTRACT_SOURCES))
@pytest.mark.parametrize("state", STATES)
def test_contract_transitions_leave_only_from_their_source_states(action, state):
    contract = SubsequentContract(state=state)
    assert can_proceed(getattr(contract, action)) == (state in CONTRACT_SOURCES[action])


@pytest.mark.parametrize("action", list(PHASE_SOURCES))
@pytest.mark.parametrize("state", PHASE_STATES)
def test_phase_transitions_leave_only_from_their_source_states(action, state):
    phase = ContractPhase(state=state)
    assert can_proceed(getattr(phase, action)) == (state in PHASE_SOURCES[action])


# --- the same through the services: each pair runs, the others are refused ----------------------


def _run_contract_action(contract, action, by, finance):
    if action == "close":
        for phase in contract.phases.filter(state="accepted"):
            invoice_phase(fresh(contract), phase.phase, finance)
    with clock.frozen(datetime.date(2028, 2, 1)):
        result = services.CONTRACT_ACTIONS[action].run(fresh(contract), by=by, comment="motif")
        if action == "notify":  # the letter leaves: the system notifies the contract
            outbox.deliver_about(contract)
    return result


@pytest.mark.parametrize(
    "action,state", [(a, s) for a, sources in CONTRACT_SOURCES.items() for s in sources]
)
def test_every_contract_action_from_its_source_state(
    action, state, agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, state, finance=finance)
    actor = finance if action == "close" else buyer
    _run_contract_action(contract, action, actor, finance)
    after = fresh(contract)
    assert after.state != state
    last, before = after.history.all()[:2]
    if action == "notify":
        assert last.history_user is None and before.history_user == actor
    else:
        assert last.history_user == actor


@pytest.mark.parametrize(
    "action,state",
    [
        (a, s)
        for a in CONTRACT_SOURCES
        for s in ["awarded", "in_execution", "closed"]
        if s not in CONTRACT_SOURCES[a]
    ],
)
def test_no_contract_action_from_another_state(action, state, agreement, pilot35, buyer, finance):
    contract = make_contract(pilot35, buyer, state, finance=finance)
    with pytest.raises(services.ActionRefused):
        with clock.frozen(datetime.date(2028, 2, 1)):
            services.CONTRACT_ACTIONS[action].run(fresh(contract), by=buyer, comment="motif")
    assert fresh(contract).state == state


def test_a_stale_post_changes_nothing(agreement, pilot35, buyer):
    contract = make_contract(pilot35, buyer, "in_execution")
    with pytest.raises(services.ActionRefused, match="l'état a changé"):
        with clock.frozen(datetime.date(2027, 5, 1)):
            services.contract_start(contract=contract, by=buyer, expected_state="notified")
    assert fresh(contract).history.count() == contract.history.count()


# --- who may do what ----------------------------------------------------------------------------

MATRIX = {
    # action: roles allowed
    "notify": {"buyer"},
    "start": {"buyer", "pilot35"},
    "terminate": {"buyer"},
    "close": {"buyer", "finance"},
}


@pytest.mark.parametrize("role", ["buyer", "pilot35", "pilot29", "finance", "admin"])
def test_role_by_action_matrix(role, agreement, all_users, pilot35, buyer):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=0)
    user = all_users[role]
    for action, allowed in MATRIX.items():
        for state in CONTRACT_SOURCES[action]:
            copy = SubsequentContract(pk=contract.pk, state=state, request=contract.request)
            assert has_transition_perm(getattr(copy, action), user) == (role in allowed), (
                action,
                state,
            )
    for action, sources in PHASE_SOURCES.items():
        for state in sources:
            phase = ContractPhase(state=state, contract=contract, phase="kickoff")
            assert has_transition_perm(getattr(phase, action), user) == (
                role in {"buyer", "pilot35"}
            ), (action, state)
    abilities = fresh(contract).abilities(user)
    assert abilities["record_invoice"] == (role == "finance")
    assert abilities["view"] == (role != "pilot29")


def test_another_pilot_never_reaches_the_contract_its_phases_or_deliverables(
    client, agreement, all_users, pilot35, buyer
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    deliverable = contract.phases.get(phase="kickoff").deliverables.get()
    client.force_login(all_users["pilot29"])
    base = contract.get_absolute_url()
    phase = contract.phases.get(phase="diagnosis")
    assert client.get(base).status_code == 404
    assert client.get(f"{base}livrables/{deliverable.pk}/").status_code == 404
    response = client.post(f"{base}phases/{phase.pk}/action/schedule/", {})
    assert response.status_code == 404
    client.force_login(pilot35)
    download = client.get(f"{base}livrables/{deliverable.pk}/")
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")


# --- deliverables and acceptance ----------------------------------------------------------------


def test_a_phase_is_submitted_only_with_its_deliverables(agreement, pilot35, buyer):
    contract = make_contract(pilot35, buyer, "in_execution")
    phase = contract.phases.get(phase="final_report")
    month = phase_month(5)
    with clock.frozen(month):
        services.phase_schedule(
            phase=phase, by=pilot35, start_on=month + 5 * DAY, end_on=month + 5 * DAY
        )
    with clock.frozen(month + 10 * DAY):
        with pytest.raises(services.ActionRefused, match="n'attend pas"):
            services.deliverable_add(
                phase=fresh_phase(phase), by=pilot35, kind="session_log", file=pdf_upload()
            )
        services.deliverable_add(
            phase=fresh_phase(phase), by=pilot35, kind="guide_plan", file=pdf_upload()
        )
        with pytest.raises(services.ActionRefused, match="Livrables manquants : Feuille de route"):
            services.phase_submit(phase=fresh_phase(phase), by=pilot35)
        services.deliverable_add(
            phase=fresh_phase(phase), by=pilot35, kind="roadmap", file=pdf_upload()
        )
        services.phase_submit(phase=fresh_phase(phase), by=pilot35)
    assert fresh_phase(phase).state == "submitted"


def fresh_phase(phase):
    return ContractPhase.objects.get(pk=phase.pk)


def test_an_uploaded_file_that_is_not_a_clean_pdf_is_refused_without_a_write(
    client, agreement, pilot35, buyer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import pdfs

    contract = make_contract(pilot35, buyer, "in_execution")
    phase = contract.phases.get(phase="kickoff")
    with clock.frozen(phase_month(1)):
        services.phase_schedule(
            phase=phase,
            by=buyer,
            start_on=phase_month(1) + 3 * DAY,
            end_on=phase_month(1) + 3 * DAY,
            place="Quimper",
        )
    client.force_login(pilot35)
    url = f"{contract.get_absolute_url()}phases/{phase.pk}/livrables/"
    evil = SimpleUploadedFile("note.pdf", pdfs.javascript(), content_type="application/pdf")
    response = client.post(url, {"kind": "kickoff_note", "file": evil}, follow=True)
    assert response.status_code == 200
    assert "contenu actif" in response.content.decode()
    assert not fresh_phase(phase).deliverables.exists()


def test_sending_back_needs_a_reason_and_the_phase_comes_back(agreement, pilot35, buyer):
    contract = make_contract(pilot35, buyer, "in_execution")
    phase = run_phase(contract.phases.get(phase="kickoff"), pilot35, accept=False)
    day = phase.submitted_on + DAY
    with clock.frozen(day):
        with pytest.raises(services.ActionRefused, match="motif est obligatoire"):
            services.phase_send_back(phase=phase, by=buyer, comment="  ")
        services.phase_send_back(phase=phase, by=buyer, comment="Note de cadrage incomplète")
        assert fresh_phase(phase).state == "returned"
        services.deliverable_add(
            phase=fresh_phase(phase), by=pilot35, kind="kickoff_note", file=pdf_upload()
        )
        services.phase_submit(phase=fresh_phase(phase), by=pilot35)
        services.phase_accept(phase=fresh_phase(phase), by=buyer)
    after = fresh_phase(phase)
    assert after.state == "accepted" and after.deliverables.count() == 2  # nothing lost


def test_acceptance_is_the_service_fait_with_its_certificate_and_the_last_completes(
    agreement, pilot35, buyer
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=4)
    assert fresh(contract).state == "in_execution"
    last = run_phase(contract.phases.get(phase="final_report"), buyer)
    contract = fresh(contract)
    assert contract.state == "completed" and contract.completed_on == last.accepted_on
    certificates = Document.objects.filter(contract=contract, kind="phase_certificate")
    assert certificates.count() == 5
    assert {d.contract_phase_id for d in certificates} == set(
        contract.phases.values_list("pk", flat=True)
    )
    assert all(len(d.sha256) == 64 for d in certificates)


# --- termination and closing --------------------------------------------------------------------


def test_termination_releases_the_part_not_executed_and_frees_the_sessions(
    agreement, pilot35, buyer
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    with clock.frozen(phase_month(1) + 20 * DAY):
        services.phase_schedule(
            phase=contract.phases.get(phase="diagnosis"),
            by=buyer,
            start_on=phase_month(2) + 5 * DAY,
            end_on=phase_month(2) + 6 * DAY,
            place="Quimper",
        )
    committed = ceiling.agreement_figures(agreement).committed
    with clock.frozen(phase_month(2)):
        with pytest.raises(services.ActionRefused, match="motif est obligatoire"):
            services.contract_terminate(contract=fresh(contract), by=buyer)
        services.contract_terminate(
            contract=fresh(contract), by=buyer, comment="Le territoire abandonne le projet"
        )
    contract = fresh(contract)
    assert contract.state == "terminated"
    # Kick-off (10 %) executed: 90 000 € of the 100 000 € released.
    assert contract.released_amount == Decimal("90000.00")
    assert ceiling.agreement_figures(agreement).committed == committed - Decimal("90000.00")
    assert ceiling.held_by(contract.source_key, agreement) == Decimal("10000.00")
    assert not Booking.objects.filter(team=contract.team, session="diagnosis").exists()
    assert Booking.objects.filter(team=contract.team, session="kickoff").exists()


def test_closing_waits_for_every_payment_then_stores_the_statement(
    agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "completed")
    with clock.frozen(datetime.date(2028, 1, 5)):
        with pytest.raises(services.ActionRefused, match="n'est pas payé"):
            services.contract_close(contract=fresh(contract), by=finance)
    for phase in contract.phases.order_by("position"):
        invoice_phase(fresh(contract), phase.phase, finance)
    with clock.frozen(datetime.date(2028, 1, 5)):
        services.contract_close(contract=fresh(contract), by=finance)
    contract = fresh(contract)
    assert contract.state == "closed"
    statement = contract.documents.get(kind="closing_statement")
    assert bytes(statement.content).startswith(b"%PDF")
    assert Invoice.objects.filter(subsequent_contract=contract, state="paid").count() == 5


def test_the_advance_is_refused_when_declined_and_checked_against_the_sme_minimum(
    agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "awarded")
    with clock.frozen(datetime.date(2027, 4, 5)):
        with pytest.raises(services.ActionRefused, match="PME ne peut être inférieur à 30"):
            services.contract_update(contract=contract, by=buyer, advance_rate=Decimal("10"))
        services.contract_update(contract=contract, by=buyer, advance_declined=True)
    contract = fresh(contract)
    assert contract.advance_amount == 0 and not contract.has_advance
    with clock.frozen(datetime.date(2027, 4, 10)):
        services.contract_notify(contract=contract, by=buyer)
        outbox.deliver_about(contract)
        with pytest.raises(services.ActionRefused, match="ne prévoit pas d'avance"):
            services.advance_record(
                contract=fresh(contract),
                by=finance,
                holder_number="AV",
                received_on=datetime.date(2027, 4, 10),
            )
