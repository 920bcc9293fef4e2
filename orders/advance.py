"""The advance (avance) of a subsequent contract and its repayment, in one module (Code de la
commande publique). Pure functions of amounts, rates and durations.

- R2191-3: an advance is granted when the amount of the contract exceeds €50,000 excl. tax
  and its duration exceeds two months, unless the holder declines it.
- R2191-7: its rate is at least 5 % of the amount incl. tax when the contract lasts twelve
  months or less; beyond twelve months it is a rate of 12 × the amount incl. tax divided by
  the duration in months. For the State's contracts with an SME the minimum rate is higher
  (the agreement's SME rate: 30 % in the demo). Above 30 % the buyer may require a guarantee;
  then the advance's payment delay runs only from its receipt (R2192-25).
- R2191-11: the repayment is deducted from the sums owed to the holder (instalments, balance).
  In the silence of the contract it starts when execution reaches 65 % of the amount incl.
  tax for an advance of at most 30 %, and at the first payment for an advance above 30 %.
- R2191-12: the repayment is finished when execution reaches 80 % of the amount incl. tax.

Between those bounds this project repays pro rata to execution:
- advance ≤ 30 %: cumulative repayment due = advance × (executed % − 65) / 15, within
  [0, advance];
- advance > 30 %: cumulative repayment due = advance × executed % / 80, at most the advance.
Each instalment deducts min(instalment, cumulative due − already repaid); what cannot be
deducted is carried to the next instalment.
"""

from decimal import Decimal

from procurement.money import to_cents

REQUIRED_ABOVE_EXCL_TAX = Decimal("50000.00")  # R2191-3
REQUIRED_ABOVE_MONTHS = 2  # R2191-3
MINIMUM_RATE = Decimal("5.00")  # R2191-7
MAXIMUM_RATE = Decimal("100.00")  # an advance never exceeds the amount it is based on
BASE_SPREAD_ABOVE_MONTHS = 12  # R2191-7
LOW_RATE_LIMIT = Decimal("30.00")  # R2191-11: ≤ 30 % starts at 65 %; above, at once
LOW_RATE_START = Decimal("65")  # R2191-11
END = Decimal("80")  # R2191-12
ZERO = Decimal("0.00")


def is_required(amount_excl_tax, duration_months):
    """R2191-3: above €50,000 excl. tax and more than two months."""
    return (
        Decimal(amount_excl_tax) > REQUIRED_ABOVE_EXCL_TAX
        and duration_months > REQUIRED_ABOVE_MONTHS
    )


def default_rate(agreement, holder):
    """The rate set at award: the agreement's SME rate when the holder is an SME (a
    consortium is one when its lead is), else its standard rate (R2191-7)."""
    return agreement.advance_rate_sme if holder.is_sme else agreement.advance_rate_standard


def base(amount_incl_tax, duration_months):
    """R2191-7: the amount incl. tax, or 12 × that amount / the duration in months when the
    contract lasts more than twelve months."""
    amount = Decimal(amount_incl_tax)
    if duration_months > BASE_SPREAD_ABOVE_MONTHS:
        return amount * BASE_SPREAD_ABOVE_MONTHS / duration_months
    return amount


def amount(rate, amount_incl_tax, duration_months):
    """The advance, rounded to the cent half-up once, at the end."""
    return to_cents(Decimal(rate) * base(amount_incl_tax, duration_months) / 100)


def check_rate(rate, *, sme_minimum=None):
    """A message if the rate is outside the law's bounds, else None."""
    rate = Decimal(rate)
    floor = max(MINIMUM_RATE, Decimal(sme_minimum)) if sme_minimum is not None else MINIMUM_RATE
    if rate < floor:
        if sme_minimum is not None and floor > MINIMUM_RATE:
            return (
                f"Le taux de l'avance d'un marché de l'État attribué à une PME ne peut être "
                f"inférieur à {floor} % (article R2191-7 du code de la commande publique)."
            )
        return (
            f"Le taux de l'avance ne peut être inférieur à {MINIMUM_RATE} % (article R2191-7 "
            "du code de la commande publique)."
        )
    if rate > MAXIMUM_RATE:
        return f"Le taux de l'avance ne peut dépasser {MAXIMUM_RATE} % du montant du marché."
    return None


def repayment_due(advance, rate, executed, total_incl_tax):
    """Cumulative repayment due once `executed` (incl. tax, unrevised) of `total_incl_tax` is
    done, for an advance of `advance` granted at `rate` %. Rounded to the cent half-up."""
    advance = Decimal(advance)
    if advance <= 0 or not total_incl_tax:
        return ZERO
    percent = Decimal(executed) * 100 / Decimal(total_incl_tax)
    if Decimal(rate) <= LOW_RATE_LIMIT:
        # R2191-11 1°: from 65 % of execution; R2191-12: finished at 80 %.
        due = advance * (percent - LOW_RATE_START) / (END - LOW_RATE_START)
    else:
        # R2191-11 2°: from the first payment; R2191-12: finished at 80 %.
        due = advance * percent / END
    return to_cents(min(max(due, ZERO), advance))


def deduction(instalment_incl_tax, due, already_repaid):
    """What one instalment deducts: at most the instalment, at most what is due and not yet
    repaid. The rest carries to the next instalment."""
    return max(min(Decimal(instalment_incl_tax), Decimal(due) - Decimal(already_repaid)), ZERO)
