"""Preparing, issuing and ending Flash purchase orders: one service function per action.

Issuing is one transaction: take the gapless number, commit the amount against the ceiling
(R2162-4, locked), run the transition, save with history, build and store the PDF. E-mails
leave after the commit, through the outbox (notifications app).
"""

from decimal import Decimal

from django import forms
from django.db import transaction

from framework_agreements import ceiling, numbering
from framework_agreements.models import FrameworkAgreement, Mechanism
from procurement import clock
from procurement.actions import ActionRefused, Catalogue
from procurement.fields import DATE_VALIDATORS
from procurement.models import Service
from teams import services as team_services

from .. import allocation, chronology, notices
from ..enums import OrderState
from ..models import DocumentKind, HolderDecline, OrderLine, PurchaseOrder, TeamRequest
from ..models.purchase_orders import MAX_QUANTITY
from . import documents
from .issue_checks import issue_blockers

ORDER_ACTIONS = Catalogue("order")
action = ORDER_ACTIONS.action
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def date_field(label, required=False):
    return forms.DateField(
        label=label, required=required, widget=DATE_WIDGET, validators=DATE_VALIDATORS
    )


def today_initial(order):
    return {"on": clock.today()}


# --- drafting -------------------------------------------------------------------------------


def _recompute_totals(order):
    lines = list(order.lines.all())
    order.total_excl_tax = sum((line.amount_excl_tax for line in lines), Decimal("0.00"))
    order.total_vat = sum((line.amount_vat for line in lines), Decimal("0.00"))
    order.total_incl_tax = order.total_excl_tax + order.total_vat


def _default_quantities(price_lines):
    """A Flash order starts with the atelier lump sum (the first line of the schedule) × 1."""
    first = price_lines.order_by("code").first()
    return {first.pk: Decimal("1")} if first else {}


def _set_lines(order, quantities):
    """Replace the order's lines: its holder's schedule lines × quantities, prices frozen."""
    order.lines.all().delete()
    for price_line in order.price_schedule().filter(pk__in=quantities):
        quantity = quantities[price_line.pk]
        if quantity and quantity > 0:
            OrderLine.objects.create(
                order=order,
                price_line=price_line,
                code=price_line.code,
                label=price_line.label,
                unit=price_line.unit,
                unit_price=price_line.unit_price,
                vat_rate=price_line.vat_rate,
                quantity=quantity,
            )
    _recompute_totals(order)


def flash_agreement_for(team_request):
    """The purchase-order agreement in force today (there is one Flash agreement at a time)."""
    today = clock.today()
    candidates = FrameworkAgreement.objects.filter(
        mechanism=Mechanism.PURCHASE_ORDERS, start_date__lte=today
    ).order_by("-start_date")
    return next((a for a in candidates if a.is_in_force(today)), None)


def schedule_team(order):
    """The team's phases follow the order's dates (preparation and session in the session's
    month, synthesis in the delivery month)."""
    if order.team is not None:
        team_services.team_schedule(
            team=order.team,
            months={
                "preparation": order.session_start,
                "on_site": order.session_start,
                "synthesis": order.delivery_deadline or order.session_end,
            },
        )


@transaction.atomic
def order_create(*, team_request, by, agreement=None, previous=None):
    """Prepare a draft order for the holder the agreement's rule designates."""
    team_request = TeamRequest.objects.select_for_update().get(pk=team_request.pk)
    if previous is None and not team_request.abilities(by)["create_order"]:
        raise ActionRefused("Vous ne pouvez pas préparer de bon de commande pour cette demande.")
    open_orders = team_request.purchase_orders.exclude(
        state__in=[OrderState.CANCELLED, OrderState.DECLINED]
    )
    if open_orders.exists():
        raise ActionRefused("Un bon de commande est déjà en cours pour cette demande.")
    agreement = agreement or flash_agreement_for(team_request)
    if agreement is None:
        raise ActionRefused("Aucun accord-cadre à bons de commande n'est en vigueur aujourd'hui.")
    agreement.require_may_order(by.service)  # R2162-6 CCP
    lot = agreement.lots.order_by("number").first()
    designation = allocation.designate(lot=lot, request=team_request)
    if designation.holding is None:
        raise ActionRefused(designation.reason)
    copied = ["session_place", "session_start", "session_end", "delivery_deadline"]
    copied += ["budget_programme", "budget_centre", "budget_domain", "budget_activity"]
    order = PurchaseOrder(
        agreement=agreement,
        lot=lot,
        request=team_request,
        holder=designation.holder,
        allocation_reason=designation.reason,
        created_by=by,
        **({name: getattr(previous, name) for name in copied} if previous else {}),
    )
    order._history_user = by
    order._change_reason = "Préparation du bon de commande"
    order.save()
    order.team = team_services.team_create(
        holder=designation.holder,
        label=team_request.title,
        service=team_request.service,
        required_professions=team_request.required_professions.all(),
        reference=f"Projet n° {order.pk}",
        format=team_request.format,
    )
    schedule_team(order)
    if previous is not None:
        # Same services, re-priced from the new holder's own schedule (matched by code).
        codes = {line.code: line.quantity for line in previous.lines.all()}
        quantities = {pl.pk: codes[pl.code] for pl in order.price_schedule() if pl.code in codes}
    else:
        quantities = _default_quantities(order.price_schedule())
    _set_lines(order, quantities)
    order._history_user = by
    order._change_reason = "Lignes tarifées depuis le bordereau du titulaire"
    order.save()
    return order


@transaction.atomic
def order_update_draft(*, order, by, quantities, fields):
    """Edit a draft: quantities per price line of the holder's schedule, budget and dates."""
    locked = PurchaseOrder.objects.select_for_update().get(pk=order.pk)
    if locked.state != OrderState.DRAFT or not locked.abilities(by)["edit"]:
        raise ActionRefused("Vous ne pouvez pas modifier ce bon de commande.")
    valid_ids = set(locked.price_schedule().values_list("pk", flat=True))
    if set(quantities) - valid_ids:
        raise ActionRefused("Ligne de prix inconnue pour ce titulaire.")
    if not any(q and q > 0 for q in quantities.values()):
        raise ActionRefused("Le bon de commande doit comporter au moins une ligne.")
    if any(q and q > MAX_QUANTITY for q in quantities.values()):
        raise ActionRefused(f"Au plus {MAX_QUANTITY} unités par ligne de prix.")
    chronology.order_plan(locked, fields, clock.today())  # planned dates not in the past
    for name, value in fields.items():
        setattr(locked, name, value)
    _set_lines(locked, quantities)
    locked._history_user = by
    locked._change_reason = "Modification du projet"
    locked.save()
    schedule_team(locked)
    return locked


# --- issuing and notifying --------------------------------------------------------------------


@action("issue", "Émettre le bon de commande", confirm=True)
@transaction.atomic
def order_issue(*, order, by, expected_state=OrderState.DRAFT, comment="", today=None):
    today = today or clock.today()
    order.agreement.require_may_order(by.service)  # R2162-6 CCP
    with ORDER_ACTIONS.perform(
        "issue", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked, agreement = step.obj, step.obj.agreement
        service = Service.objects.get(pk=by.service_id)  # as the admin last saved it
        blockers = issue_blockers(locked, service, today)
        if blockers:
            raise ActionRefused(f"Émission refusée : {blockers[0]}")
        team = locked.team
        # Everything read before the numbering and ceiling locks are taken, so they are held
        # for the number, the commitment, the writes and the PDF, with no read in between:
        # the request the issue moves (request_progress, locked now), what the PDF prints,
        # the rows the commitment names, the pilot the notice goes to (notices.order_step)
        # and the document's version.
        step.locked["request"] = TeamRequest.objects.select_for_update().get(pk=locked.request_id)
        material = documents.purchase_order_material(locked)
        printed = material[0]
        locked.lot, locked.holder, locked.request = printed.lot, printed.holder, printed.request
        version = documents.next_version(
            DocumentKind.PURCHASE_ORDER, locked.holder, purchase_order=locked
        )
        # The number first, so the ledger row carries it from the start (append-only).
        number = numbering.next_number(agreement, today.year)
        try:
            ceiling.commit(
                agreement=agreement,
                lot=locked.lot,
                amount=locked.total_excl_tax,
                source=locked.source_key,
                reference=number.text,
                holder=locked.holder,
                year=number.year,
                by=by,
            )
        except ceiling.CeilingExceeded as exc:
            raise ActionRefused(str(exc)) from exc
        locked.year, locked.sequence, locked.number = number.year, number.sequence, number.text
        locked.issued_at = clock.now()
        locked.issued_by = by
        locked.issuing_service = service
        locked.issue()
    if team is not None:
        team.reference = locked.number
        team.save(update_fields=["reference"])
    documents.store_purchase_order(locked, by, material, version=version)
    return locked


QUEUED = (
    "Courriel au titulaire mis en file d'envoi : le bon de commande sera notifié à son départ "
    "(voir « Courriels »)."
)


@action("notify", "Notifier au titulaire", outcome=lambda order: (QUEUED, None), confirm=True)
@transaction.atomic
def order_notify(*, order, by, expected_state=None, comment=""):
    """Queue the order's e-mail to the holder. The order becomes "notified" only when the e-mail
    has left, with that time as its notification date (notices.notified_on_departure)."""
    if order.notification_pending():
        raise ActionRefused("L'envoi du bon de commande au titulaire est déjà en attente.")
    with ORDER_ACTIONS.perform(
        "notify", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.history_text = "Envoi du bon de commande au titulaire mis en file"
        notices.order_notification(step.obj, by)
    return step.obj


# --- the holder's answer, and the ends of an order --------------------------------------------


@action(
    "holder_accept",
    "Enregistrer l'acceptation du titulaire",
    fields={"on": date_field("Date de l'acceptation")},
    initial=today_initial,
)
@transaction.atomic
def order_holder_accept(*, order, by, expected_state=None, comment="", on=None):
    with ORDER_ACTIONS.perform(
        "holder_accept", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        locked = step.obj
        # The holder's acceptance records its team for good (lead, coverage, availability).
        if locked.team is None:
            raise ActionRefused("Enregistrez l'équipe proposée par le titulaire.")
        try:
            team_services.team_confirm(
                team=locked.team,
                start=locked.session_start,
                end=locked.session_end,
                place=locked.session_place,
                by=by,
            )
        except team_services.TeamRefused as exc:
            raise ActionRefused(f"Acceptation refusée : {exc}") from exc
        accepted_on = on or clock.today()
        chronology.holder_answer(locked, accepted_on, clock.today(), "l'acceptation du titulaire")
        locked.holder_accept(accepted_on=accepted_on)
    documents.store_team_sheet(locked, by)
    return locked


def _release(order, by, on, *, declined=False):
    if order.number:
        # The PDF sent stays untouched; a separate notice records how the order ended.
        documents.store_cancellation_notice(order, by, ended_on=on, declined=declined)
    if order.team is not None:
        # The experts are free again: bookings gone, members out on the day the order ended.
        team_services.team_disband(team=order.team, on=on)
    if order.number:
        # The order keeps its number; its amount goes back under the ceiling.
        ceiling.release(
            agreement=order.agreement, source=order.source_key, reference=order.number, by=by
        )


def _after_decline(order):
    """Name the next holder and open its draft; or say that no holder is left."""
    draft = order.request.purchase_orders.filter(state=OrderState.DRAFT).order_by("-pk").first()
    if draft is None:
        return (
            "Refus enregistré. Aucun autre titulaire ne peut recevoir ce bon de commande : "
            "la demande l'indique.",
            None,
        )
    return (
        f"Refus enregistré. Un projet de bon de commande a été préparé pour le titulaire "
        f"suivant, {draft.holder.name} : le voici.",
        draft.get_absolute_url(),
    )


@action(
    "decline",
    "Enregistrer le refus du titulaire",
    fields={"on": date_field("Date du refus")},
    initial=today_initial,
    reason_required=True,
    secondary=True,
    outcome=_after_decline,
)
@transaction.atomic
def order_decline(*, order, by, expected_state=None, comment="", on=None):
    declined_on = on or clock.today()
    with ORDER_ACTIONS.perform(
        "decline", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        chronology.holder_answer(step.obj, declined_on, clock.today(), "le refus du titulaire")
        step.obj.decline(reason=step.comment)
    locked = step.obj
    _release(locked, by, declined_on, declined=True)
    HolderDecline.objects.create(
        request=locked.request,
        holder=locked.holder,
        order=locked,
        reason=step.comment,
        declined_on=declined_on,
        recorded_by=by,
    )
    # A purchase order is never re-addressed: prepare a new draft for the next holder.
    try:
        order_create(
            team_request=locked.request, by=by, agreement=locked.agreement, previous=locked
        )
    except ActionRefused:
        pass  # no holder left: the request page says so
    return locked


@action("cancel", "Annuler le bon de commande", reason_required=True, secondary=True)
@transaction.atomic
def order_cancel(*, order, by, expected_state=None, comment=""):
    with ORDER_ACTIONS.perform(
        "cancel", order, by=by, expected_state=expected_state, comment=comment
    ) as step:
        step.obj.cancel(reason=step.comment)
    _release(step.obj, by, clock.today())
    return step.obj


def request_has_no_holder_left(team_request):
    agreement = flash_agreement_for(team_request)
    lot = agreement.lots.order_by("number").first() if agreement else None
    if lot is None:
        return False
    return allocation.designate(lot=lot, request=team_request).holding is None
