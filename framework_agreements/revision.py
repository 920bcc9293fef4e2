"""Price revision by the Syntec index (R2112-13, R2112-14 of the Code de la commande
publique): P = P0 × (a + b × S/S0), with a + b = 1.

- P0: the price of the contract (excl. tax), known at the base month (mois zéro);
- S0: the index of the base month: the agreement's, else the month of the consultation's
  offer deadline;
- S: the index of the month in which the revised work was completed.

The coefficient is rounded half-up to four decimals, then the revised price half-up to the
cent. Worked example: P0 = 30 000 €, S0 = 300.0, S = 309.0, a = 0.15, b = 0.85 gives
0.15 + 0.85 × 1.03 = 1.0255 and 30 765.00 €.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from procurement.actions import ActionRefused
from procurement.money import to_cents

from .models import SyntecIndex

FOUR_DECIMALS = Decimal("0.0001")


def month_of(day):
    if isinstance(day, datetime.datetime):
        day = day.date()
    return day.replace(day=1)


def coefficient(fixed_part, variable_part, index, base_index):
    raw = Decimal(fixed_part) + Decimal(variable_part) * Decimal(index) / Decimal(base_index)
    return raw.quantize(FOUR_DECIMALS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Revision:
    price: Decimal  # P0, excl. tax
    base_month: datetime.date
    base_index: Decimal  # S0
    month: datetime.date
    index: Decimal  # S
    fixed_part: Decimal
    variable_part: Decimal
    coefficient: Decimal
    revised: Decimal

    @property
    def difference(self):
        return self.revised - self.price


def revise(price, *, fixed_part, variable_part, base_index, index, base_month, month):
    coef = coefficient(fixed_part, variable_part, index, base_index)
    return Revision(
        price=Decimal(price),
        base_month=base_month,
        base_index=Decimal(base_index),
        month=month,
        index=Decimal(index),
        fixed_part=Decimal(fixed_part),
        variable_part=Decimal(variable_part),
        coefficient=coef,
        revised=to_cents(Decimal(price) * coef),
    )


def index_of(month):
    """The value of the index for that month, or a refusal that says which one is missing."""
    value = SyntecIndex.objects.filter(month=month_of(month)).values_list("value", flat=True)
    value = value.first()
    if value is None:
        raise ActionRefused(
            f"L'indice Syntec de {month:%m/%Y} n'est pas saisi : la révision du prix, et donc "
            "l'acompte, ne peuvent être calculés. Saisissez-le dans « Indices Syntec »."
        )
    return value


def revise_with_indices(price, agreement, base_month, month):
    """The revision of `price` for work completed in `month`, with the stored indices, which
    are final from now on."""
    from .indices import mark_used

    result = revise(
        price,
        fixed_part=agreement.revision_fixed_part,
        variable_part=agreement.revision_variable_part,
        base_index=index_of(base_month),
        index=index_of(month),
        base_month=month_of(base_month),
        month=month_of(month),
    )
    mark_used(result.base_month, result.month)
    return result
