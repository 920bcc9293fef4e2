"""The law of payment delays, as worked examples (orders/late_payment.py). Dates in the
future run against the module with the dates given: never against today's date."""

import datetime
from decimal import Decimal

from orders import late_payment

D = datetime.date
RATES = {
    D(2024, 1, 1): Decimal("4.50"),
    D(2024, 7, 1): Decimal("4.25"),
    D(2026, 1, 1): Decimal("2.15"),
}


def test_semester_boundary_24750_euros_due_30_06_2024_paid_20_07_2024_owes_166_13():
    """Received 31/05/2024, due 30/06/2024, paid 20/07/2024: 20 days late. Interest starts
    on 01/07/2024, so the rate is the 2nd half-year's ECB 4,25 % + 8 = 12,25 % (R2192-31),
    not the 1st half-year's 4,50 %: 24 750,00 × 12,25 % × 20 / 365 = 166,130… → 166,13 €,
    plus the €40 flat fee (D2192-35)."""
    due = late_payment.due_date(D(2024, 5, 31), D(2024, 5, 31))
    assert due == D(2024, 6, 30)
    late = late_payment.lateness(Decimal("24750.00"), due, D(2024, 7, 20), RATES)
    assert late.days == 20
    assert late.interest_start == D(2024, 7, 1)
    assert late.ecb_rate == Decimal("4.25") and late.rate == Decimal("12.25")
    assert late.interest == Decimal("166.13")
    assert late.flat_fee == Decimal("40.00")


def test_an_invoice_received_before_the_work_runs_from_the_work_10_04_to_30_04_2027():
    """Received 10/04/2027, work accepted (service fait) 30/04/2027: the 30 days run from
    the work (R2192-13), so the payment is due on 30/05/2027, not 10/05/2027."""
    assert late_payment.delay_start(D(2027, 4, 10), D(2027, 4, 30)) == D(2027, 4, 30)
    assert late_payment.due_date(D(2027, 4, 10), D(2027, 4, 30)) == D(2027, 5, 30)


def test_an_interruption_02_03_12_03_20_03_2026_makes_it_due_on_19_04_2026():
    """Received 02/03/2026 (work done before), interrupted 12/03/2026 with 20 days left,
    complete invoice received 20/03/2026: a new delay of 30 days (longer than the 20 left,
    R2192-29) runs to 19/04/2026."""
    received = D(2026, 3, 2)
    assert late_payment.due_date(received, D(2026, 2, 20)) == D(2026, 4, 1)
    assert late_payment.due_date(received, D(2026, 2, 20), D(2026, 3, 12), D(2026, 3, 20)) == D(
        2026, 4, 19
    )
    # While the missing items are awaited, no due date runs.
    assert late_payment.due_date(received, D(2026, 2, 20), D(2026, 3, 12)) is None


def test_an_interruption_keeps_a_balance_longer_than_thirty_days():
    """Received 01/03/2027, work done 20/03/2027 (due 19/04), interrupted on 15/03 with 35
    days left: the new delay is those 35 days from the complete invoice (R2192-29)."""
    due = late_payment.due_date(D(2027, 3, 1), D(2027, 3, 20), D(2027, 3, 15), D(2027, 3, 25))
    assert due == D(2027, 4, 29)


def test_a_missing_rate_is_a_warning_never_zero_percent():
    """Due 30/06/2026, paid 30/07/2026: interest starts 01/07/2026, and no ECB rate is
    stored for the 2nd half-year of 2026."""
    late = late_payment.lateness(Decimal("21720.00"), D(2026, 6, 30), D(2026, 7, 30), RATES)
    assert late.days == 30 and late.interest is None and late.ecb_rate is None
    assert late.warning.startswith("Taux BCE du 2ᵉ semestre 2026 non saisi")
    assert late.flat_fee == Decimal("40.00")


def test_a_payment_on_time_owes_nothing():
    late = late_payment.lateness(Decimal("21720.00"), D(2026, 4, 1), D(2026, 4, 1), RATES)
    assert (late.days, late.interest, late.flat_fee, late.warning) == (0, None, None, "")


def test_interest_rounds_half_up_to_the_cent():
    """21 720,00 × (2,15 + 8) % × 10 / 365 = 60,3994… → 60,40."""
    late = late_payment.lateness(Decimal("21720.00"), D(2026, 4, 1), D(2026, 4, 11), RATES)
    assert late.interest == Decimal("60.40")


def test_interest_and_fee_are_paid_within_45_days_of_the_principal():
    assert late_payment.interest_deadline(D(2026, 7, 20)) == D(2026, 9, 3)  # R2192-36
