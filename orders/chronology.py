"""Dates that cannot lie: the order of recorded facts, in one place per kind of order.

A recorded fact (an acceptance, a delivery, a payment…) is never in the future, and never
before the fact it follows. A planned date (a session, a delivery deadline, a desired period)
is never in the past when it is first set or moved. Each refusal names both dates.
"""

import datetime

from django.utils import timezone

from procurement.actions import ActionRefused


def _day(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date()
    return value


def fact(label, day, today, after=None):
    """`day` (a recorded fact) is not after today, nor before each (label, date) of `after`."""
    if day is None:
        return
    if day > today:
        raise ActionRefused(
            f"Date refusée : {label} ({day:%d/%m/%Y}) ne peut être postérieure à aujourd'hui "
            f"({today:%d/%m/%Y})."
        )
    for earlier_label, earlier in after or []:
        earlier = _day(earlier)
        if earlier is not None and day < earlier:
            raise ActionRefused(
                f"Date refusée : {label} ({day:%d/%m/%Y}) précède {earlier_label} "
                f"({earlier:%d/%m/%Y})."
            )


def planned(label, day, today, previous=None):
    """A planned date is not in the past when first set or moved (unchanged, it may be)."""
    if day is None or day == previous:
        return
    if day < today:
        raise ActionRefused(
            f"Date refusée : {label} ({day:%d/%m/%Y}) est déjà passée (nous sommes le "
            f"{today:%d/%m/%Y})."
        )


def period(start_label, start, end_label, end):
    if start and end and end < start:
        raise ActionRefused(
            f"Date refusée : {end_label} ({end:%d/%m/%Y}) précède {start_label} ({start:%d/%m/%Y})."
        )


# --- purchase orders: which fact follows which --------------------------------------------------


def holder_answer(order, day, today, label):
    """notification ≤ the holder's acceptance or decline ≤ today."""
    fact(label, day, today, after=[("la notification", order.notified_at)])


def start_of_execution(order, day, today):
    """acceptance ≤ start of execution ≤ first day of the on-site session."""
    fact("le début d'exécution", day, today, after=[("l'acceptation", order.holder_accepted_at)])
    if order.session_start and day and order.session_start < day:
        raise ActionRefused(
            f"Date refusée : la session sur site ({order.session_start:%d/%m/%Y}) précède le "
            f"début d'exécution ({day:%d/%m/%Y})."
        )


def delivery(order, day, today):
    fact(
        "la livraison",
        day,
        today,
        after=[("le début d'exécution", order.started_on), ("la session", order.session_end)],
    )


def service_done(order, day, today):
    """delivery ≤ service fait ≤ today."""
    fact("le service fait", day, today, after=[("la livraison", order.delivered_at)])


def order_plan(order, values, today):
    """Session dates and delivery deadline of a draft: planned dates, in order."""
    for name, label in (
        ("session_start", "le début de la session"),
        ("session_end", "la fin de la session"),
        ("delivery_deadline", "la date limite de livraison"),
    ):
        if name in values:
            planned(label, values[name], today, previous=getattr(order, name))
    start = values.get("session_start", order.session_start)
    end = values.get("session_end", order.session_end)
    period("le début de la session", start, "la fin de la session", end)
    deadline = values.get("delivery_deadline", order.delivery_deadline)
    period("la fin de la session", end, "la date limite de livraison", deadline)


# --- invoices ----------------------------------------------------------------------------------


def invoice_received(order, day, today):
    """An invoice is received after its order was issued, and not in the future."""
    fact("la réception de la facture", day, today, after=[("l'émission", order.issued_at)])


def invoice_interrupted(invoice, day, today):
    fact("l'interruption", day, today, after=[("la réception", invoice.received_on)])


def invoice_completed(invoice, day, today):
    fact(
        "la réception de la facture complète",
        day,
        today,
        after=[("l'interruption", invoice.interrupted_on)],
    )


def invoice_accepted(invoice, day, today):
    fact(
        "l'acceptation pour paiement",
        day,
        today,
        after=[("la réception", invoice.received_on), ("le service fait", invoice.work_done_on)],
    )


def payment(invoice, day, today):
    """invoice received ≤ payment ≤ today."""
    fact("le paiement", day, today, after=[("la réception de la facture", invoice.received_on)])


def interest_payment(payment_row, day, today):
    fact("le paiement des intérêts", day, today, after=[("le paiement", payment_row.paid_on)])


# --- requests ----------------------------------------------------------------------------------


def desired_period(request, values, today):
    for name, label in (
        ("desired_start", "le début souhaité"),
        ("desired_end", "la fin souhaitée"),
    ):
        if name in values:
            planned(label, values[name], today, previous=getattr(request, name))


# --- subsequent contracts ------------------------------------------------------------------------


def contract_start(contract, day, today):
    fact("le début d'exécution", day, today, after=[("la notification", contract.notified_at)])


def contract_end(contract, day, today, label):
    fact(label, day, today, after=[("la notification", contract.notified_at)])


def phase_plan(phase, start, end, today):
    """A session is not set or moved into the past, and ends after it starts."""
    planned("le début de la phase", start, today, previous=phase.start_on)
    planned("la fin de la phase", end, today, previous=phase.end_on)
    period("le début de la phase", start, "la fin de la phase", end)


def phase_submitted(phase, day, today):
    """A session's log comes after the session; the final report after its period opens."""
    held = ("la fin de la session", phase.end_on) if phase.is_session else None
    fact(
        "la remise des livrables",
        day,
        today,
        after=[
            ("le début d'exécution", phase.contract.started_on),
            held or ("le début de la phase", phase.start_on),
        ],
    )


def phase_accepted(phase, day, today):
    fact("le service fait", day, today, after=[("la remise des livrables", phase.submitted_on)])


def contract_invoice_received(contract, day, today):
    fact(
        "la réception de la facture", day, today, after=[("la notification", contract.notified_at)]
    )


def guarantee_received(contract, day, today):
    fact("la réception de la garantie", day, today, after=[("l'attribution", contract.awarded_at)])
