"""Concurrent revisions against real PostgreSQL: instalments whose Syntec revision raises the
price commit the raise under the agreement's lock; when the maximum admits only some of
them, the others are refused with the remaining amount and write nothing."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from framework_agreements import ceiling
from framework_agreements.models import FrameworkAgreement
from orders import services
from orders.models import ContractPhase, Invoice, PriceRevision
from procurement import clock
from tests.contract_factories import make_contract, seed_indices
from tests.factories import UserFactory, make_local_agreement

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL); SQLite cannot show concurrency",
    ),
    pytest.mark.usefixtures("reference_data"),
]

CONTRACTS = 4


@pytest.mark.parametrize("run", range(2))
def test_concurrent_revisions_never_pass_the_maximum(run):
    buyer, pilot = UserFactory(buyer=True), UserFactory()
    finance = UserFactory(finance=True)
    agreement = make_local_agreement(holders=3, prefix=f"R{run}")
    contracts = [
        make_contract(pilot, buyer, "in_execution", accepted=1, shift=i) for i in range(CONTRACTS)
    ]
    # The kick-offs were accepted in May 2027: 0.15 + 0.85 × 310 / 300 = 1.0283, so each
    # 10 000 € kick-off is revised to 10 283 €, a raise of 283 €.
    seed_indices({datetime.date(2027, 5, 1): Decimal("310.0")})
    committed = ceiling.agreement_figures(agreement).committed
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(
        maximum_amount=committed + Decimal("600.00"), minimum_amount=None
    )
    phases = [c.phases.get(phase="kickoff") for c in contracts]
    barrier = threading.Barrier(CONTRACTS)
    outcomes, lock = [], threading.Lock()

    def record(phase):
        try:
            with clock.frozen(datetime.date(2027, 6, 5)):
                barrier.wait()
                services.instalment_record(
                    phase=ContractPhase.objects.get(pk=phase.pk),
                    by=finance,
                    holder_number=f"F-{phase.pk}",
                    received_on=datetime.date(2027, 6, 5),
                )
            result = "recorded"
        except services.ActionRefused as exc:
            result = str(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=record, args=(p,)) for p in phases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert outcomes.count("recorded") == 2
    refused = [o for o in outcomes if o != "recorded"]
    assert len(refused) == 2
    assert all("Reste disponible : 34,00" in o for o in refused), refused
    assert ceiling.agreement_figures(agreement).committed == committed + Decimal("566.00")
    assert PriceRevision.objects.count() == Invoice.objects.count() == 2
    assert ceiling.verify(agreement) == []
