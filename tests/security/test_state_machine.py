"""Random sequences of order and re-competition actions, by random roles, with stale POSTs,
cancellations, declines and awards: after every step the legal and accounting invariants hold
(check_invariants).

Hypothesis runs derandomized with a bounded number of examples and steps, so the test is
neither flaky nor slow; HYPOTHESIS_EXAMPLES raises the bound for a longer local run.
"""

import datetime
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
from orders.models import ConsultationState, PurchaseOrder
from orders.models.consultations import LOCAL_PHASES
from procurement import clock
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


def clock_at(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)


class ConsultationMachine(RuleBasedStateMachine):
    """Random re-competitions: actions by random roles at random days, with stale POSTs, on
    a Local agreement whose maximum admits only some awards."""

    users = None
    consultations = Bundle("consultations")

    def __init__(self):
        super().__init__()
        from tests.factories import make_local_agreement

        self.agreement = make_local_agreement(
            holders=3, maximum=Decimal("250000.00"), prefix=next(PREFIXES)
        )
        self.day = datetime.date(2027, 3, 1)

    @rule(days=st.integers(min_value=1, max_value=20))
    def time_passes(self, days):
        self.day += datetime.timedelta(days=days)

    @rule(target=consultations)
    def prepare(self):
        from tests.factories import make_request

        u = self.users
        request = make_request(u["pilot35"], state="accepted", buyer=u["buyer"], fmt="local")
        with clock.frozen(self.day):
            consultation = services.consultation_prepare(team_request=request, by=u["buyer"])
            services.consultation_update(
                consultation=consultation,
                by=u["buyer"],
                subject="Atelier",
                estimated_amount=Decimal("100000"),
                deadline=datetime.datetime.combine(
                    self.day + datetime.timedelta(days=15), datetime.time(12), tzinfo=datetime.UTC
                ),
                contact="AD1",
            )
        return consultation.pk

    @rule(consultation=consultations, price=st.sampled_from([70000, 96000, 104000, 130000]))
    def holders_answer_and_buyer_fills(self, consultation, price):
        """What the buyer records between the steps: answers, contents, scores (when due)."""
        from orders.models import Consultation

        buyer = self.users["buyer"]
        c = Consultation.objects.get(pk=consultation)
        with clock.frozen(self.day):
            try:
                if c.state == "launched":
                    for invitation in c.invitations.exclude(holder__offers__consultation=c):
                        services.offer_record(consultation=c, by=buyer, holder=invitation.holder)
                elif c.state == "opened":
                    for offer in c.offers.filter(status="submitted"):
                        lead = offer.holder.experts.order_by("pk").first()
                        services.offer_content(
                            offer=offer,
                            by=buyer,
                            prices={p: Decimal(price) / 5 for p in LOCAL_PHASES},
                            team=[(lead, True, {"diagnosis": 2})],
                        )
                elif c.state == "evaluating":
                    for offer in c.offers.filter(status="submitted"):
                        services.offer_score(
                            offer=offer,
                            by=buyer,
                            marks={k: (Decimal(7), "j") for k in ("territory", "method", "team")},
                        )
            except services.ActionRefused:
                pass  # e.g. an answer after the deadline: refused, nothing written

    @rule(consultation=consultations)
    def advance(self, consultation):
        """One step along the way, as the buyer would take it, so deep states are reached."""
        from orders.models import Consultation

        buyer = self.users["buyer"]
        c = Consultation.objects.get(pk=consultation)
        if c.state == "launched" and not c.deadline_passed(clock_at(self.day)):
            self.holders_answer_and_buyer_fills(consultation, 104000)
            self.day = c.deadline.date() + datetime.timedelta(days=1)
        elif c.state in ("opened", "evaluating"):
            self.holders_answer_and_buyer_fills(consultation, 104000)
        step = {"draft": "launch", "launched": "open", "opened": "evaluate", "evaluating": "award"}
        if c.state in step:
            with clock.frozen(self.day):
                try:
                    services.CONSULTATION_ACTIONS[step[c.state]].run(
                        Consultation.objects.get(pk=c.pk), by=buyer, comment="motif"
                    )
                except services.ActionRefused:
                    pass  # a deadline already passed, the ceiling reached…

    @rule(
        consultation=consultations,
        action=st.sampled_from(services.CONSULTATION_ACTIONS.names()),
        role=st.sampled_from(ROLES),
        stale=st.booleans(),
    )
    def act(self, consultation, action, role, stale):
        from orders.models import Consultation

        c = Consultation.objects.get(pk=consultation)
        before = c.state
        expected = next(s for s in ConsultationState.values if s != before) if stale else before
        with clock.frozen(self.day):
            try:
                services.CONSULTATION_ACTIONS[action].run(
                    c, by=self.users[role], expected_state=expected, comment="motif"
                )
            except services.ActionRefused:
                assert Consultation.objects.get(pk=c.pk).state == before
            else:
                assert not stale, "a stale POST was applied"

    @invariant()
    def invariants_hold(self):
        assert invariants.breaches() == []


def test_random_re_competitions_keep_every_invariant(all_users):
    ConsultationMachine.users = all_users
    run_state_machine_as_test(
        ConsultationMachine,
        settings=settings(
            max_examples=int(os.getenv("HYPOTHESIS_EXAMPLES", "10")),
            stateful_step_count=30,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
