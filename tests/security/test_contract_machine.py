"""Random executions of subsequent contracts: contract and phase actions by random roles on
random days, with stale POSTs, deliverables, the advance, instalments whose Syntec revision
raises the price against a tight maximum, payments, terminations with their partial release
and closings. After every step the legal and accounting invariants hold (check_invariants).
"""

import datetime
import os
from collections import Counter
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from framework_agreements import ceiling
from framework_agreements.models import FrameworkAgreement
from orders import invariants, services
from orders.models import ContractPhase, ContractState, Invoice, PhaseState, SubsequentContract
from procurement import clock
from tests.contract_factories import make_contract, pdf_upload, seed_indices
from tests.factories import make_local_agreement

ROLES = ["buyer", "finance", "admin", "pilot35", "pilot29"]
PHASE_NAMES = ["kickoff", "diagnosis", "strategy", "roadmap", "final_report"]
PREFIXES = iter(f"M{n}" for n in range(10_000))
REACHED = Counter()  # what the random runs reached: the test is worth what it explores


class ContractMachine(RuleBasedStateMachine):
    users = None

    def __init__(self):
        super().__init__()
        u = self.users
        self.agreement = make_local_agreement(holders=3, prefix=next(PREFIXES))
        # One contract well on its way (two phases accepted), one just started.
        self.contracts = [
            make_contract(u["pilot35"], u["buyer"], "in_execution", accepted=2 - 2 * i, shift=i).pk
            for i in range(2)
        ]
        # The index climbs 2 points a month: every revision raises the price. The maximum
        # leaves room for a few raises only.
        seed_indices(
            {datetime.date(2027, m, 1): Decimal("300.0") + 2 * (m - 3) for m in range(3, 13)}
        )
        committed = ceiling.agreement_figures(self.agreement).committed
        FrameworkAgreement.objects.filter(pk=self.agreement.pk).update(
            maximum_amount=committed + Decimal("1500.00"), minimum_amount=None
        )
        self.day = datetime.date(2027, 6, 25)  # after the warm-up's two acceptances

    def teardown(self):
        contracts = SubsequentContract.objects.filter(pk__in=self.contracts)
        REACHED["accepted"] += (
            ContractPhase.objects.filter(contract__in=contracts, state="accepted").count() - 2
        )
        REACHED["instalments"] += Invoice.objects.filter(
            subsequent_contract__in=contracts, contract_phase__isnull=False
        ).count()
        REACHED["ended"] += contracts.filter(
            state__in=["terminated", "completed", "closed"]
        ).count()
        # The next example awards on its own agreement: this one leaves the Local scheme.
        FrameworkAgreement.objects.filter(pk=self.agreement.pk).update(mechanism="purchase_orders")

    def contract(self, index):
        return SubsequentContract.objects.get(pk=self.contracts[index % len(self.contracts)])

    def phase(self, index, name):
        return self.contract(index).phases.get(phase=name)

    @rule(days=st.integers(min_value=1, max_value=10))
    def time_passes(self, days):
        self.day = min(self.day + datetime.timedelta(days=days), datetime.date(2027, 12, 20))

    @rule(
        index=st.integers(0, 1),
        action=st.sampled_from(services.CONTRACT_ACTIONS.names()),
        role=st.sampled_from(ROLES),
        stale=st.booleans(),
    )
    def contract_action(self, index, action, role, stale):
        contract = self.contract(index)
        before = contract.state
        expected = next(s for s in ContractState.values if s != before) if stale else before
        with clock.frozen(self.day):
            try:
                services.CONTRACT_ACTIONS[action].run(
                    contract, by=self.users[role], expected_state=expected, comment="motif"
                )
            except services.ActionRefused:
                assert SubsequentContract.objects.get(pk=contract.pk).state == before
            else:
                assert not stale, "a stale POST was applied"

    @rule(
        index=st.integers(0, 1),
        name=st.sampled_from(PHASE_NAMES),
        action=st.sampled_from(services.PHASE_ACTIONS.names()),
        role=st.sampled_from(ROLES),
        stale=st.booleans(),
        ahead=st.integers(min_value=1, max_value=10),
    )
    def phase_action(self, index, name, action, role, stale, ahead):
        phase = self.phase(index, name)
        before = phase.state
        expected = next(s for s in PhaseState.values if s != before) if stale else before
        data = {}
        if action == "schedule":
            start = self.day + datetime.timedelta(days=ahead)
            data = {"start_on": start, "end_on": start + datetime.timedelta(days=1), "place": "Ici"}
        with clock.frozen(self.day):
            try:
                services.PHASE_ACTIONS[action].run(
                    phase, by=self.users[role], expected_state=expected, comment="motif", **data
                )
            except services.ActionRefused:
                assert ContractPhase.objects.get(pk=phase.pk).state == before
            else:
                assert not stale, "a stale POST was applied"

    @rule(close=st.booleans())
    def end(self, close):
        """The buyer terminates the second contract, or finance closes the first once it may
        be (the first runs on, so the runs explore both endings)."""
        contract = self.contract(0 if close else 1)
        before = contract.state
        with clock.frozen(self.day):
            try:
                if close:
                    services.contract_close(contract=contract, by=self.users["finance"])
                else:
                    services.contract_terminate(
                        contract=contract, by=self.users["buyer"], comment="Abandon du projet"
                    )
            except services.ActionRefused:
                assert SubsequentContract.objects.get(pk=contract.pk).state == before

    @rule(index=st.integers(0, 1))
    def progress(self, index):
        """A diligent pilot moves the contract's current phase one step on."""
        pilot = self.users["pilot35"]
        phase = self.contract(index).phases.exclude(state="accepted").order_by("position").first()
        if phase is None:
            return
        with clock.frozen(self.day):
            try:
                if phase.state in ("planned", "returned") or (
                    phase.state == "scheduled"
                    and phase.start_on <= self.day
                    and phase.end_on >= self.day
                ):
                    start = self.day + datetime.timedelta(days=1)
                    services.phase_schedule(
                        phase=phase, by=pilot, start_on=start, end_on=start, place="Ici"
                    )
                elif phase.state == "scheduled" and phase.end_on < self.day:
                    for kind in phase.required_deliverables:
                        services.deliverable_add(
                            phase=phase, by=pilot, kind=kind, file=pdf_upload()
                        )
                    services.phase_submit(phase=ContractPhase.objects.get(pk=phase.pk), by=pilot)
                elif phase.state == "submitted":
                    services.phase_accept(phase=phase, by=pilot)
            except services.ActionRefused:
                pass

    @rule(index=st.integers(0, 1), name=st.sampled_from(PHASE_NAMES), role=st.sampled_from(ROLES))
    def deliver(self, index, name, role):
        phase = self.phase(index, name)
        with clock.frozen(self.day):
            for kind in phase.required_deliverables:
                try:
                    services.deliverable_add(
                        phase=phase, by=self.users[role], kind=kind, file=pdf_upload()
                    )
                except services.ActionRefused:
                    pass

    @rule(index=st.integers(0, 1), name=st.sampled_from([None, *PHASE_NAMES]))
    def invoice(self, index, name):
        finance = self.users["finance"]
        with clock.frozen(self.day):
            try:
                if name is None:
                    services.advance_record(
                        contract=self.contract(index),
                        by=finance,
                        holder_number="AV",
                        received_on=self.day,
                    )
                else:
                    services.instalment_record(
                        phase=self.phase(index, name),
                        by=finance,
                        holder_number=f"F-{name}",
                        received_on=self.day,
                    )
            except services.ActionRefused:
                pass

    @rule(index=st.integers(0, 1), role=st.sampled_from(ROLES))
    def pay(self, index, role):
        invoice = (
            Invoice.objects.filter(
                subsequent_contract_id=self.contracts[index % 2],
                state__in=["received", "accepted"],
            )
            .order_by("pk")
            .first()
        )
        if invoice is None:
            return
        action = "accept" if invoice.state == "received" else "pay"
        with clock.frozen(self.day):
            try:
                services.INVOICE_ACTIONS[action].run(invoice, by=self.users[role])
            except services.ActionRefused:
                assert Invoice.objects.get(pk=invoice.pk).state == invoice.state

    @invariant()
    def invariants_hold(self):
        assert invariants.breaches() == []


def test_random_executions_keep_every_invariant(all_users):
    ContractMachine.users = all_users
    run_state_machine_as_test(
        ContractMachine,
        settings=settings(
            max_examples=int(os.getenv("HYPOTHESIS_EXAMPLES", "4")),
            stateful_step_count=60,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    assert REACHED["accepted"] and REACHED["instalments"] and REACHED["ended"], REACHED
