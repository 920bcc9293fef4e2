"""Benchmark data in bulk: ten years of purchase orders on top of the demo's reference data.

The demo (`seed_demo`) gives the users, services, agreements, holders, experts and price
schedules; `fill(n)` then adds `n` accepted requests, each with its purchase order in a state
spread over the whole path (ended in past years), the request where that order's state
leaves it, its line, team (three experts), ledger entry, document and, once
invoiced, its invoice and payment. Rows go in by COPY (benchmarks/bulk.py: no history rows,
no service chain: these are figures for pages and exports, not for the business path, which
the tests drive), dated along the ten years as they are written. The Flash agreement's
maximum is raised so that the bulk commitments fit.
"""

import datetime
import hashlib
import itertools
import time
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

BATCH = 5000
# Bumped when what fill() writes changes: `make bench` then rebuilds its kept database.
VERSION = 4
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

    from .bulk import Table

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
    tables = {
        "requests": Table(TeamRequest, format="flash", problem_statement="Données de mesure."),
        "collectivities": Table(Collectivity, kind="commune", siren="213502362"),
        "teams": Table(Team, format="flash"),
        "members": Table(TeamMember),
        "orders": Table(
            PurchaseOrder,
            agreement=agreement,
            allocation_reason="Cascade : titulaire le mieux classé.",
            session_place="Mairie",
            created_by=buyer,
        ),
        "lines": Table(OrderLine, quantity=Decimal("1")),
        "ledger": Table(CommitmentEntry, agreement=agreement, kind="commit", created_by=buyer),
        "documents": Table(
            Document,
            kind="purchase_order",
            content=PDF,
            size=len(PDF),
            sha256=hashlib.sha256(PDF).hexdigest(),
            version=1,
            created_by=buyer,
            agreement=agreement,
        ),
        "invoices": Table(Invoice, kind="balance", created_by=buyer),
        "payments": Table(Payment, recorded_by=buyer),
    }
    years = 10
    per_year = -(-n // years)
    # Creation dates spread evenly from the first year to an hour ago, in the order of the rows.
    origin = datetime.datetime(first_year, 1, 2, tzinfo=datetime.UTC)
    step = (timezone.now() - datetime.timedelta(hours=1) - origin) / max(n, 1)
    start_seq = {
        row["year"]: row["last"]
        for row in NumberSequence.objects.filter(agreement=agreement).values("year", "last")
    }
    next_seq = dict(start_seq)
    committed, done = {}, 0
    for chunk in _chunks(range(n)):
        with transaction.atomic():
            rows = _chunk_rows(chunk, tables, pilots, holdings, experts)
            for i, row in zip(chunk, rows, strict=True):
                row["created_at"] = origin + step * i
                year = first_year + min(i // per_year, years - 1)
                states = CURRENT if year == first_year + years - 1 else ENDED
                row["state"] = states[(i * 7) % len(states)]
                row["year"] = year
                if row["state"] != "draft":
                    next_seq[year] = next_seq.get(year, 0) + 1
                    row["sequence"] = next_seq[year]
                    row["number"] = format_number(agreement, year, next_seq[year])
            _write(rows, tables, buyer, first_year + years - 1)
            for row in rows:
                if row.get("number"):
                    lot_id = row["lot"].pk
                    committed[lot_id] = committed.get(lot_id, Decimal("0")) + row["excl"]
        done += len(chunk)
        log(f"  {done} / {n} orders ({time.perf_counter() - started:.0f} s)")
    for lot_id, amount in committed.items():
        Lot.objects.filter(pk=lot_id).update(committed_amount=F("committed_amount") + amount)
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(
        committed_amount=F("committed_amount") + sum(committed.values(), Decimal("0"))
    )
    for year, last in next_seq.items():
        NumberSequence.objects.update_or_create(
            agreement=agreement, year=year, defaults={"last": last}
        )
    with connection.cursor() as cursor:  # outside a transaction: VACUUM sets the visibility map
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _chunk_rows(chunk, tables, pilots, holdings, experts):
    """One dict per order of the chunk: who, for whom, which holder, and the ids it will take."""
    count = len(chunk)
    ids = {name: iter(tables[name].ids(count)) for name in ("requests", "teams", "orders")}
    rows = []
    for i in chunk:
        pilot = pilots[i % len(pilots)]
        lot, holder, price = holdings[i % len(holdings)]
        rows.append(
            {
                "i": i,
                "pilot": pilot,
                "lot": lot,
                "holder": holder,
                "price": price,
                "experts": _three(experts[holder.pk], i),
                "request_id": next(ids["requests"]),
                "team_id": next(ids["teams"]),
                "order_id": next(ids["orders"]),
                "excl": EXCL + i % 100,
                "vat": VAT + Decimal(i % 100) / 5,
                "incl": EXCL + VAT + Decimal(i % 100) * Decimal("1.2"),
            }
        )
    return rows


def _write(rows, t, buyer, current_year):
    """COPY the chunk's rows, table after table (foreign keys are checked at commit)."""
    t["requests"].copy(
        {
            "id": r["request_id"],
            "service_id": r["pilot"].service_id,
            "department_id": r["pilot"].service.department_id,
            "title": f"Atelier {r['i'] + 1} — revitalisation du centre-bourg",
            "state": _request_state(r["state"], r["year"] == current_year),
            "created_by_id": r["pilot"].pk,
            "created_at": r["created_at"],
        }
        for r in rows
    )
    t["collectivities"].copy(
        {"id": c, "request_id": r["request_id"], "name": f"Commune {r['i'] + 1}"}
        for c, r in zip(t["collectivities"].ids(len(rows)), rows, strict=True)
    )
    t["teams"].copy(
        {
            "id": r["team_id"],
            "holder_id": r["holder"].pk,
            "label": f"Atelier {r['i'] + 1} — revitalisation du centre-bourg",
            "service_id": r["pilot"].service_id,
        }
        for r in rows
    )
    members = [(r, k, e) for r in rows for k, e in enumerate(r["experts"])]
    t["members"].copy(
        {
            "id": m,
            "team_id": r["team_id"],
            "expert_id": e,
            "role": "lead" if k == 0 else "expert",
        }
        for m, (r, k, e) in zip(t["members"].ids(len(members)), members, strict=True)
    )
    t["orders"].copy(_order(r, buyer) for r in rows)
    t["lines"].copy(
        {
            "id": line,
            "order_id": r["order_id"],
            "price_line_id": r["price"].pk,
            "code": r["price"].code,
            "label": r["price"].label,
            "unit": r["price"].unit,
            "unit_price": r["excl"],
            "vat_rate": r["price"].vat_rate,
        }
        for line, r in zip(t["lines"].ids(len(rows)), rows, strict=True)
    )
    numbered = [r for r in rows if r.get("number")]
    t["ledger"].copy(
        {
            "id": e,
            "lot_id": r["lot"].pk,
            "holder_id": r["holder"].pk,
            "amount": r["excl"],
            "source": f"purchase_order:{r['order_id']}",
            "reference": r["number"],
            "fiscal_year": r["year"],
            "created_at": r["created_at"],
        }
        for e, r in zip(t["ledger"].ids(len(numbered)), numbered, strict=True)
    )
    t["documents"].copy(
        {
            "id": d,
            "reference": r["number"],
            "filename": f"bon-de-commande-{r['number']}.pdf",
            "holder_id": r["holder"].pk,
            "purchase_order_id": r["order_id"],
            "created_at": r["created_at"],
        }
        for d, r in zip(t["documents"].ids(len(numbered)), numbered, strict=True)
    )
    billed = [r for r in rows if r["state"] in ("invoiced", "paid", "closed")]
    invoice_ids = t["invoices"].ids(len(billed))
    t["invoices"].copy(_invoice(v, r) for v, r in zip(invoice_ids, billed, strict=True))
    paid = [(v, r) for v, r in zip(invoice_ids, billed, strict=True) if r["state"] != "invoiced"]
    t["payments"].copy(
        {
            "id": p,
            "invoice_id": v,
            "paid_on": _session(r) + datetime.timedelta(days=65),
            "amount": r["incl"],
        }
        for p, (v, r) in zip(t["payments"].ids(len(paid)), paid, strict=True)
    )


def _session(r):
    i = r["i"]
    return datetime.date(r["year"], 1 + i % 12, 1 + i % 28)


def _order(r, buyer):
    numbered = r["state"] != "draft"
    return {
        "id": r["order_id"],
        "lot_id": r["lot"].pk,
        "request_id": r["request_id"],
        "holder_id": r["holder"].pk,
        "team_id": r["team_id"],
        "state": r["state"],
        "year": r["year"] if numbered else None,
        "sequence": r.get("sequence"),
        "number": r.get("number", ""),
        "issued_by_id": buyer.pk if numbered else None,
        "issuing_service_id": buyer.service_id if numbered else None,
        "session_start": _session(r),
        "session_end": _session(r),
        "ej_number": f"21{r['i']:08d}",
        "total_excl_tax": r["excl"],
        "total_vat": r["vat"],
        "total_incl_tax": r["incl"],
        "created_at": r["created_at"],
    }


def _invoice(invoice_id, r):
    session = _session(r)
    return {
        "id": invoice_id,
        "purchase_order_id": r["order_id"],
        "holder_number": f"F-{r['order_id']}",
        "received_on": session + datetime.timedelta(days=40),
        "amount_excl_tax": r["excl"],
        "vat": r["vat"],
        "amount_incl_tax": r["incl"],
        "state": "accepted" if r["state"] == "invoiced" else "paid",
        "accepted_on": session + datetime.timedelta(days=45),
    }


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
