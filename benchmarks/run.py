"""`make bench`: figures for the pages and documents that grow with the data.

Runs on a throw-away SQLite database (or the PostgreSQL server named by BENCH_DATABASE_URL),
fills it in bulk, then measures with the Django test client. Prints a table; asserts nothing.
"""

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROWS = [int(n) for n in os.getenv("BENCH_ROWS", "100,1000,5000").split(",")]


def setup_django():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    tmp = tempfile.mkdtemp(prefix="bench-")
    os.environ["DATABASE_URL"] = os.getenv("BENCH_DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    os.environ["MEDIA_ROOT"] = tmp
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(fn, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def fill(n, pilot, buyer, agreement):
    """n accepted requests, each with an issued order (bulk: benchmark data, not the flow)."""
    from django.db.models import F

    from framework_agreements.models import CommitmentEntry, FrameworkAgreement, NumberSequence
    from orders.models import Collectivity, PurchaseOrder, TeamRequest
    from teams.models import Team, TeamMember
    from tests.factories import ExpertFactory

    holding = agreement.lots.get().holdings.first()
    existing = TeamRequest.objects.count()
    requests = TeamRequest.objects.bulk_create(
        TeamRequest(
            service=pilot.service,
            department=pilot.service.department,
            format="flash",
            title=f"Atelier {existing + i}",
            problem_statement="x",
            state="accepted",
            created_by=pilot,
        )
        for i in range(n - existing)
    )
    Collectivity.objects.bulk_create(
        Collectivity(request=r, name=f"Commune {r.pk}", kind="commune", siren="213502362")
        for r in requests
    )
    teams = Team.objects.bulk_create(
        Team(holder=holding.holder, label=r.title, service=pilot.service) for r in requests
    )
    experts = [ExpertFactory(holder=holding.holder) for _ in range(3)]
    TeamMember.objects.bulk_create(
        TeamMember(team=t, expert=e, role="lead" if i == 0 else "expert")
        for t in teams
        for i, e in enumerate(experts)
    )
    start = PurchaseOrder.objects.count()
    orders = PurchaseOrder.objects.bulk_create(
        PurchaseOrder(
            agreement=agreement,
            lot=holding.lot,
            request=r,
            holder=holding.holder,
            team=t,
            allocation_reason="bench",
            state="issued",
            year=2026,
            sequence=start + i + 1,
            number=f"FLASH-2026-{start + i + 1:05d}",
            total_excl_tax=Decimal("18100.00"),
            total_vat=Decimal("3620.00"),
            total_incl_tax=Decimal("21720.00"),
            created_by=buyer,
        )
        for i, (r, t) in enumerate(zip(requests, teams, strict=True))
    )
    CommitmentEntry.objects.bulk_create(
        CommitmentEntry(
            agreement=agreement,
            lot=holding.lot,
            kind="commit",
            amount=o.total_excl_tax,
            source=f"purchase_order:{o.pk}",
            reference=o.number,
            holder=holding.holder,
            fiscal_year=2026,
            created_by=buyer,
        )
        for o in orders
    )
    # The numbering sequence continues after the bulk numbers.
    NumberSequence.objects.update_or_create(
        agreement=agreement, year=2026, defaults={"last": start + len(orders)}
    )
    # The running total follows the ledger (ceiling.commit does this one order at a time).
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(
        committed_amount=F("committed_amount") + Decimal("18100.00") * len(orders)
    )


def main():
    setup_django()
    from django.db import connection
    from django.test import Client

    from framework_agreements import ceiling
    from orders import services
    from orders.models import PurchaseOrder
    from orders.pdf.purchase_orders import purchase_order_pdf
    from teams.models import TeamMember
    from tests.factories import UserFactory, make_agreement, make_order

    agreement = make_agreement(maximum=Decimal("1000000000.00"))
    buyer = UserFactory(buyer=True)
    pilot = UserFactory()
    finance = UserFactory(finance=True)
    client = Client()
    client.force_login(buyer)

    print(f"database: {connection.vendor}")
    print(f"{'rows':>6} | {'page or task':<34} | {'median ms':>9} | {'queries':>7}")
    print("-" * 66)
    for n in ROWS:
        fill(n, pilot, buyer, agreement)
        for label, url in [
            ("order list (page 1)", "/commandes/"),
            ("order list (last page)", f"/commandes/?page={n // 25 + 1}"),
            ("request list, filtered", "/demandes/?state=accepted&format=flash"),
            ("dashboard", "/"),
            ("agreement detail (ceiling)", f"/accords-cadres/{agreement.pk}/"),
        ]:
            counter = QueryCounter()
            # request_started resets connection.queries, so count through a wrapper instead.
            with connection.execute_wrapper(counter):
                assert client.get(url).status_code == 200, url
            ms = timed(lambda url=url: client.get(url))
            print(f"{n:>6} | {label:<34} | {ms:>9.1f} | {counter.count:>7}")
        ms = timed(lambda: ceiling.agreement_figures(agreement))
        print(f"{n:>6} | {'ceiling figures (running total)':<34} | {ms:>9.2f} | {1:>7}")

    order = make_order(pilot, buyer, finance)
    ms = timed(
        lambda: purchase_order_pdf(
            PurchaseOrder.objects.get(pk=order.pk), services.documents.team_rows(order.team)
        ),
        repeat=20,
    )
    print(f"{'1':>6} | {'purchase-order PDF (reportlab)':<34} | {ms:>9.1f} | {'-':>7}")
    drafts = [make_order(pilot, buyer, finance) for _ in range(20)]
    start = time.perf_counter()
    for draft in drafts:
        services.order_issue(order=draft, by=buyer)
    ms = (time.perf_counter() - start) * 1000 / len(drafts)
    print(f"{'20':>6} | {'issue (lock+ceiling+number+PDF)':<34} | {ms:>9.1f} | {'-':>7}")
    from exports import registry

    count = TeamMember.objects.count()
    for kind in ("teams", "orders"):
        spec = registry.get(kind)
        with tempfile.TemporaryFile() as out:
            ms = timed(lambda spec=spec, out=out: spec.write(finance, {}, out), repeat=3)
        print(f"{count:>6} | {spec.title + ' XLSX':<34} | {ms:>9.1f} | {'-':>7}")


if __name__ == "__main__":
    main()
