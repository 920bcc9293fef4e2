"""A request follows what is bought for it, so its page never offers a dead end.

- "En commande" once its purchase order is issued or its subsequent contract awarded;
- "Terminée" once that order is closed, or that contract closed or terminated;
- back to "Acceptée" when the issued order is cancelled or declined, so it can be ordered
  again (after a decline, from the next holder's draft). A consultation declared unsuccessful
  or cancelled ends before any award: the request is still "Acceptée".

The hooks run inside the action's transaction (Catalogue.after): the request moves only if the
step commits. They are idempotent: a move that does not apply to the current state is skipped.
"""

from django_fsm import can_proceed

from procurement.actions import save

from .models import TeamRequest

MOVES = {
    "mark_ordered": "Passée en commande",
    "mark_completed": "Terminée",
    "reopen": "De nouveau à commander",
}


def move(request, name, by, because):
    """`request`: the row the action already locked, or its id (locked here)."""
    if isinstance(request, TeamRequest):
        locked = request
    else:
        locked = TeamRequest.objects.select_for_update().get(pk=request)
    method = getattr(locked, name)
    if not can_proceed(method):
        return locked
    method()
    return save(locked, by, f"{MOVES[name]} ({because})")


def _hook(name, because):
    def hook(obj, by, step):
        number = getattr(obj, "number", "") or ""
        request = step.locked.get("request") or obj.request_id
        move(request, name, by, f"{because} {number}".strip())

    return hook


def register():
    """Connect the moves to the actions (OrdersConfig.ready)."""
    from .services.consultations import CONSULTATION_ACTIONS
    from .services.contracts import CONTRACT_ACTIONS
    from .services.purchase_orders import ORDER_ACTIONS

    ORDER_ACTIONS.after("issue", _hook("mark_ordered", "bon de commande émis"))
    ORDER_ACTIONS.after("close", _hook("mark_completed", "bon de commande clôturé"))
    ORDER_ACTIONS.after("cancel", _hook("reopen", "bon de commande annulé"))
    ORDER_ACTIONS.after("decline", _hook("reopen", "bon de commande refusé par le titulaire"))
    CONSULTATION_ACTIONS.after("award", _hook("mark_ordered", "marché subséquent attribué"))
    CONTRACT_ACTIONS.after("close", _hook("mark_completed", "marché subséquent clos"))
    CONTRACT_ACTIONS.after("terminate", _hook("mark_completed", "marché subséquent résilié"))
