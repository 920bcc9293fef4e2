"""Which holder receives a Flash purchase order, and why (objective rule of the agreement).

- cascade: the best-ranked holder of the lot that has not declined this request;
- rotation (tour de rôle): the next holder in rank order after the one that received the
  agreement's last order, skipping holders that declined this request.
The returned reason is stored on the order and printed on the page.
"""

from dataclasses import dataclass

from framework_agreements.models import AllocationRule, LotHolding

from .enums import OrderState
from .models import HolderDecline, PurchaseOrder


@dataclass(frozen=True)
class Allocation:
    holding: LotHolding | None
    reason: str

    @property
    def holder(self):
        return self.holding.holder if self.holding else None


def _declines_text(declines):
    if not declines:
        return ""
    parts = [f"{d.holder.name} (refus du {d.declined_on:%d/%m/%Y} : {d.reason})" for d in declines]
    return " Refus antérieurs pour cette demande : " + " ; ".join(parts) + "."


def designate(*, lot, request):
    holdings = list(LotHolding.objects.filter(lot=lot).select_related("holder").order_by("rank"))
    declines = list(
        HolderDecline.objects.filter(request=request).select_related("holder").order_by("pk")
    )
    declined_ids = {d.holder_id for d in declines}
    available = [h for h in holdings if h.holder_id not in declined_ids]
    history = _declines_text(declines)
    if not available:
        return Allocation(
            None,
            "Aucun titulaire disponible : tous les titulaires du lot ont refusé cette demande."
            + history,
        )
    rule = lot.agreement.allocation_rule
    if rule == AllocationRule.ROTATION:
        last = (
            PurchaseOrder.objects.filter(agreement=lot.agreement, lot=lot)
            .exclude(state=OrderState.DRAFT)
            .exclude(sequence__isnull=True)
            .order_by("-issued_at", "-pk")
            .values_list("holder_id", flat=True)
            .first()
        )
        ranks = [h.holder_id for h in holdings]
        if last in ranks:
            start = ranks.index(last) + 1
            ordered = holdings[start:] + holdings[:start]
        else:
            ordered = holdings
        chosen = next(h for h in ordered if h.holder_id not in declined_ids)
        last_text = (
            "dernier bon de commande émis au profit de "
            + next(h.holder.name for h in holdings if h.holder_id == last)
            if last in ranks
            else "aucun bon de commande émis jusqu'ici"
        )
        return Allocation(
            chosen,
            f"Tour de rôle : {chosen.holder.name} (rang {chosen.rank}) est le suivant "
            f"({last_text})." + history,
        )
    chosen = available[0]
    return Allocation(
        chosen,
        f"Cascade : {chosen.holder.name} est le titulaire le mieux classé (rang {chosen.rank}) "
        "n'ayant pas refusé cette demande." + history,
    )
