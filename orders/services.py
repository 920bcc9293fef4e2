"""Business actions on requests and purchase orders: one function per action.

Each one runs in a transaction, locks the row it changes, checks that the state is still the
one the user saw (a stale or repeated POST changes nothing), checks the role through the model's
`abilities`, runs the django-fsm transition, saves (django-simple-history writes the row, with
the user and the comment), and schedules side effects with `transaction.on_commit`.
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_fsm import can_proceed, has_transition_perm

from framework_agreements import ceiling
from framework_agreements.models import FrameworkAgreement
from teams import services as team_services

from . import allocation
from .enums import OrderState
from .models import (
    HolderDecline,
    OrderDocument,
    OrderLine,
    PurchaseOrder,
    TeamRequest,
)


class ActionRefused(Exception):
    """A business rule refused the action; the message is shown to the user as is."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    reason_required: bool = False
    secondary: bool = False


REQUEST_ACTIONS = {
    a.name: a
    for a in [
        Action("submit", "Déposer la demande"),
        Action("accept", "Accepter la demande"),
        Action("return_for_changes", "Renvoyer pour compléments", reason_required=True),
        Action("reject", "Refuser la demande", reason_required=True, secondary=True),
        Action("withdraw", "Retirer la demande", secondary=True),
    ]
}

ORDER_ACTIONS = {
    a.name: a
    for a in [
        Action("issue", "Émettre le bon de commande"),
        Action("notify", "Notifier au titulaire"),
        Action("holder_accept", "Enregistrer l'acceptation du titulaire"),
        Action(
            "decline", "Enregistrer le refus du titulaire", reason_required=True, secondary=True
        ),
        Action("start", "Démarrer l'exécution"),
        Action("deliver", "Enregistrer le livrable"),
        Action("certify", "Certifier le service fait"),
        Action("invoice", "Enregistrer la facture"),
        Action("pay", "Enregistrer le paiement"),
        Action("close", "Clôturer"),
        Action("cancel", "Annuler le bon de commande", reason_required=True, secondary=True),
    ]
}


def available_actions(obj, user, catalogue):
    """The actions this user may perform on this object now: what the page offers."""
    names = {t.name for t in obj.get_available_user_state_transitions(user)}
    return [action for name, action in catalogue.items() if name in names]


def _lock(model, obj, expected_state):
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if expected_state is not None and locked.state != expected_state:
        raise ActionRefused(
            f"Action non appliquée : l'état a changé entre-temps (il est désormais « "
            f"{locked.get_state_display()} »). La page a été actualisée."
        )
    return locked


def _check(obj, method, user, action):
    if not has_transition_perm(method, user):
        if can_proceed(method, check_conditions=False):
            raise ActionRefused("Vous n'êtes pas autorisé à effectuer cette action.")
        raise ActionRefused(
            f"Action « {action.label} » impossible dans l'état « {obj.get_state_display()} »."
        )


def _save(obj, user, action, comment):
    obj._history_user = user
    obj._change_reason = f"{action.label}" + (f" — {comment}" if comment else "")
    obj.save()


def _reason(action, comment):
    comment = (comment or "").strip()
    if action.reason_required and not comment:
        raise ActionRefused(f"Un motif est obligatoire pour l'action « {action.label} ».")
    return comment


# ---------------------------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------------------------


@transaction.atomic
def request_transition(*, team_request, action_name, by, comment="", expected_state=None):
    action = REQUEST_ACTIONS[action_name]
    locked = _lock(TeamRequest, team_request, expected_state)
    method = getattr(locked, action_name)
    _check(locked, method, by, action)
    comment = _reason(action, comment)
    if action_name == "submit":
        if not locked.collectivities.exists():
            raise ActionRefused("Indiquez au moins une collectivité concernée avant de déposer.")
        method()
    else:
        method(comment=comment)
    _save(locked, by, action, comment)
    return locked


# ---------------------------------------------------------------------------------------------
# Purchase orders
# ---------------------------------------------------------------------------------------------


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
    today = timezone.localdate()
    candidates = FrameworkAgreement.objects.filter(
        mechanism="purchase_orders", start_date__lte=today
    ).order_by("-start_date")
    for agreement in candidates:
        if agreement.is_in_force(today):
            return agreement
    return None


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
    if not agreement.is_authorised_buyer(by.service):
        # R2162-6 CCP: only the buyers named in the agreement may order.
        raise ActionRefused(
            "Votre service n'est pas désigné comme acheteur dans cet accord-cadre "
            "(article R2162-6 du code de la commande publique)."
        )
    lot = agreement.lots.order_by("number").first()
    designation = allocation.designate(lot=lot, request=team_request)
    if designation.holding is None:
        raise ActionRefused(designation.reason)
    order = PurchaseOrder(
        agreement=agreement,
        lot=lot,
        request=team_request,
        holder=designation.holder,
        allocation_reason=designation.reason,
        created_by=by,
        session_place=previous.session_place if previous else "",
        session_start=previous.session_start if previous else None,
        session_end=previous.session_end if previous else None,
        delivery_deadline=previous.delivery_deadline if previous else None,
        budget_programme=previous.budget_programme if previous else "135",
        budget_centre=previous.budget_centre if previous else "",
        budget_domain=previous.budget_domain if previous else "",
        budget_activity=previous.budget_activity if previous else "",
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
    )
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
    locked = _lock(PurchaseOrder, order, OrderState.DRAFT)
    if not locked.abilities(by)["edit"]:
        raise ActionRefused("Vous ne pouvez pas modifier ce bon de commande.")
    valid_ids = set(locked.price_schedule().values_list("pk", flat=True))
    if set(quantities) - valid_ids:
        raise ActionRefused("Ligne de prix inconnue pour ce titulaire.")
    if not any(q and q > 0 for q in quantities.values()):
        raise ActionRefused("Le bon de commande doit comporter au moins une ligne.")
    for name, value in fields.items():
        setattr(locked, name, value)
    _set_lines(locked, quantities)
    locked._history_user = by
    locked._change_reason = "Modification du projet"
    locked.save()
    return locked


def _next_sequence(agreement, year):
    # Called with the agreement row locked (ceiling.commit), so no two issuers read the same max.
    current = PurchaseOrder.objects.filter(agreement=agreement, year=year).aggregate(
        m=Max("sequence")
    )["m"]
    return (current or 0) + 1


@transaction.atomic
def order_issue(*, order, by, expected_state=OrderState.DRAFT, today=None):
    action = ORDER_ACTIONS["issue"]
    locked = _lock(PurchaseOrder, order, expected_state)
    today = today or timezone.localdate()
    agreement = locked.agreement
    if not agreement.is_authorised_buyer(by.service):
        # R2162-6 CCP: only the buyers named in the agreement may order.
        raise ActionRefused(
            "Émission refusée : votre service n'est pas acheteur désigné dans l'accord-cadre "
            "(article R2162-6 du code de la commande publique)."
        )
    _check(locked, locked.issue, by, action)
    if not agreement.is_in_force(today):
        # R2162-5 CCP: orders are issued only while the agreement is in force.
        raise ActionRefused(
            f"Émission refusée : l'accord-cadre {agreement.reference} n'est pas en vigueur "
            f"(du {agreement.start_date:%d/%m/%Y} au {agreement.end_date:%d/%m/%Y})."
        )
    if locked.total_excl_tax <= 0:
        raise ActionRefused("Émission refusée : le bon de commande ne comporte aucune ligne.")
    team = locked.team
    if team is not None and team.active_members() and not team.coverage_ok():
        # A team already proposed must cover the competencies asked for, or be justified.
        raise ActionRefused(
            "Émission refusée : compétences demandées non couvertes par l'équipe proposée ("
            + ", ".join(p.name for p in team.missing_professions())
            + "). Complétez l'équipe ou enregistrez une justification."
        )
    year = today.year
    try:
        # Locks the agreement row: ceiling check, commitment and number are one serialised step.
        ceiling.commit(
            agreement=agreement,
            lot=locked.lot,
            amount=locked.total_excl_tax,
            source=locked.source_key,
            reference=f"{agreement.number_prefix}-{year}-?",
            by=by,
        )
    except ceiling.CeilingExceeded as exc:
        raise ActionRefused(str(exc)) from exc
    sequence = _next_sequence(agreement, year)
    locked.year = year
    locked.sequence = sequence
    locked.number = f"{agreement.number_prefix}-{year}-{sequence:04d}"
    locked.issued_at = timezone.now()
    locked.issued_by = by
    locked.issuing_service = by.service
    locked.issue()
    # The ledger row was written before the number existed; give it the number now.
    agreement.commitments.filter(source=locked.source_key).update(reference=locked.number)
    if team is not None:
        team.reference = locked.number
        team.save(update_fields=["reference"])
    _save(locked, by, action, "")
    _store_pdf(locked)
    return locked


def _store_pdf(order):
    from .pdf import purchase_order_pdf  # reportlab is only loaded when a document is built

    _store_document(
        order,
        "purchase_order",
        f"bon-de-commande-{order.number}.pdf",
        purchase_order_pdf(order, team_rows(order.team)),
    )


def _store_team_sheet(order):
    from .pdf import purchase_order_pdf

    content = purchase_order_pdf(order, team_rows(order.team), team_sheet=True)
    _store_document(order, "team_sheet", f"acceptation-equipe-{order.number}.pdf", content)


def _store_document(order, kind, filename, content):
    OrderDocument.objects.update_or_create(
        order=order,
        kind=kind,
        defaults={
            "filename": filename,
            "content": content,
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )


def team_rows(team):
    """The team sheet printed in the documents: active members with professions and days."""
    if team is None:
        return []
    members = (
        team.members.filter(left_on__isnull=True)
        .select_related("expert__company")
        .prefetch_related("expert__professions", "planned_days")
        .order_by("-role", "pk")
    )
    return [
        {
            "name": f"{m.expert} ({m.expert.company.name})",
            "professions": m.expert.professions_text(),
            "role": m.get_role_display(),
            "days": m.total_days(),
        }
        for m in members
    ]


def _send_notification(order_id):
    order = PurchaseOrder.objects.select_related("holder", "agreement").get(pk=order_id)
    document = order.documents.get(kind="purchase_order")
    message = EmailMessage(
        subject=f"Notification du bon de commande {order.number} — Atelier des territoires",
        body=(
            f"Madame, Monsieur,\n\nVeuillez trouver ci-joint le bon de commande {order.number} "
            f"émis au titre de l'accord-cadre {order.agreement.reference}, pour l'atelier "
            f"« {order.request.title} ».\n\nMerci d'en accuser réception et de nous indiquer "
            "votre acceptation ou votre refus motivé.\n\nDGALN — bureau AD1"
        ),
        to=[order.holder.contact_email],
    )
    message.attach(document.filename, bytes(document.content), "application/pdf")
    message.send()


def _team_action(function, prefix="", **kwargs):
    try:
        return function(**kwargs)
    except team_services.TeamRefused as exc:
        raise ActionRefused(f"{prefix}{exc}") from exc


@transaction.atomic
def order_transition(*, order, action_name, by, comment="", expected_state=None, **data):
    """Every order action but issue: lock, check, transition, save, side effects."""
    if action_name == "issue":
        return order_issue(order=order, by=by, expected_state=expected_state)
    action = ORDER_ACTIONS[action_name]
    locked = _lock(PurchaseOrder, order, expected_state)
    method = getattr(locked, action_name)
    _check(locked, method, by, action)
    comment = _reason(action, comment)
    today = timezone.localdate()

    # What the holder's team needs, checked once the role and the state are known to be right.
    if action_name == "start":
        for field in ("session_start", "session_end", "session_place", "delivery_deadline"):
            if data.get(field):
                setattr(locked, field, data[field])
        if not (locked.session_start and locked.session_end and locked.session_place):
            raise ActionRefused("Indiquez les dates et le lieu de la session sur site.")
        if locked.session_end < locked.session_start:
            raise ActionRefused("La fin de la session précède son début.")
        if locked.team is not None:
            _team_action(
                team_services.team_book,
                team=locked.team,
                start=locked.session_start,
                end=locked.session_end,
                place=locked.session_place,
            )
    elif action_name == "holder_accept":
        # The holder's acceptance records its team for good (lead, coverage, availability).
        if locked.team is None:
            raise ActionRefused("Enregistrez l'équipe proposée par le titulaire.")
        _team_action(
            team_services.team_confirm,
            prefix="Acceptation refusée : ",
            team=locked.team,
            start=locked.session_start,
            end=locked.session_end,
            place=locked.session_place,
            by=by,
        )
    elif action_name == "deliver":
        if not data.get("deliverable"):
            raise ActionRefused("Joignez le livrable de synthèse (PDF).")
        locked.deliverable = data["deliverable"]

    if action_name == "start":
        method()
    elif action_name == "deliver":
        method(delivered_on=data.get("on") or today)
    elif action_name == "holder_accept":
        method(accepted_on=data.get("on") or today)
    elif action_name == "certify":
        method(by=by, on=data.get("on") or today)
    elif action_name == "invoice":
        method(number=data["number"], amount=data["amount"], received_on=data["received_on"])
    elif action_name == "pay":
        paid_on = data.get("on") or today
        if paid_on < locked.invoice_received_at:
            raise ActionRefused("La date de paiement précède la réception de la facture.")
        method(paid_on=paid_on)
    elif action_name in ("cancel", "decline"):
        method(reason=comment)
    else:
        method()

    _save(locked, by, action, comment)

    if action_name in ("cancel", "decline") and locked.number:
        # The order keeps its number; its amount goes back under the ceiling.
        ceiling.release(
            agreement=locked.agreement,
            source=locked.source_key,
            reference=locked.number,
            by=by,
        )
    if action_name == "decline":
        HolderDecline.objects.create(
            request=locked.request,
            holder=locked.holder,
            order=locked,
            reason=comment,
            declined_on=data.get("on") or today,
            recorded_by=by,
        )
        # A purchase order is never re-addressed: prepare a new draft for the next holder.
        try:
            order_create(
                team_request=locked.request, by=by, agreement=locked.agreement, previous=locked
            )
        except ActionRefused:
            pass  # no holder left: the request page says so
    if action_name == "holder_accept":
        _store_team_sheet(locked)
    if action_name == "notify":
        order_id = locked.pk
        transaction.on_commit(lambda: _send_notification(order_id))
    return locked


def request_has_no_holder_left(team_request):
    lot = None
    agreement = flash_agreement_for(team_request)
    if agreement:
        lot = agreement.lots.order_by("number").first()
    if lot is None:
        return False
    return allocation.designate(lot=lot, request=team_request).holding is None
