"""Who is told what, by e-mail through the outbox (notifications app).

- the holder receives its purchase order, the pilot in copy, and the notification of its
  subsequent contract;
- the pilot receives each decision on their request and each step of their order;
- the buyers receive new and returned-then-completed requests;
- finance receives each service fait (an order certified, a Local phase accepted).

Hooks run after the action, inside its transaction: the e-mail leaves only if the step commits.
"""

from django.utils import timezone
from django_fsm import can_proceed

from notifications import outbox
from procurement.actions import save
from procurement.models import Role, User
from procurement.money import format_euros


def when(moment):
    return timezone.localtime(moment).strftime("%d/%m/%Y à %H:%M")


def _emails(role):
    return list(
        User.objects.filter(role=role, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _pilot(team_request):
    return [team_request.created_by.email]


# --- the purchase order and the contract, to their holder ------------------------------------


def notified_on_departure(message):
    """The outbox's on_sent for an order or a contract: its notification e-mail left, so it is
    notified, as the system, dated then. One ended meanwhile (cancelled) is left as it is."""
    obj = message.about_type.model_class().objects.select_for_update().get(pk=message.about_id)
    if not can_proceed(obj.notify):
        return
    obj.notify(at=message.sent_at)
    save(obj, None, f"Notifié au titulaire : courriel parti le {when(message.sent_at)}")


def order_notification(order, by):
    from .services import documents

    document = documents.latest(order.documents, "purchase_order")
    return outbox.queue(
        kind="order_notification",
        about=order,
        to=[order.holder.contact_email],
        cc=_pilot(order.request),
        subject=f"Notification du bon de commande {order.number} — Atelier des territoires",
        paragraphs=[
            f"Veuillez trouver ci-joint le bon de commande {order.number} émis au titre de "
            f"l'accord-cadre {order.agreement.reference}, pour l'atelier « {order.request.title} » "
            f"({format_euros(order.total_incl_tax)} TTC).",
            "Merci d'en accuser réception et de nous indiquer votre acceptation ou votre refus "
            "motivé dans le délai fixé par le bon de commande.",
        ],
        attachments=[outbox.attachment(document)],
        on_sent="orders.notices.notified_on_departure",
        by=by,
    )


def contract_notification(contract, letter, by):
    return outbox.queue(
        kind="contract_notification",
        about=contract,
        to=[contract.holder.contact_email],
        cc=_pilot(contract.request),
        subject=f"Notification du marché subséquent {contract.number}",
        paragraphs=[
            f"Veuillez trouver ci-joint la notification du marché subséquent {contract.number}, "
            f"qui vous est attribué ({format_euros(contract.total_incl_tax)} TTC).",
        ],
        attachments=[outbox.attachment(letter)],
        on_sent="orders.notices.notified_on_departure",
        by=by,
    )


def document_to_holder(*, kind, about, holder, subject, paragraphs, document, by=None):
    """A letter to a holder (consultation, rejection, interruption notice)."""
    return outbox.queue(
        kind=kind,
        about=about,
        to=[holder.contact_email],
        subject=subject,
        paragraphs=paragraphs,
        attachments=[outbox.attachment(document)] if document is not None else [],
        by=by,
    )


# --- requests ---------------------------------------------------------------------------------


def request_submitted(team_request, by, step):
    again = step.source == "returned"
    outbox.queue(
        kind="request_submitted",
        about=team_request,
        to=_emails(Role.BUYER),
        subject=("Demande complétée" if again else "Nouvelle demande") + f" : {team_request.title}",
        paragraphs=[
            f"{team_request.service} a "
            + ("complété et redéposé" if again else "déposé")
            + f" la demande d'atelier « {team_request.title} » ({team_request.department}).",
            "Elle attend votre instruction.",
        ],
        link=("Instruire la demande", team_request.get_absolute_url()),
        by=by,
    )


DECISIONS = {
    "accept": ("acceptée", "Vous serez informé de l'émission de la commande."),
    "return_for_changes": ("renvoyée pour compléments", "Complétez-la puis redéposez-la."),
    "reject": ("refusée", ""),
}


def request_decided(action):
    def hook(team_request, by, step):
        decision, next_step = DECISIONS[action]
        paragraphs = [f"Votre demande d'atelier « {team_request.title} » a été {decision}."]
        if step.comment:
            paragraphs.append(f"Motif : {step.comment}")
        if next_step:
            paragraphs.append(next_step)
        outbox.queue(
            kind=f"request_{action}",
            about=team_request,
            to=_pilot(team_request),
            subject=f"Demande {decision} : {team_request.title}",
            paragraphs=paragraphs,
            link=("Voir la demande", team_request.get_absolute_url()),
            by=by,
        )

    return hook


# --- purchase orders, to the pilot and finance ------------------------------------------------

ORDER_STEPS = {
    "issue": ("émis", "a été émis ; il sera notifié au titulaire {holder}"),
    "holder_accept": ("accepté", "a été accepté par le titulaire {holder}"),
    "decline": ("refusé", "a été refusé par le titulaire {holder}"),
    "deliver": ("livré", "a fait l'objet d'un dépôt de livrable par le titulaire {holder}"),
}


def order_step(action):
    def hook(order, by, step):
        word, text = ORDER_STEPS[action]
        text = text.format(holder=order.holder)
        paragraphs = [
            f"Le bon de commande {order.number} ({format_euros(order.total_incl_tax)} TTC) pour "
            f"votre demande « {order.request.title} » {text}."
        ]
        if step.comment:
            paragraphs.append(f"Motif : {step.comment}")
        outbox.queue(
            kind=f"order_{action}",
            about=order,
            to=_pilot(order.request),
            subject=f"Bon de commande {order.number} {word}",
            paragraphs=paragraphs,
            link=("Voir le bon de commande", order.get_absolute_url()),
            by=by,
        )

    return hook


def service_done(order, by, step):
    outbox.queue(
        kind="service_done",
        about=order,
        to=_emails(Role.FINANCE),
        subject=f"Service fait : bon de commande {order.number}",
        paragraphs=[
            f"Le service fait du bon de commande {order.number} ({order.holder}, "
            f"{format_euros(order.total_incl_tax)} TTC) est constaté : ses factures reçues "
            "peuvent être mises en paiement."
        ],
        link=("Voir le bon de commande", order.get_absolute_url()),
        by=by,
    )


def phase_done(phase, by, step):
    contract = phase.contract
    outbox.queue(
        kind="service_done",
        about=contract,
        to=_emails(Role.FINANCE),
        subject=f"Service fait : {phase.label} du marché {contract.number}",
        paragraphs=[
            f"La phase « {phase.label} » du marché subséquent {contract.number} "
            f"({contract.holder}) est acceptée : son acompte peut être payé."
        ],
        link=("Voir le marché", contract.get_absolute_url()),
        by=by,
    )


def register():
    """Connect the hooks to the actions (OrdersConfig.ready)."""
    from .services.contract_execution import PHASE_ACTIONS
    from .services.purchase_orders import ORDER_ACTIONS
    from .services.requests import REQUEST_ACTIONS

    REQUEST_ACTIONS.after("submit", request_submitted)
    for name in DECISIONS:
        REQUEST_ACTIONS.after(name, request_decided(name))
    for name in ORDER_STEPS:
        ORDER_ACTIONS.after(name, order_step(name))
    ORDER_ACTIONS.after("certify", service_done)
    PHASE_ACTIONS.after("accept", phase_done)
