"""Concurrent issuing against real PostgreSQL: the ceiling holds and numbers stay gapless.

SQLite serialises every writer, so it cannot show a race: these tests need DATABASE_URL to point
at PostgreSQL, which `.ci/run` does.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from framework_agreements import ceiling
from orders import services
from orders.models import PurchaseOrder
from tests.factories import UserFactory, make_agreement, make_order

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL (set DATABASE_URL); SQLite cannot show concurrency",
    ),
    pytest.mark.usefixtures("reference_data"),
]

THREADS = 16


def _issue_all(orders, buyer):
    barrier = threading.Barrier(len(orders))
    outcomes = []
    lock = threading.Lock()

    def worker(order):
        try:
            barrier.wait()
            services.order_issue(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
            result = "issued"
        except services.ActionRefused as exc:
            result = str(exc)
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=worker, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("run", range(5))
def test_sixteen_concurrent_issues_never_exceed_the_maximum(run):
    buyer = UserFactory(buyer=True)
    pilot = UserFactory()
    finance = UserFactory(finance=True)
    # Each order is 18 100,00 € HT; the maximum admits exactly 10 of the 16.
    agreement = make_agreement(maximum=Decimal("181000.00"), holders=1, prefix=f"C{run}")
    orders = [make_order(pilot, buyer, finance) for _ in range(THREADS)]
    assert {o.total_excl_tax for o in orders} == {Decimal("18100.00")}

    outcomes = _issue_all(orders, buyer)

    issued = PurchaseOrder.objects.filter(agreement=agreement, state="issued")
    committed = ceiling.agreement_figures(agreement).committed
    assert len(outcomes) == THREADS
    assert outcomes.count("issued") == issued.count() == 10
    assert all("montant maximum" in o for o in outcomes if o != "issued")
    assert committed == Decimal("181000.00") <= agreement.maximum_amount
    assert sorted(issued.values_list("sequence", flat=True)) == list(range(1, 11))
    assert PurchaseOrder.objects.filter(agreement=agreement, state="draft").count() == 6


def test_concurrent_issue_and_cancel_keep_the_ledger_consistent():
    buyer = UserFactory(buyer=True)
    pilot = UserFactory()
    finance = UserFactory(finance=True)
    agreement = make_agreement(maximum=Decimal("54300.00"), holders=1, prefix="CX")
    issued = [make_order(pilot, buyer, finance) for _ in range(3)]
    for order in issued:
        services.order_issue(order=order, by=buyer)
    drafts = [make_order(pilot, buyer, finance) for _ in range(3)]
    barrier = threading.Barrier(6)

    def cancel(order):
        barrier.wait()
        services.order_cancel(
            order=PurchaseOrder.objects.get(pk=order.pk),
            by=buyer,
            comment="annulé",
        )
        connections.close_all()

    def issue(order):
        barrier.wait()
        try:
            services.order_issue(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
        except services.ActionRefused:
            pass
        connections.close_all()

    threads = [threading.Thread(target=cancel, args=(o,)) for o in issued] + [
        threading.Thread(target=issue, args=(o,)) for o in drafts
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    live = PurchaseOrder.objects.filter(agreement=agreement, state="issued")
    figures = ceiling.agreement_figures(agreement)
    assert figures.committed == sum(o.total_excl_tax for o in live)
    assert figures.committed <= agreement.maximum_amount
    numbers = sorted(
        PurchaseOrder.objects.filter(agreement=agreement)
        .exclude(sequence=None)
        .values_list("sequence", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("run", range(3))
def test_two_concurrent_confirmations_never_double_book_an_expert(run):
    import datetime

    from teams import services as team_services
    from teams.models import Booking, TeamMember

    buyer = UserFactory(buyer=True)
    pilot = UserFactory()
    finance = UserFactory(finance=True)
    make_agreement(holders=1, prefix=f"B{run}")
    orders = [make_order(pilot, buyer, finance) for _ in range(2)]
    shared = orders[0].team.members.get().expert
    TeamMember.objects.filter(team=orders[1].team).update(expert=shared)
    start, end = datetime.date(2027, 6, 1), datetime.date(2027, 6, 3)
    barrier = threading.Barrier(2)
    results = []

    def confirm(order):
        barrier.wait()
        try:
            team_services.team_confirm(team=order.team, start=start, end=end, by=buyer)
            results.append("ok")
        except team_services.TeamRefused:
            results.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(results) == ["ok", "refused"]
    assert Booking.objects.filter(expert=shared).count() == 1


@pytest.mark.parametrize("run", range(3))
def test_sixteen_concurrent_takers_of_a_new_years_first_number_get_1_to_16(run):
    from django.db import transaction

    from framework_agreements import numbering

    agreement = make_agreement(holders=1, prefix=f"N{run}")
    barrier = threading.Barrier(THREADS)
    taken = []
    lock = threading.Lock()

    def worker():
        try:
            barrier.wait()
            with transaction.atomic():  # the row is created, then locked, by whoever comes first
                number = numbering.next_number(agreement, 2031)
            with lock:
                taken.append(number.sequence)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(taken) == list(range(1, THREADS + 1))


@pytest.mark.parametrize("run", range(3))
def test_concurrent_awards_never_pass_the_local_maximum_and_keep_numbers_gapless(run):
    import datetime

    from orders.models import Consultation, SubsequentContract
    from procurement import clock
    from tests.factories import make_local_agreement
    from tests.local_factories import make_consultation

    buyer = UserFactory(buyer=True)
    pilot = UserFactory()
    # Each award commits 104 000 € (offer B): the maximum admits exactly 3 of the 6.
    agreement = make_local_agreement(holders=3, maximum=Decimal("312000.00"), prefix=f"L{run}")
    start = datetime.date(2027, 3, 1)
    consultations = [make_consultation(pilot, buyer, "evaluating", start=start) for _ in range(6)]
    barrier = threading.Barrier(len(consultations))
    outcomes = []

    def award(consultation):
        try:
            with clock.frozen(start + datetime.timedelta(days=33)):
                barrier.wait()
                services.consultation_award(
                    consultation=Consultation.objects.get(pk=consultation.pk), by=buyer
                )
            outcomes.append("awarded")
        except services.ActionRefused as exc:
            outcomes.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=award, args=(c,)) for c in consultations]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    contracts = SubsequentContract.objects.filter(agreement=agreement)
    assert outcomes.count("awarded") == contracts.count() == 3
    assert all("montant maximum" in o for o in outcomes if o != "awarded")
    assert ceiling.agreement_figures(agreement).committed == Decimal("312000.00")
    assert sorted(contracts.values_list("sequence", flat=True)) == [1, 2, 3]
    assert Consultation.objects.filter(state="evaluating").count() == 3  # the refused rolled back
