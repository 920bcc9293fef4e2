"""The legally mandatory ceiling (R2162-4 CCP) and the one locked check-and-commit.

Every kind of order (purchase order, subsequent contract) commits its amount here and nowhere
else. The agreement row is locked with SELECT … FOR UPDATE for the whole check-and-insert, so two
buyers committing at the same second are serialised and the total can never pass the maximum.

The ledger (CommitmentEntry) is append-only and is the source of truth. The agreement and each
lot also keep a running committed total, moved by the same functions under the same lock, so
a check reads one row instead of summing the ledger; `verify` compares the two.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from procurement import clock
from procurement.money import format_euros, to_cents

from . import numbering
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
    # The optional minimum (R2162-4) and whether it is at risk: less than six months left
    # and not reached.
    minimum: Decimal | None = None
    minimum_at_risk: bool = False

    @property
    def minimum_percent(self):
        if not self.minimum:
            return None
        return (self.committed * 100 / self.minimum).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )

    @property
    def minimum_remaining(self):
        return max(self.minimum - self.committed, ZERO) if self.minimum else None

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


def ledger_total(filter_q):
    total = CommitmentEntry.objects.filter(filter_q).aggregate(total=Coalesce(Sum("amount"), ZERO))[
        "total"
    ]
    return to_cents(total)


def ledger_total_for(*, agreement=None, lot=None):
    """What the ledger holds committed for an agreement or a lot (a sum: for checks)."""
    return ledger_total(Q(agreement=agreement) if lot is None else Q(lot=lot))


def _figures(model, pk):
    maximum, committed = model.objects.values_list("maximum_amount", "committed_amount").get(pk=pk)
    return CeilingFigures(maximum, to_cents(committed))


def figures_of(agreement, committed):
    committed = to_cents(committed)
    return CeilingFigures(
        agreement.maximum_amount,
        committed,
        minimum=agreement.minimum_amount,
        minimum_at_risk=agreement.minimum_at_risk(committed),
    )


def agreement_figures(agreement):
    """Current figures, read afresh (one row, no sum)."""
    fresh = FrameworkAgreement.objects.get(pk=agreement.pk)
    return figures_of(fresh, fresh.committed_amount)


def lot_figures(lot):
    """Figures for a lot with its own maximum, else None."""
    if lot.maximum_amount is None:
        return None
    return _figures(Lot, lot.pk)


def with_figures(agreements):
    """[(agreement, figures)] for the agreement lists and dashboards, from the rows loaded."""
    return [(a, figures_of(a, a.committed_amount)) for a in agreements]


def held_by(source, agreement=None):
    """What `source` still holds committed."""
    q = Q(source=source) if agreement is None else Q(agreement=agreement, source=source)
    return ledger_total(q)


def _move(locked, lot, amount):
    FrameworkAgreement.objects.filter(pk=locked.pk).update(
        committed_amount=F("committed_amount") + amount
    )
    if lot is not None:
        Lot.objects.filter(pk=lot.pk).update(committed_amount=F("committed_amount") + amount)


def commit(*, agreement, lot, amount, source, reference, by, holder=None, year=None):
    """Lock the agreement, check both ceilings, then append a commitment row.

    Callers must already be inside the transaction that changes the order, so the commitment
    and the order's state land together or not at all. No savepoint of its own: a refusal is
    raised before any write, and each statement saved is one round trip fewer under the lock.
    """
    numbering.require_transaction("ceiling.commit")
    amount = Decimal(amount)
    if amount <= 0:
        raise ValueError("A commitment must be positive.")
    # The two figures only, not the agreement's row: this runs under the numbering lock.
    maximum, committed = (
        FrameworkAgreement.objects.select_for_update()
        .values_list("maximum_amount", "committed_amount")
        .get(pk=agreement.pk)
    )
    if committed + amount > maximum:
        raise CeilingExceeded(
            label="de l'accord-cadre",
            maximum=maximum,
            committed=to_cents(committed),
            amount=amount,
        )
    if lot is not None:
        # Its figures move only under the agreement's lock, taken just above.
        number, maximum, committed = Lot.objects.values_list(
            "number", "maximum_amount", "committed_amount"
        ).get(pk=lot.pk)
        if maximum is not None and committed + amount > maximum:
            raise CeilingExceeded(
                label=f"du lot {number}",
                maximum=maximum,
                committed=to_cents(committed),
                amount=amount,
            )
    entry = CommitmentEntry.objects.create(
        agreement_id=agreement.pk,
        lot=lot,
        holder=holder,
        fiscal_year=year or clock.today().year,
        kind=CommitmentKind.COMMIT,
        amount=amount,
        source=source,
        reference=reference,
        created_by=by,
    )
    _move(agreement, lot, amount)
    return entry


@transaction.atomic
def release(*, agreement, source, reference, by, amount=None):
    """Release what `source` still holds committed, or only `amount` of it (a contract closed
    below its amount). Nothing held, nothing written."""
    locked = FrameworkAgreement.objects.select_for_update().get(pk=agreement.pk)
    entries = CommitmentEntry.objects.filter(agreement=locked, source=source)
    held = to_cents(entries.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"])
    amount = held if amount is None else to_cents(amount)
    if amount > held:
        raise ValueError(f"Cannot release {amount}: {source} holds {held}.")
    if amount <= 0:
        return None
    first = entries.filter(kind=CommitmentKind.COMMIT).values("lot_id", "holder_id").first()
    lot = Lot.objects.get(pk=first["lot_id"]) if first and first["lot_id"] else None
    entry = CommitmentEntry.objects.create(
        agreement=locked,
        lot=lot,
        holder_id=first["holder_id"] if first else None,
        fiscal_year=clock.today().year,
        kind=CommitmentKind.RELEASE,
        amount=-amount,
        source=source,
        reference=reference,
        created_by=by,
    )
    _move(locked, lot, -amount)
    return entry


@dataclass(frozen=True)
class Drift:
    label: str
    running: Decimal
    ledger: Decimal

    def __str__(self):
        return (
            f"{self.label} : total courant {format_euros(self.running)}, "
            f"registre {format_euros(self.ledger)}"
        )


def verify(agreement):
    """Differences between the running totals and the ledger (empty when they agree)."""
    agreement = FrameworkAgreement.objects.get(pk=agreement.pk)
    drifts = []
    ledger = ledger_total(Q(agreement=agreement))
    if to_cents(agreement.committed_amount) != ledger:
        drifts.append(Drift(agreement.reference, agreement.committed_amount, ledger))
    for lot in agreement.lots.all():
        lot_ledger = ledger_total(Q(lot=lot))
        if to_cents(lot.committed_amount) != lot_ledger:
            drifts.append(Drift(f"{agreement.reference} {lot}", lot.committed_amount, lot_ledger))
    return drifts
