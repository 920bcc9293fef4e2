"""The law of payment delays, in one module, for every kind of order (Code de la commande
publique). Pure functions of dates and amounts: the clock and the rates are passed in.

- R2192-10: the State pays within 30 days.
- R2192-12 / R2192-13: the delay runs from the receipt of the invoice (demande de paiement),
  or from the date the work was carried out when the invoice came first (for an order, the
  date of the service fait).
- R2192-27 to R2192-29: the buyer may interrupt the delay once, for missing or wrong items;
  on receipt of the complete invoice a new delay opens: 30 days, or the balance that remained
  on the day of the interruption if that was longer.
- R2192-24 / R2192-25: the delay of an advance runs from the notification of the contract,
  and not before the guarantee is received when one is required.
- R2192-31: interest runs from the day after the due date, at the ECB main refinancing rate
  in force on the first day of the half-year in which it starts to run, plus 8 points.
- D2192-35: a flat fee of €40 for recovery costs.
- R2192-36: interest and fee are paid within 45 days of the payment of the principal.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from procurement.money import to_cents

PAYMENT_DELAY_DAYS = 30  # R2192-10
RATE_MARGIN = Decimal("8.00")  # R2192-31
FLAT_FEE = Decimal("40.00")  # D2192-35
INTEREST_PAYMENT_DAYS = 45  # R2192-36
DAYS_PER_YEAR = 365


def delay_start(received_on, work_done_on):
    """R2192-13: the later of the receipt and the work; None while the work is not done."""
    if received_on is None or work_done_on is None:
        return None
    return max(received_on, work_done_on)


def advance_delay_start(notified_on, guarantee_required, guarantee_received_on):
    """R2192-24: the advance's delay runs from the notification of the contract; R2192-25: not
    before the guarantee is received, when one is required. None while it cannot run."""
    if notified_on is None:
        return None
    if guarantee_required:
        if guarantee_received_on is None:
            return None
        return max(notified_on, guarantee_received_on)
    return notified_on


def due_date(received_on, work_done_on, interrupted_on=None, completed_on=None):
    """The day the payment is due, or None while it cannot run (work not done, or the delay
    interrupted and the complete invoice not yet received)."""
    return due_date_from(delay_start(received_on, work_done_on), interrupted_on, completed_on)


def due_date_from(start, interrupted_on=None, completed_on=None):
    """The same, from the day the delay starts (R2192-12/13, or R2192-24/25 for an advance)."""
    if start is None:
        return None
    due = start + datetime.timedelta(days=PAYMENT_DELAY_DAYS)
    if interrupted_on is None:
        return due
    if completed_on is None:
        return None  # R2192-27: interrupted, waiting for the missing items
    # R2192-29: 30 days from the complete invoice, or the balance left on the day of the
    # interruption if it was longer.
    balance = max((due - interrupted_on).days, 0)
    return completed_on + datetime.timedelta(days=max(PAYMENT_DELAY_DAYS, balance))


def half_year_start(day):
    return datetime.date(day.year, 1 if day.month <= 6 else 7, 1)


def half_year_label(day):
    start = half_year_start(day)
    return f"{'1er' if start.month == 1 else '2ᵉ'} semestre {start.year}"


@dataclass(frozen=True)
class Lateness:
    due: datetime.date
    days: int
    interest_start: datetime.date | None = None
    half_year: datetime.date | None = None
    ecb_rate: Decimal | None = None
    interest: Decimal | None = None
    flat_fee: Decimal | None = None
    warning: str = ""

    @property
    def rate(self):
        return None if self.ecb_rate is None else self.ecb_rate + RATE_MARGIN


def lateness(amount_incl_tax, due, end, rates):
    """Days late, rate and interest for an amount due on `due` and paid on `end` (or still
    unpaid on `end`, today). `rates`: {first day of a half-year: ECB rate in %}.

    A missing rate is never taken as 0 %: the interest is left unknown, with a warning."""
    days = max((end - due).days, 0)
    if days == 0:
        return Lateness(due=due, days=0)
    start = due + datetime.timedelta(days=1)  # R2192-31: interest runs from the next day
    half_year = half_year_start(start)
    ecb = rates.get(half_year)
    if ecb is None:
        return Lateness(
            due=due,
            days=days,
            interest_start=start,
            half_year=half_year,
            flat_fee=FLAT_FEE,
            warning=f"Taux BCE du {half_year_label(start)} non saisi : intérêts moratoires "
            "non calculés (article R2192-31).",
        )
    rate = Decimal(ecb) + RATE_MARGIN
    interest = to_cents(Decimal(amount_incl_tax) * rate / 100 * days / DAYS_PER_YEAR)
    return Lateness(
        due=due,
        days=days,
        interest_start=start,
        half_year=half_year,
        ecb_rate=Decimal(ecb),
        interest=interest,
        flat_fee=FLAT_FEE,
    )


def interest_deadline(paid_on):
    """R2192-36: interest and fee are paid within 45 days of the principal."""
    return paid_on + datetime.timedelta(days=INTEREST_PAYMENT_DAYS)
