"""The legally mandatory ceiling (R2162-4 CCP) and the one locked check-and-commit.

Every kind of order (purchase order, subsequent contract) commits its amount here and nowhere
else. The agreement row is locked with SELECT … FOR UPDATE for the whole check-and-insert, so two
buyers committing at the same second are serialised and the total can never pass the maximum.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from procurement.money import format_euros, to_cents

from .models import CommitmentEntry, CommitmentKind, FrameworkAgreement, Lot

ZERO = Decimal("0.00")


class CeilingExceeded(Exception):
    def __init__(self, *, label, maximum, committed, amount):
        self.maximum = maximum
        self.committed = committed
        self.amount = amount
        self.remaining = maximum - committed
        super().__init__(
            f"Engagement refusé : {format_euros(amount)} HT dépasserait le montant maximum "
            f"{label} ({format_euros(maximum)} HT). Reste disponible : "
            f"{format_euros(self.remaining)} HT (article R2162-4 du code de la commande publique)."
        )


@dataclass(frozen=True)
class CeilingFigures:
    maximum: Decimal
    committed: Decimal

    @property
    def remaining(self):
        return self.maximum - self.committed

    @property
    def percent_used(self):
        if not self.maximum:
            return Decimal("0.0")
        return (self.committed * 100 / self.maximum).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def is_reached(self):
        return self.committed >= self.maximum


def _committed(filter_q):
    total = CommitmentEntry.objects.filter(filter_q).aggregate(total=Coalesce(Sum("amount"), ZERO))[
        "total"
    ]
    return to_cents(total)


def agreement_figures(agreement):
    return CeilingFigures(agreement.maximum_amount, _committed(Q(agreement=agreement)))


def lot_figures(lot):
    """Figures for a lot with its own maximum, else None."""
    if lot.maximum_amount is None:
        return None
    return CeilingFigures(lot.maximum_amount, _committed(Q(lot=lot)))


def figures_for_agreements(agreements):
    """Figures for many agreements in one query (list pages)."""
    ids = [a.pk for a in agreements]
    totals = dict(
        CommitmentEntry.objects.filter(agreement_id__in=ids)
        .values_list("agreement_id")
        .annotate(total=Sum("amount"))
        .values_list("agreement_id", "total")
    )
    return {
        a.pk: CeilingFigures(a.maximum_amount, to_cents(totals.get(a.pk) or ZERO))
        for a in agreements
    }


def with_figures(agreements):
    """[(agreement, figures)] for the agreement lists and dashboards, in one ledger query."""
    agreements = list(agreements)
    figures = figures_for_agreements(agreements)
    return [(a, figures[a.pk]) for a in agreements]


@transaction.atomic
def commit(*, agreement, lot, amount, source, reference, by):
    """Lock the agreement, check both ceilings, then append a commitment row.

    Callers must already be inside the transaction that changes the order, so the commitment
    and the order's state land together or not at all.
    """
    amount = Decimal(amount)
    if amount <= 0:
        raise ValueError("A commitment must be positive.")
    locked = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    committed = _committed(Q(agreement=locked))
    if committed + amount > locked.maximum_amount:
        raise CeilingExceeded(
            label="de l'accord-cadre",
            maximum=locked.maximum_amount,
            committed=committed,
            amount=amount,
        )
    if lot is not None:
        lot = Lot.objects.get(pk=lot.pk)
        if lot.maximum_amount is not None:
            lot_committed = _committed(Q(lot=lot))
            if lot_committed + amount > lot.maximum_amount:
                raise CeilingExceeded(
                    label=f"du lot {lot.number}",
                    maximum=lot.maximum_amount,
                    committed=lot_committed,
                    amount=amount,
                )
    return CommitmentEntry.objects.create(
        agreement=locked,
        lot=lot,
        kind=CommitmentKind.COMMIT,
        amount=amount,
        source=source,
        reference=reference,
        created_by=by,
    )


@transaction.atomic
def release(*, agreement, source, reference, by):
    """Release what `source` still holds committed (idempotent: nothing left, nothing written)."""
    FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    entries = CommitmentEntry.objects.filter(agreement=agreement, source=source)
    held = entries.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
    if held <= 0:
        return None
    lot_id = entries.filter(kind=CommitmentKind.COMMIT).values_list("lot_id", flat=True).first()
    return CommitmentEntry.objects.create(
        agreement=agreement,
        lot_id=lot_id,
        kind=CommitmentKind.RELEASE,
        amount=-held,
        source=source,
        reference=reference,
        created_by=by,
    )
