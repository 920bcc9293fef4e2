"""A request follows what is bought for it: "En commande", "Terminée", or back to "Acceptée";
its page offers only the step that fits (no "Préparer" while an order is open)."""

import pytest
from django.urls import reverse

from orders import services
from orders.enums import OrderState, RequestState
from orders.models import PurchaseOrder, TeamRequest
from tests.contract_factories import make_contract
from tests.factories import make_agreement, make_local_agreement, make_order, make_request
from tests.local_factories import make_consultation

PREPARE = "Préparer le bon de commande"


@pytest.fixture
def agreement(db):
    return make_agreement()


def state_of(team_request):
    return TeamRequest.objects.get(pk=team_request.pk).state


def page(client, user, team_request):
    client.force_login(user)
    return client.get(team_request.get_absolute_url()).content.decode()


def test_an_issued_order_puts_its_request_in_order_and_the_page_leads_to_it(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    assert state_of(order.request) == RequestState.ORDERED
    html = page(client, buyer, order.request)
    assert "En commande" in html and PREPARE not in html
    assert reverse("orders:order_detail", args=[order.pk]) in html
    last = order.request.history.first()
    assert last.history_change_reason == f"Passée en commande (bon de commande émis {order.number})"
    assert last.history_user == buyer


def test_while_a_draft_is_open_the_request_links_to_it_instead_of_preparing_another(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.DRAFT)
    assert state_of(order.request) == RequestState.ACCEPTED
    html = page(client, buyer, order.request)
    assert PREPARE not in html
    assert "Poursuivre le projet de bon de commande" in html


def test_a_cancelled_order_brings_the_request_back_to_accepted_and_it_can_be_ordered_again(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.CANCELLED)
    assert state_of(order.request) == RequestState.ACCEPTED
    assert PREPARE in page(client, buyer, order.request)
    again = services.order_create(team_request=order.request, by=buyer)
    assert again.state == OrderState.DRAFT


def test_a_declined_order_brings_the_request_back_with_the_next_holders_draft(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.DECLINED)
    assert state_of(order.request) == RequestState.ACCEPTED
    draft = PurchaseOrder.objects.get(request=order.request, state=OrderState.DRAFT)
    html = page(client, buyer, order.request)
    assert PREPARE not in html and draft.get_absolute_url() in html


def test_a_closed_order_completes_the_request(client, agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.CLOSED)
    assert state_of(order.request) == RequestState.COMPLETED
    html = page(client, pilot35, order.request)
    assert "Terminée" in html and PREPARE not in html


@pytest.mark.parametrize(
    "contract_state, request_state",
    [("awarded", RequestState.ORDERED), ("terminated", RequestState.COMPLETED)],
)
def test_a_subsequent_contract_moves_its_request(db, pilot35, buyer, contract_state, request_state):
    make_local_agreement()
    contract = make_contract(pilot35, buyer, contract_state)
    assert state_of(contract.request) == request_state


def test_an_unsuccessful_consultation_leaves_the_request_to_be_consulted_again(
    client, db, pilot35, buyer
):
    make_local_agreement()
    consultation = make_consultation(pilot35, buyer, "opened")
    services.consultation_declare_unsuccessful(
        consultation=consultation, by=buyer, comment="Offres inacceptables"
    )
    assert state_of(consultation.request) == RequestState.ACCEPTED
    assert "Préparer la remise en concurrence" in page(client, buyer, consultation.request)


def test_no_user_can_trigger_the_system_moves(agreement, pilot35, buyer):
    team_request = make_request(pilot35, state="accepted", buyer=buyer)
    names = {t.name for t in team_request.get_available_user_state_transitions(buyer)}
    assert {"mark_ordered", "mark_completed", "reopen"}.isdisjoint(services.REQUEST_ACTIONS.names())
    assert "mark_ordered" in names  # available on the model, never offered as a button
    assert "mark_ordered" not in {
        a.name for a in services.REQUEST_ACTIONS.available(team_request, buyer)
    }
