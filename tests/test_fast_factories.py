"""The fast factories place an order in a state with what the happy path would have left:
same state, number, commitment, document and team. Checked state by state against the path."""

import pytest

from framework_agreements import ceiling
from orders.enums import OrderState
from tests.factories import make_agreement, make_order
from tests.fast_factories import fast_order


def _shape(order):
    order.refresh_from_db()
    return {
        "state": order.state,
        "numbered": bool(order.number),
        "held": ceiling.held_by(order.source_key),
        "documents": sorted(
            set(order.documents.values_list("kind", flat=True)) & {"purchase_order"}
        ),
        "team_lead": order.team.lead() is not None,
        "team_confirmed": order.team.confirmed_at is not None,
        "total": order.total_excl_tax,
        "declined": order.declines.count(),
    }


@pytest.mark.parametrize("state", OrderState.values)
def test_a_fast_order_looks_like_one_driven_through_the_services(state, all_users):
    u = all_users
    agreement = make_agreement(holders=3)
    driven = make_order(u["pilot35"], u["buyer"], u["finance"], state=state)
    fast = fast_order(u["pilot35"], u["buyer"], u["finance"], state=state)
    assert _shape(fast) == _shape(driven)
    assert ceiling.verify(agreement) == []
