"""Demo activity: requests and purchase orders in every state for two pilots, driven
through the real services (orders.happy_path) on a credible timeline: each step runs with the
application clock set to its day, so orders are issued over the months since the agreement
started, sessions come before deliveries, deliveries before certificates, invoices after the
work; some payments are on time, some late (one across a half-year boundary), one invoice is
interrupted, and declines spread the orders across the cascade."""

import datetime
from decimal import Decimal

from orders import happy_path, late_payment, services
from orders.enums import OrderState
from orders.models import Collectivity, TeamRequest
from procurement import clock
from teams import availability
from teams import services as team_services
from teams.enums import MemberRole
from teams.models import Expert, Profession

from . import local
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
        ("Val d'Anast", "commune"),
        ("Bretagne Porte de Loire Communauté", "epci"),
        ("Saint-Méen-le-Grand", "commune"),
        ("Maure-de-Bretagne", "commune"),
        ("Pays de Dol et de la Baie du Mont-Saint-Michel", "epci"),
        ("Plélan-le-Grand", "commune"),
        ("Sens-de-Bretagne", "commune"),
        ("La Guerche-de-Bretagne", "commune"),
        ("Bruz", "commune"),
        ("Pacé", "commune"),
        ("Betton", "commune"),
        ("Mordelles", "commune"),
        ("Melesse", "commune"),
        ("Val d'Ille-Aubigné", "epci"),
        ("Brocéliande Communauté", "epci"),
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
        ("Haut-Léon Communauté", "epci"),
        ("Poher Communauté", "epci"),
        ("Pleyben", "commune"),
        ("Scaër", "commune"),
        ("Le Faou", "commune"),
        ("Plouescat", "commune"),
        ("Rosporden", "commune"),
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

DAY = datetime.timedelta(days=1)


def new_request(pilot, index, title, place, kind, fmt, day):
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
        desired_start=day + 40 * DAY,
        desired_end=day + 160 * DAY,
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


def last_half_year_boundary(today):
    """The latest 1 January or 1 July at least 45 days ago (for a late payment across it)."""
    day = today - 45 * DAY
    return late_payment.half_year_start(day)


# (state, issued this many days ago, options). Sessions fall 25 days after the issue, so
# the two pilots' offsets (3 days apart) never put one expert on two sites at once.
SCENARIOS = {
    "pilote35": [
        (OrderState.DRAFT, 0, {}),
        (OrderState.ISSUED, 15, {}),
        (OrderState.NOTIFIED, 25, {}),
        (OrderState.ACCEPTED, 35, {}),
        (OrderState.IN_PROGRESS, 50, {}),
        (OrderState.DELIVERED, 60, {}),
        (OrderState.SERVICE_DONE, 75, {}),
        (OrderState.INVOICED, 95, {}),
        (OrderState.PAID, 160, {"pay_after": 20}),
        (OrderState.CLOSED, None, {"late_across_half_year": True}),
        (OrderState.CANCELLED, 140, {}),
        (OrderState.DECLINED, 120, {}),
    ],
    "pilote29": [
        (OrderState.DRAFT, 0, {}),
        (OrderState.ISSUED, 18, {}),
        (OrderState.NOTIFIED, 28, {}),
        (OrderState.ACCEPTED, 38, {}),
        (OrderState.IN_PROGRESS, 55, {}),
        (OrderState.DELIVERED, 65, {}),
        (OrderState.SERVICE_DONE, 80, {}),
        (OrderState.INVOICED, 100, {"interrupted": True}),
        (OrderState.PAID, 250, {"pay_after": 42}),
        (OrderState.CLOSED, 330, {"pay_after": 25, "declined_first": True}),
        (OrderState.CANCELLED, 150, {}),
        (OrderState.DECLINED, 130, {}),
    ],
}


def requests_and_orders(users, flash):
    buyer, finance = users["acheteur"], users["finance"]
    today = clock.today()
    for pilot_name, scenarios in SCENARIOS.items():
        pilot = users[pilot_name]
        places = iter(enumerate(TERRITORIES[pilot.service.department.code]))

        def make(state_path, day, fmt="flash", pilot=pilot, places=places):
            index, (place, kind) = next(places)
            with clock.frozen(day - 25 * DAY):
                request = new_request(
                    pilot, index, f"Atelier {place} : centre et franges", place, kind, fmt, day
                )
            for offset, (action, comment) in zip((20, 10), state_path, strict=False):
                actor = pilot if action in ("submit", "withdraw") else buyer
                with clock.frozen(day - offset * DAY):
                    services.REQUEST_ACTIONS[action].run(request, by=actor, comment=comment)
            return request

        make([], today)
        make([("submit", "")], today)
        make(
            [("submit", ""), ("return_for_changes", "Joindre la lettre de soutien du maire.")],
            today,
        )
        make([("submit", ""), ("reject", "Territoire déjà accompagné en 2024.")], today - 30 * DAY)
        make([("submit", ""), ("withdraw", "Élections municipales : projet reporté.")], today)
        extra = local.EXECUTION_SCENARIOS if pilot_name == "pilote35" else []
        for index, (state, ago, plan) in enumerate(local.SCENARIOS + extra):
            # Local requests, accepted before their consultation was prepared.
            start = today - ((ago or 3) + 20) * DAY
            request = make(
                [("submit", ""), ("accept", "Projet retenu par la DGALN.")], start, fmt="local"
            )
            local.run(
                request,
                state,
                ago,
                buyer,
                index + (pilot_name == "pilote29"),
                plan=plan,
                users={**users, "pilot": pilot},
            )
        for state, ago, options in scenarios:
            if options.get("late_across_half_year"):
                # Due the day before a 1 January or 1 July, paid 20 days later: the interest
                # starts in the new half-year and takes its rate (R2192-31).
                boundary = last_half_year_boundary(today)
                issued = boundary - 78 * DAY
                options = {**options, "pay_after": 50}
            else:
                issued = today - ago * DAY
            request = make([("submit", ""), ("accept", "Dossier complet.")], issued)
            drive(request, state, issued, buyer, pilot, finance, options)


def _free_session(team, session):
    """The first day from `session` on, three days apart, when no member of the proposed team
    is on site elsewhere: the demo's Local sessions follow today while some Flash scenarios
    are anchored to a half-year boundary, so on some days they would meet."""
    for shift in range(0, 15, 3):  # the session stays before the delivery (day + 40)
        start = session + shift * DAY
        if not availability.team_conflicts(team, start, start + 2 * DAY):
            return start
    raise ValueError(f"No free session for the demo team {team} after {session}.")


def _draft(request, buyer, day, session):
    with clock.frozen(day):
        order = services.order_create(team_request=request, by=buyer)
        propose_team(order, buyer)
        session = _free_session(order.team, session)
        order = services.order_update_draft(
            order=order,
            by=buyer,
            quantities={
                pl.pk: Decimal("1") if pl.code in ("F01", "F03") else Decimal("0")
                for pl in order.price_schedule()
            },
            fields={
                "session_start": session,
                "session_end": session + 2 * DAY,
                "session_place": f"Mairie de {request.collectivities.first().name}",
                "delivery_deadline": session + 35 * DAY,
                "budget_centre": "0135-CDGA-C001",
                "budget_domain": "0135-07",
                "budget_activity": "013507AT0001",
                "ej_number": f"21{order.pk:08d}",
            },
        )
    return order


def drive(request, target, day, buyer, pilot, finance, options):
    """One order on its timeline: issued on `day`, session 25 days later, and so on."""
    session = day + 25 * DAY
    order = _draft(request, buyer, day - 5 * DAY, session)
    if options.get("declined_first"):
        # The best-ranked holder declines: the next one in the cascade gets the order.
        happy_path.drive_order(
            order,
            OrderState.DECLINED,
            buyer=buyer,
            finance=finance,
            data={
                "issue": {"at": day - 12 * DAY},
                "notify": {"at": day - 11 * DAY},
                "decline": {
                    "at": day - 9 * DAY,
                    "on": day - 9 * DAY,
                    "comment": "Équipe déjà engagée aux dates demandées.",
                },
            },
        )
        order = request.purchase_orders.get(state=OrderState.DRAFT)
        with clock.frozen(day - 8 * DAY):
            propose_team(order, buyer)
    received = day + 47 * DAY
    pay_after = options.get("pay_after", 20)
    invoice = {
        "at": received,
        "received_on": received,
        "holder_number": f"FAC-{order.pk:05d}",
        "chorus_number": f"CPP-{received:%Y}-{order.pk:06d}",
        "accepted_on": received + 3 * DAY,
    }
    if options.get("interrupted"):
        # The EJ number is missing: the delay stops, then runs anew from the complete invoice.
        invoice.update(
            interrupted_on=received + 5 * DAY,
            missing_items="Numéro d'engagement juridique (EJ) absent de la facture.",
            completed_on=received + 13 * DAY,
            accepted_on=received + 15 * DAY,
        )
    happy_path.drive_order(
        order,
        target,
        buyer=buyer,
        finance=finance,
        pilot=pilot,
        data={
            "issue": {"at": day},
            "notify": {"at": day + DAY},
            "holder_accept": {"at": day + 4 * DAY, "on": day + 4 * DAY},
            "start": {"at": day + 7 * DAY, "on": day + 7 * DAY},
            "deliver": {"at": day + 40 * DAY, "on": day + 40 * DAY},
            "certify": {"at": day + 45 * DAY, "on": day + 45 * DAY},
            "invoice": invoice,
            "pay": {
                "at": received + pay_after * DAY,
                "on": received + pay_after * DAY,
                # Closed orders have settled their interest too (R2192-36: within 45 days).
                **(
                    {"interest_paid_on": received + (pay_after + 9) * DAY}
                    if target == OrderState.CLOSED
                    else {}
                ),
            },
            "close": {"at": received + (pay_after + 10) * DAY},
            "cancel": {"at": day + 3 * DAY, "comment": "La collectivité a retiré sa demande."},
            "decline": {
                "at": day + 3 * DAY,
                "on": day + 3 * DAY,
                "comment": "Indisponibilité de l'équipe aux dates demandées.",
            },
        },
    )
