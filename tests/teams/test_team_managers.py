"""Who builds a team: a buyer, or the request's pilot when their service may issue the order
itself (R2162-6: a service named in the agreement, the "designated buyer")."""

import pytest
from django.test import Client
from django.urls import reverse

from orders.enums import OrderState
from teams import services as team_services
from tests.factories import ExpertFactory, make_agreement, make_order


@pytest.fixture
def agreement(db):
    return make_agreement()


@pytest.fixture
def confirmed(agreement, pilot35, buyer, finance):
    return make_order(pilot35, buyer, finance, state=OrderState.IN_PROGRESS)


def test_the_designated_buyer_pilot_records_a_substitution_request(confirmed, pilot35):
    team = confirmed.team
    substitution = team_services.substitution_request(
        team=team,
        outgoing=team.members.get(),
        incoming=ExpertFactory(holder=confirmed.holder),
        reason="Congé maladie",
        by=pilot35,
    )
    assert substitution.state == "requested"


def test_the_designated_buyer_pilot_manages_the_team_another_service_cannot(
    client, agreement, pilot35, pilot29, buyer, finance
):
    # The DDTM d'Ille-et-Vilaine is named in the agreement: its pilot issues the order, so
    # builds its team (R2162-6).
    order = make_order(pilot35, buyer, finance)
    expert = ExpertFactory(holder=order.holder)
    url = reverse("teams:member_add", args=[order.team.pk])
    client.force_login(pilot29)
    assert client.post(url, {"expert": expert.pk, "role": "expert"}).status_code == 404
    client.force_login(pilot35)
    html = client.get(order.get_absolute_url()).content.decode()
    assert f'action="{url}"' in html  # the page offers the form
    assert client.post(url, {"expert": expert.pk, "role": "expert"}).status_code == 302
    assert order.team.members.filter(expert=expert).exists()


def test_a_pilot_whose_service_may_not_order_cannot_edit_the_team(db, pilot35, buyer, finance):
    make_agreement(authorised=("DGALN-AD1",))
    order = make_order(pilot35, buyer, finance)
    expert = ExpertFactory(holder=order.holder)
    client = Client()
    client.force_login(pilot35)
    url = reverse("teams:member_add", args=[order.team.pk])
    assert client.post(url, {"expert": expert.pk, "role": "expert"}).status_code == 403
    assert order.team.members.count() == 1
