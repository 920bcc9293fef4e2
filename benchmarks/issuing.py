"""Issuing under contention: concurrent buyers issue drafts of one agreement on PostgreSQL.

The agreement's numbering row is locked from `numbering.next_number` to the commit; the
benchmark records, per issue, when the number was taken (the lock granted) and when the
transaction committed (`on_commit`), and how long the PDF build took inside. Each buyer is
a process."""

import statistics
import time


def _issuer(order_ids, buyer_id, ready, go, results):
    """One buyer, in its own process (as a gunicorn worker would be): issue these drafts."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from framework_agreements import numbering
    from orders import services
    from orders.models import PurchaseOrder
    from orders.pdf import purchase_orders as pdf_module

    held, builds, errors = [], [], []
    take, build = numbering.next_number, pdf_module.purchase_order_pdf

    def timed_take(*args, **kwargs):
        number = take(*args, **kwargs)
        granted = time.perf_counter()  # the numbering row's lock is held from here to commit
        transaction.on_commit(lambda: held.append((time.perf_counter() - granted) * 1000))
        return number

    def timed_build(*args, **kwargs):
        start = time.perf_counter()
        content = build(*args, **kwargs)
        builds.append((time.perf_counter() - start) * 1000)
        return content

    numbering.next_number, pdf_module.purchase_order_pdf = timed_take, timed_build
    buyer = get_user_model().objects.get(pk=buyer_id)
    orders = [PurchaseOrder.objects.get(pk=pk) for pk in order_ids]
    ready.set()
    go.wait()
    for order in orders:
        try:
            services.order_issue(order=order, by=buyer)
        except Exception as exc:  # noqa: BLE001 - reported in the table
            errors.append(repr(exc))
    results.put((held, builds, errors, time.perf_counter()))


def issue_concurrently(orders, buyer, *, buyers=8):
    """Each buyer is a process of its own, so the figures are the database's and the PDF's,
    not Python's GIL (a gunicorn deployment runs its workers as processes too)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    go, results = context.Event(), context.Queue()
    shares = [[o.pk for o in orders[i::buyers]] for i in range(buyers)]
    readies, pool = [], []
    for share in shares:
        ready = context.Event()
        process = context.Process(target=_issuer, args=(share, buyer.pk, ready, go, results))
        process.start()
        readies.append(ready)
        pool.append(process)
    for ready in readies:
        ready.wait(timeout=120)
    start = time.perf_counter()
    go.set()
    held, builds, errors, ends = [], [], [], []
    for _ in pool:
        h, b, e, end = results.get(timeout=600)
        held += h
        builds += b
        errors += e
        ends.append(end)
    for process in pool:
        process.join()
    # perf_counter is system-wide on Linux (CLOCK_MONOTONIC), so the processes' ends compare.
    elapsed = max(ends) - start
    return {
        "rate": (len(orders) - len(errors)) / elapsed,
        "held_ms": statistics.median(held) if held else float("nan"),
        "build_ms": statistics.median(builds) if builds else float("nan"),
        "errors": errors,
    }


def drafts(count):
    """Draft orders ready to issue, made through the real services (request, order, lead)."""
    from django.contrib.auth import get_user_model

    from teams.models import Expert
    from tests.factories import ExpertFactory, make_order

    # A kept database holds the experts of earlier runs: their factory e-mails must not repeat.
    ExpertFactory.reset_sequence(Expert.objects.order_by("-pk").values_list("pk", flat=True)[0])
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
