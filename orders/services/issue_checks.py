"""What must hold before a purchase order is issued: what the confirmation page lists and what
order_issue refuses with, under lock."""

# What the purchase order must state when it is issued (R2162-13 and the PDF's promises).
REQUIRED_AT_ISSUE = [
    ("ej_number", "le n° d'engagement juridique (EJ)"),
    ("session_start", "le début de la session sur site"),
    ("session_end", "la fin de la session sur site"),
    ("session_place", "le lieu de la session"),
    ("delivery_deadline", "la date limite de livraison"),
]


def issue_blockers(order, service, today):
    """Why this order cannot be issued by `service` today (empty when it can): what the
    confirmation page lists and what order_issue refuses with, under lock."""
    agreement, blockers = order.agreement, []
    if not agreement.is_in_force(today):
        # R2162-5 CCP: orders are issued only while the agreement is in force.
        blockers.append(
            f"l'accord-cadre {agreement.reference} n'est pas en vigueur "
            f"(du {agreement.start_date:%d/%m/%Y} au {agreement.end_date:%d/%m/%Y})."
        )
    if order.total_excl_tax <= 0:
        blockers.append("le bon de commande ne comporte aucune ligne.")
    missing = [label for name, label in REQUIRED_AT_ISSUE if not getattr(order, name)]
    if missing:
        # The purchase-order PDF is built now: it never prints "—" for these.
        blockers.append("renseignez " + ", ".join(missing) + " dans le projet.")
    service_missing = service.missing_issuing_details()
    if service_missing:
        # What the holder needs to invoice and to know who signs (printed on the order).
        blockers.append(
            f"la fiche du service {service.short_name} est incomplète ("
            + ", ".join(service_missing)
            + "). Un administrateur la complète dans l'administration."
        )
    team = order.team
    if team is not None and not team.active_members():
        blockers.append(
            "l'équipe proposée par le titulaire est vide. Enregistrez au moins son chef de projet."
        )
    elif team is not None and not team.coverage_ok():
        # The team must cover the competencies asked for, or the gap be justified.
        blockers.append(
            "compétences demandées non couvertes par l'équipe proposée ("
            + ", ".join(p.name for p in team.missing_professions())
            + "). Complétez l'équipe ou enregistrez une justification."
        )
    return blockers
