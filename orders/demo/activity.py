"""Demo activity: requests and purchase orders in every state for two pilots, driven
through the real services (orders.happy_path)."""

import datetime
from decimal import Decimal

from orders import happy_path, services
from orders.enums import OrderState
from orders.models import Collectivity, TeamRequest
from teams import services as team_services
from teams.enums import MemberRole
from teams.models import Expert, Profession

from .reference import fictitious_siren

ORDER_STATES = [
    OrderState.DRAFT,
    OrderState.ISSUED,
    OrderState.NOTIFIED,
    OrderState.ACCEPTED,
    OrderState.IN_PROGRESS,
    OrderState.DELIVERED,
    OrderState.SERVICE_DONE,
    OrderState.INVOICED,
    OrderState.PAID,
    OrderState.CLOSED,
    OrderState.CANCELLED,
    OrderState.DECLINED,
]

TERRITORIES = {
    "35": [
        ("Redon", "commune"),
        ("Fougères", "commune"),
        ("Vitré Communauté", "epci"),
        ("Saint-Malo", "commune"),
        ("Combourg", "commune"),
        ("Dol-de-Bretagne", "commune"),
        ("Bain-de-Bretagne", "commune"),
        ("Montfort Communauté", "epci"),
        ("Janzé", "commune"),
        ("Guichen", "commune"),
        ("Cancale", "commune"),
        ("Liffré-Cormier Communauté", "epci"),
        ("Châteaugiron", "commune"),
        ("Saint-Aubin-du-Cormier", "commune"),
        ("Pipriac", "commune"),
        ("Retiers", "commune"),
        ("Louvigné-du-Désert", "commune"),
        ("Tinténiac", "commune"),
    ],
    "29": [
        ("Douarnenez", "commune"),
        ("Morlaix Communauté", "epci"),
        ("Landerneau", "commune"),
        ("Concarneau", "commune"),
        ("Quimperlé Communauté", "epci"),
        ("Carhaix-Plouguer", "commune"),
        ("Crozon", "commune"),
        ("Roscoff", "commune"),
        ("Pont-l'Abbé", "commune"),
        ("Châteaulin", "commune"),
        ("Landivisiau", "commune"),
        ("Plougastel-Daoulas", "commune"),
        ("Audierne", "commune"),
        ("Saint-Pol-de-Léon", "commune"),
        ("Lesneven", "commune"),
        ("Huelgoat", "commune"),
        ("Quimper Bretagne Occidentale", "epci"),
        ("Brest", "commune"),
    ],
}


def propose_team(order, buyer):
    """The holder's proposal: a lead from the mandataire, then cover what was asked."""
    team = order.team
    experts = list(Expert.objects.filter(holder=order.holder).prefetch_related("professions"))
    leads = [e for e in experts if e.company_id == order.holder.company_id]
    lead = leads[order.pk % len(leads)]  # the mandataire's project leads take turns
    chosen = [lead]
    wanted = set(order.request.required_professions.values_list("pk", flat=True))
    wanted -= {p.pk for p in lead.professions.all()}
    for expert in experts:
        brings = {p.pk for p in expert.professions.all()} & wanted
        if brings and expert not in chosen:
            chosen.append(expert)
            wanted -= brings
    for expert in chosen:
        team_services.team_add_member(
            team=team,
            expert=expert,
            role=MemberRole.LEAD if expert == lead else MemberRole.EXPERT,
            days={
                "preparation": Decimal("1"),
                "on_site": Decimal("3"),
                "synthesis": Decimal("2") if expert == lead else Decimal("1"),
            },
            by=buyer,
        )


# --- requests and orders --------------------------------------------------------------------


def new_request(pilot, index, title, place, kind, fmt="flash"):
    professions = list(Profession.objects.order_by("name")[index % 4 : index % 4 + 3])
    request = TeamRequest(
        service=pilot.service,
        department=pilot.service.department,
        format=fmt,
        title=title,
        problem_statement=(
            f"{place} souhaite repenser l'articulation entre son centre, ses franges et ses "
            "paysages, face au vieillissement du bâti et aux effets du changement climatique."
        ),
        themes=["town_centre", "landscape"] if index % 2 else ["ecological_transition"],
        desired_start=datetime.date(2027, 1, 1) + datetime.timedelta(days=30 * (index % 6)),
        desired_end=datetime.date(2027, 4, 30) + datetime.timedelta(days=30 * (index % 6)),
        local_partners="CAUE, Parc naturel régional, agence d'urbanisme",
        created_by=pilot,
    )
    request._history_user = pilot
    request.save()
    request.required_professions.set(professions)
    Collectivity.objects.create(
        request=request, name=place, kind=kind, siren=fictitious_siren(index + 100 * pilot.pk)
    )
    return request


def requests_and_orders(users, flash):
    buyer, finance = users["acheteur"], users["finance"]
    today = datetime.date.today()
    for pilot_name in ("pilote35", "pilote29"):
        pilot = users[pilot_name]
        places = iter(enumerate(TERRITORIES[pilot.service.department.code]))

        def make(state_path, fmt="flash", pilot=pilot, places=places):
            index, (place, kind) = next(places)
            request = new_request(
                pilot, index, f"Atelier {place} : centre et franges", place, kind, fmt
            )
            for action, comment in state_path:
                actor = pilot if action in ("submit", "withdraw") else buyer
                services.REQUEST_ACTIONS[action].run(request, by=actor, comment=comment)
            return request

        make([])
        make([("submit", "")])
        make([("submit", ""), ("return_for_changes", "Joindre la lettre de soutien du maire.")])
        make([("submit", ""), ("reject", "Territoire déjà accompagné en 2024.")])
        make([("submit", ""), ("withdraw", "Élections municipales : projet reporté.")])
        make([("submit", ""), ("accept", "")], fmt="local")
        for state in ORDER_STATES:
            request = make([("submit", ""), ("accept", "Dossier complet.")])
            order = services.order_create(team_request=request, by=buyer)
            drive(order, state, buyer, pilot, finance, today)


def drive(order, target, buyer, pilot, finance, today):
    order = services.order_update_draft(
        order=order,
        by=buyer,
        quantities={
            pl.pk: Decimal("1") if pl.code in ("F01", "F03") else Decimal("0")
            for pl in order.price_schedule()
        },
        fields={
            # Sessions five days apart, so no expert is on two sites at once.
            "session_start": today + datetime.timedelta(days=14 + 5 * order.pk),
            "session_end": today + datetime.timedelta(days=16 + 5 * order.pk),
            "session_place": f"Mairie de {order.request.collectivities.first().name}",
            "delivery_deadline": today + datetime.timedelta(days=60 + 5 * order.pk),
            "budget_centre": "0135-CDGA-C001",
            "budget_domain": "0135-07",
            "budget_activity": "013507AT0001",
            "ej_number": f"21{order.pk:08d}",
        },
    )
    propose_team(order, buyer)
    happy_path.drive_order(
        order,
        target,
        buyer=buyer,
        finance=finance,
        pilot=pilot,
        today=today,
        data={
            "holder_accept": {"on": today},
            "deliver": {"on": today},
            "certify": {"on": today},
            "invoice": {"received_on": today - datetime.timedelta(days=45)},
            "pay": {"on": today - datetime.timedelta(days=5)},
            "cancel": {"comment": "La collectivité a retiré sa demande."},
            "decline": {
                "on": today,
                "comment": "Indisponibilité de l'équipe aux dates demandées.",
            },
        },
    )
