"""Random sequences of order actions, by random roles, with stale POSTs, cancellations and
declines: after every step the legal and accounting invariants hold (check_invariants).

Hypothesis runs derandomized with a bounded number of examples and steps, so the test is
neither flaky nor slow; HYPOTHESIS_EXAMPLES raises the bound for a longer local run.
"""

import itertools
import os
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from orders import invariants, services
from orders.enums import OrderState
from orders.models import PurchaseOrder
from tests.factories import make_agreement, make_order, step_data

ROLES = ["buyer", "finance", "admin", "pilot35", "pilot29"]
PREFIXES = (f"H{n}" for n in itertools.count())


class OrderMachine(RuleBasedStateMachine):
    users = None  # set by the test: the five users of conftest
    orders = Bundle("orders")

    def __init__(self):
        super().__init__()
        # A tight maximum, so issuing meets the ceiling within a few steps.
        self.agreement = make_agreement(maximum=Decimal("60000.00"), prefix=next(PREFIXES))

    @rule(target=orders)
    def prepare(self):
        u = self.users
        return make_order(u["pilot35"], u["buyer"], u["finance"]).pk

    @rule(
        order=orders,
        action=st.sampled_from(services.ORDER_ACTIONS.names()),
        role=st.sampled_from(ROLES),
        stale=st.booleans(),
    )
    def act(self, order, action, role, stale):
        order = PurchaseOrder.objects.get(pk=order)
        before = order.state
        expected = before
        if stale:  # a POST from a page that showed another state
            expected = next(s for s in OrderState.values if s != before)
        try:
            services.ORDER_ACTIONS[action].run(
                order,
                by=self.users[role],
                expected_state=expected,
                comment="motif",
                **step_data(action, order),
            )
        except services.ActionRefused:
            assert PurchaseOrder.objects.get(pk=order.pk).state == before
        else:
            assert not stale, "a stale POST was applied"

    @invariant()
    def invariants_hold(self):
        assert invariants.breaches() == []


def test_random_sequences_of_actions_keep_every_invariant(all_users):
    OrderMachine.users = all_users
    run_state_machine_as_test(
        OrderMachine,
        settings=settings(
            max_examples=int(os.getenv("HYPOTHESIS_EXAMPLES", "12")),
            stateful_step_count=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
