"""Benchmark data in bulk: ten years of purchase orders on top of the demo's reference data.

The demo (`seed_demo`) gives the users, services, agreements, holders, experts and price
schedules; `fill(n)` then adds `n` accepted requests, each with its purchase order in a state
spread over the whole path (ended in past years), the request where that order's state
leaves it, its line, team (three experts), ledger entry, document and, once
invoiced, its invoice and payment. Rows go in by `bulk_create` (no history rows, no service
chain: these are figures for pages and exports, not for the business path, which the tests
drive). The Flash agreement's maximum is raised so that the bulk commitments fit.
"""

import datetime
import hashlib
import itertools
import time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F, Max

BATCH = 5000
# Bumped when what fill() writes changes: `make bench` then rebuilds its kept database.
VERSION = 3
# States as ten years of use leave them: an order of a past year has ended (closed, paid,
# cancelled or declined); only the current year's are still on their way.
ENDED = ["closed"] * 80 + ["paid"] * 12 + ["cancelled"] * 6 + ["declined"] * 2
CURRENT = ["closed"] * 30 + ["paid"] * 15 + ["invoiced"] * 8 + ["service_done"] * 6
CURRENT += ["delivered"] * 6 + ["in_progress"] * 8 + ["accepted"] * 6 + ["notified"] * 6
CURRENT += ["issued"] * 5 + ["draft"] * 5 + ["cancelled"] * 4 + ["declined"] * 1
PDF = b"%PDF-1.4\n% bench document\n%%EOF\n"
EXCL = Decimal("18100.00")
VAT = Decimal("3620.00")


def _chunks(iterable, size=BATCH):
    iterator = iter(iterable)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def fill(n, *, first_year=2017, log=print):
    """Add `n` orders (with their requests) to the database; returns the seconds it took."""
    from framework_agreements.models import CommitmentEntry, FrameworkAgreement, Lot, NumberSequence
    from framework_agreements.numbering import format_number
    from orders.models import (
        Collectivity,
        Document,
        Invoice,
        OrderLine,
        Payment,
        PurchaseOrder,
        TeamRequest,
    )
    from procurement.models import Role, User
    from teams.models import Expert, Team, TeamMember

    started = time.perf_counter()
    agreement = FrameworkAgreement.objects.filter(mechanism="purchase_orders").earliest("pk")
    huge = Decimal("9999999999.00")
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(maximum_amount=huge)
    agreement.lots.update(maximum_amount=huge)
    holdings = [
        (h.lot, h.holder, h.price_lines.order_by("code").first())
        for lot in agreement.lots.order_by("number")
        for h in lot.holdings.select_related("holder").order_by("rank")
    ]
    experts = {}
    for expert in Expert.objects.order_by("pk"):
        experts.setdefault(expert.holder_id, []).append(expert.pk)
    pilots = list(User.objects.filter(role=Role.PILOT).select_related("service").order_by("pk"))
    buyer = User.objects.filter(role=Role.BUYER).order_by("pk").first()
    years = 10
    per_year = -(-n // years)
    start_seq = {
        row["year"]: row["last"]
        for row in NumberSequence.objects.filter(agreement=agreement).values("year", "last")
    }
    next_seq = dict(start_seq)
    done = 0
    for chunk in _chunks(range(n)):
        with transaction.atomic():
            rows = []
            for i in chunk:
                pilot = pilots[i % len(pilots)]
                lot, holder, price = holdings[i % len(holdings)]
                year = first_year + min(i // per_year, years - 1)
                states = CURRENT if year == first_year + years - 1 else ENDED
                state = states[(i * 7) % len(states)]
                rows.append((i, pilot, lot, holder, year, state, price))
            requests = TeamRequest.objects.bulk_create(
                TeamRequest(
                    service=pilot.service,
                    department=pilot.service.department,
                    format="flash",
                    title=f"Atelier {i + 1} — revitalisation du centre-bourg",
                    problem_statement="Données de mesure.",
                    state=_request_state(state, year == first_year + years - 1),
                    created_by=pilot,
                )
                for i, pilot, _lot, _holder, year, state, _price in rows
            )
            Collectivity.objects.bulk_create(
                Collectivity(request=r, name=f"Commune {i + 1}", kind="commune", siren="213502362")
                for r, (i, *_) in zip(requests, rows, strict=True)
            )
            teams = Team.objects.bulk_create(
                Team(holder=holder, label=r.title, service=pilot.service, format="flash")
                for r, (_, pilot, _, holder, *_) in zip(requests, rows, strict=True)
            )
            TeamMember.objects.bulk_create(
                TeamMember(team=t, expert_id=e, role="lead" if k == 0 else "expert")
                for t, (i, _, _, holder, *_) in zip(teams, rows, strict=True)
                for k, e in enumerate(_three(experts[holder.pk], i))
            )
            orders = []
            for r, t, (i, _, lot, holder, year, state, _) in zip(
                requests, teams, rows, strict=True
            ):
                numbered = state != "draft"
                if numbered:
                    next_seq[year] = next_seq.get(year, 0) + 1
                orders.append(
                    PurchaseOrder(
                        agreement=agreement,
                        lot=lot,
                        request=r,
                        holder=holder,
                        team=t,
                        allocation_reason="Cascade : titulaire le mieux classé.",
                        state=state,
                        year=year if numbered else None,
                        sequence=next_seq[year] if numbered else None,
                        number=format_number(agreement, year, next_seq[year]) if numbered else "",
                        issued_by=buyer if numbered else None,
                        issuing_service=buyer.service if numbered else None,
                        session_start=datetime.date(year, 1 + i % 12, 1 + i % 28),
                        session_end=datetime.date(year, 1 + i % 12, 1 + i % 28),
                        session_place="Mairie",
                        ej_number=f"21{i:08d}",
                        total_excl_tax=EXCL + i % 100,
                        total_vat=VAT + Decimal(i % 100) / 5,
                        total_incl_tax=EXCL + VAT + Decimal(i % 100) * Decimal("1.2"),
                        created_by=buyer,
                    )
                )
            orders = PurchaseOrder.objects.bulk_create(orders)
            OrderLine.objects.bulk_create(
                OrderLine(
                    order=o,
                    price_line=price,
                    code=price.code,
                    label=price.label,
                    unit=price.unit,
                    unit_price=o.total_excl_tax,
                    vat_rate=price.vat_rate,
                    quantity=Decimal("1"),
                )
                for o, (*_, price) in zip(orders, rows, strict=True)
            )
            numbered = [o for o in orders if o.number]
            CommitmentEntry.objects.bulk_create(
                CommitmentEntry(
                    agreement=agreement,
                    lot_id=o.lot_id,
                    holder_id=o.holder_id,
                    kind="commit",
                    amount=o.total_excl_tax,
                    source=f"purchase_order:{o.pk}",
                    reference=o.number,
                    fiscal_year=o.year,
                    created_by=buyer,
                )
                for o in numbered
            )
            Document.objects.bulk_create(
                Document(
                    kind="purchase_order",
                    reference=o.number,
                    filename=f"bon-de-commande-{o.number}.pdf",
                    content=PDF,
                    size=len(PDF),
                    sha256=hashlib.sha256(PDF).hexdigest(),
                    created_by=buyer,
                    agreement=agreement,
                    holder_id=o.holder_id,
                    purchase_order=o,
                )
                for o in numbered
            )
            billed = [o for o in orders if o.state in ("invoiced", "paid", "closed")]
            invoices = Invoice.objects.bulk_create(
                Invoice(
                    purchase_order=o,
                    kind="balance",
                    holder_number=f"F-{o.pk}",
                    received_on=o.session_end + datetime.timedelta(days=40),
                    amount_excl_tax=o.total_excl_tax,
                    vat=o.total_vat,
                    amount_incl_tax=o.total_incl_tax,
                    state="accepted" if o.state == "invoiced" else "paid",
                    accepted_on=o.session_end + datetime.timedelta(days=45),
                    created_by=buyer,
                )
                for o in billed
            )
            Payment.objects.bulk_create(
                Payment(
                    invoice=inv,
                    paid_on=inv.received_on + datetime.timedelta(days=25),
                    amount=inv.amount_incl_tax,
                    recorded_by=buyer,
                )
                for inv in invoices
                if inv.state == "paid"
            )
            per_lot = {}
            for o in numbered:
                per_lot[o.lot_id] = per_lot.get(o.lot_id, Decimal("0")) + o.total_excl_tax
            for lot_id, amount in per_lot.items():
                Lot.objects.filter(pk=lot_id).update(
                    committed_amount=F("committed_amount") + amount
                )
            FrameworkAgreement.objects.filter(pk=agreement.pk).update(
                committed_amount=F("committed_amount") + sum(per_lot.values(), Decimal("0"))
            )
        done += len(chunk)
        log(f"  {done} / {n} orders ({time.perf_counter() - started:.0f} s)")
    for year, last in next_seq.items():
        NumberSequence.objects.update_or_create(
            agreement=agreement, year=year, defaults={"last": last}
        )
    _spread_dates(first_year, years)
    return time.perf_counter() - started


def _request_state(order_state, current_year):
    """Where orders/request_progress.py leaves the request of an order in this state; a
    request whose order was cancelled or declined in a past year was withdrawn since."""
    if order_state == "draft":
        return "accepted"
    if order_state == "closed":
        return "completed"
    if order_state in ("cancelled", "declined"):
        return "accepted" if current_year else "withdrawn"
    return "ordered"


def _three(pool, i):
    return [pool[(i + k) % len(pool)] for k in range(min(3, len(pool)))]


def _spread_dates(first_year, years):
    """Creation dates spread over the ten years (bulk_create stamps them all with now)."""
    from orders.models import PurchaseOrder, TeamRequest

    top = PurchaseOrder.objects.aggregate(m=Max("pk"))["m"] or 1
    with connection.cursor() as cursor:
        for model in (TeamRequest, PurchaseOrder):
            table = model._meta.db_table
            cursor.execute(
                f"UPDATE {table} SET created_at = %s + (id * %s) * INTERVAL '1 second' "
                f"WHERE created_at > %s",
                [
                    datetime.datetime(first_year, 1, 2, tzinfo=datetime.UTC),
                    int(years * 365 * 86400 / top),
                    datetime.datetime.now(datetime.UTC) - datetime.timedelta(hours=6),
                ],
            )
    with connection.cursor() as cursor:  # outside a transaction: VACUUM sets the visibility map
        cursor.execute("VACUUM ANALYZE")
