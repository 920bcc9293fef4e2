from decimal import Decimal

import pytest
from django.urls import reverse

from framework_agreements import ceiling
from orders import services
from orders.enums import OrderState
from orders.models import HolderDecline
from tests.factories import (
    make_agreement,
    make_order,
)


@pytest.fixture
def agreement(db):
    return make_agreement()


# --- allocation and declines ---------------------------------------------------------------------


def test_cascade_designates_the_best_ranked_holder_and_says_why(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    first = agreement.lots.get().holdings.get(rank=1).holder
    assert order.holder == first
    assert "Cascade" in order.allocation_reason and "rang 1" in order.allocation_reason


def test_a_decline_logs_it_releases_and_prepares_a_new_draft_for_the_next_holder(
    agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    services.order_decline(order=order, by=buyer, comment="Équipe indisponible")
    order.refresh_from_db()
    assert order.state == "declined" and order.number
    assert HolderDecline.objects.get(request=order.request).holder == order.holder
    assert ceiling.agreement_figures(agreement).committed == Decimal("0.00")
    new = order.request.purchase_orders.exclude(pk=order.pk).get()
    second = agreement.lots.get().holdings.get(rank=2)
    assert new.state == "draft" and new.holder == second.holder
    assert "Équipe indisponible" in new.allocation_reason
    # Re-priced from the second holder's own schedule.
    assert new.lines.get().unit_price == second.price_lines.get(code="F01").unit_price
    assert new.total_excl_tax != order.total_excl_tax


def test_when_every_holder_declined_the_page_says_no_holder_is_left(
    client, db, pilot35, buyer, finance
):
    make_agreement(holders=1)
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    services.order_decline(order=order, by=buyer, comment="Non")
    assert order.request.purchase_orders.count() == 1
    client.force_login(buyer)
    page = client.get(reverse("orders:request_detail", args=[order.request.pk])).content.decode()
    assert "Aucun titulaire disponible" in page


def test_rotation_gives_the_next_order_to_the_next_holder(db, pilot35, buyer, finance):
    agreement = make_agreement(rule="rotation")
    holders = [h.holder for h in agreement.lots.get().holdings.order_by("rank")]
    got = []
    for _ in range(4):
        order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
        got.append(order.holder)
    assert got == [holders[0], holders[1], holders[2], holders[0]]
    assert "Tour de rôle" in order.allocation_reason


def test_rotation_skips_a_holder_that_declined_this_request(db, pilot35, buyer, finance):
    agreement = make_agreement(rule="rotation")
    holders = [h.holder for h in agreement.lots.get().holdings.order_by("rank")]
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    services.order_decline(order=order, by=buyer, comment="Non")
    new = order.request.purchase_orders.get(state="draft")
    assert order.holder == holders[0] and new.holder == holders[1]
