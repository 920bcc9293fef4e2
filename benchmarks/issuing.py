"""Issuing under contention: concurrent buyers issue drafts of one agreement on PostgreSQL.

The agreement's numbering row is locked from `numbering.next_number` to the commit; the
benchmark records, per issue, when the number was taken (the lock granted) and when the
transaction committed (`on_commit`), and how long the PDF build took inside."""

import statistics
import threading
import time


def issue_concurrently(orders, buyer, *, threads=8):
    from django.db import connection, transaction

    from framework_agreements import numbering
    from orders import services
    from orders.pdf import purchase_orders as pdf_module

    held, builds, errors = [], [], []
    lock = threading.Lock()
    take, build = numbering.next_number, pdf_module.purchase_order_pdf
    store = services.documents  # imports purchase_order_pdf lazily, from pdf_module

    def timed_take(*args, **kwargs):
        number = take(*args, **kwargs)
        granted = time.perf_counter()
        transaction.on_commit(lambda: held.append((time.perf_counter() - granted) * 1000))
        return number

    def timed_build(*args, **kwargs):
        start = time.perf_counter()
        content = build(*args, **kwargs)
        with lock:
            builds.append((time.perf_counter() - start) * 1000)
        return content

    queue = list(orders)

    def worker():
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    order = queue.pop()
                try:
                    services.order_issue(order=order, by=buyer)
                except Exception as exc:  # noqa: BLE001 - reported in the table
                    with lock:
                        errors.append(repr(exc))
        finally:
            connection.close()

    numbering.next_number, pdf_module.purchase_order_pdf = timed_take, timed_build
    try:
        start = time.perf_counter()
        pool = [threading.Thread(target=worker) for _ in range(threads)]
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
        elapsed = time.perf_counter() - start
    finally:
        numbering.next_number, pdf_module.purchase_order_pdf = take, build
    assert store is services.documents
    return {
        "rate": (len(orders) - len(errors)) / elapsed,
        "held_ms": statistics.median(held) if held else float("nan"),
        "build_ms": statistics.median(builds) if builds else float("nan"),
        "errors": errors,
    }


def drafts(count):
    """Draft orders ready to issue, made through the real services (request, order, lead)."""
    from django.contrib.auth import get_user_model

    from tests.factories import make_order

    users = get_user_model().objects
    pilot = users.get(username="pilote35")
    buyer = users.get(username="acheteur")
    finance = users.get(username="finance")
    return buyer, [make_order(pilot, buyer, finance) for _ in range(count)]


def check_ledger(agreement_pk, issued):
    """No gap in the numbers taken, and the running total equals the ledger, under the max."""
    from django.db.models import Sum

    from framework_agreements.models import CommitmentEntry, FrameworkAgreement
    from orders.models import PurchaseOrder

    sequences = sorted(
        PurchaseOrder.objects.filter(pk__in=[o.pk for o in issued]).values_list(
            "sequence", flat=True
        )
    )
    gapless = sequences == list(range(sequences[0], sequences[0] + len(sequences)))
    agreement = FrameworkAgreement.objects.get(pk=agreement_pk)
    ledger = CommitmentEntry.objects.filter(agreement=agreement).aggregate(s=Sum("amount"))["s"]
    return gapless and agreement.committed_amount == ledger <= agreement.maximum_amount
