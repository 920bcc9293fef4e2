"""Sections shared by the purchase order and its acceptance sheet: the agreement, the holder,
the object, the lines, the imputation and the team."""

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Table

from procurement.money import format_euros
from procurement.pdf import GREY, LIGHT, date, esc, grid, key_values, number, table_style
from procurement.pdftext import para


def agreement(order, s):
    return [
        para("Accord-cadre", s["h2"]),
        key_values(
            [
                ("Référence", esc(order.agreement.reference)),
                ("Intitulé", esc(order.agreement.title)),
                ("Lot", esc(str(order.lot))),
                (
                    "Fondement",
                    "Bon de commande émis en application des articles R2162-13 et R2162-14 du "
                    "code de la commande publique.",
                ),
            ],
            s,
        ),
    ]


def holder(holder, s):
    company = holder.company
    rows = [
        ("Dénomination", esc(holder.name)),
        (
            "Mandataire" if holder.is_consortium else "Entreprise",
            f"{esc(company.name)} — SIRET {company.siret}<br/>{esc(company.full_address)}",
        ),
    ]
    if holder.is_consortium:
        members = "<br/>".join(f"{esc(m.name)} — SIRET {m.siret}" for m in holder.members.all())
        rows.append(
            (f"Cotraitants (groupement {holder.get_consortium_type_display().lower()})", members)
        )
    rows.append(("Contact", esc(f"{holder.contact_name} — {holder.contact_email}")))
    return [para("Titulaire", s["h2"]), key_values(rows, s)]


def subject(order, s):
    request = order.request
    territory = ", ".join(c.name for c in request.collectivities.all())
    return [
        para("Objet de la commande", s["h2"]),
        key_values(
            [
                ("Atelier", esc(request.title)),
                (
                    "Territoire",
                    esc(f"{territory} — {request.department.name} ({request.department.code})"),
                ),
                (
                    "Session sur site",
                    esc(
                        f"du {date(order.session_start)} au {date(order.session_end)}"
                        f" — {order.session_place or 'lieu à préciser'}"
                    ),
                ),
                ("Livraison de la synthèse", f"au plus tard le {date(order.delivery_deadline)}"),
            ],
            s,
        ),
    ]


def lines(order, s):
    rows = [["Code", "Désignation", "Unité", "Qté", "PU HT", "TVA", "Montant HT"]]
    for line in order.lines.all():
        rows.append(
            [
                line.code,
                para(esc(line.label), s["cell"]),
                para(esc(line.unit), s["cell"]),
                number(line.quantity),
                format_euros(line.unit_price),
                f"{line.vat_percent:f}".replace(".", ",") + " %",
                format_euros(line.amount_excl_tax),
            ]
        )
    rows += [
        ["", "", "", "", "", "Total HT", format_euros(order.total_excl_tax)],
        ["", "", "", "", "", "TVA", format_euros(order.total_vat)],
        ["", "", "", "", "", "Total TTC", format_euros(order.total_incl_tax)],
    ]
    n = len(rows)
    table = Table(
        rows,
        colWidths=[16 * mm, 54 * mm, 22 * mm, 12 * mm, 24 * mm, 17 * mm, 25 * mm],
        repeatRows=1,
    )
    table.setStyle(
        table_style(
            ("FONT", (0, 0), (-1, 0), "Vera-Bold", 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
            ("GRID", (0, 0), (-1, n - 4), 0.4, GREY),  # the totals below carry no grid
            ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("FONT", (5, n - 3), (-1, -1), "Vera-Bold", 8.5),
            ("LINEABOVE", (5, n - 3), (-1, n - 3), 0.8, colors.black),
            ("LINEABOVE", (5, n - 1), (-1, n - 1), 0.8, colors.black),
        )
    )
    return [para("Prestations commandées", s["h2"]), table]


def imputation(order, s):
    return [
        para("Imputation budgétaire et engagement", s["h2"]),
        key_values(
            [
                ("Programme", esc(order.budget_programme)),
                ("Centre financier", esc(order.budget_centre or "—")),
                ("Domaine fonctionnel", esc(order.budget_domain or "—")),
                ("Activité", esc(order.budget_activity or "—")),
                ("Engagement juridique (Chorus)", esc(order.ej_number or "—")),
            ],
            s,
        ),
    ]


def team(members, s):
    """members: rows from orders.services.documents.team_rows."""
    if not members:
        return []
    rows = [["Expert", "Professions", "Rôle", "Jours"]]
    for member in members:
        rows.append(
            [
                para(esc(member["name"]), s["cell"]),
                para(esc(member["professions"]), s["cell"]),
                para(esc(member["role"]), s["cell"]),
                number(member["days"]),
            ]
        )
    return [
        para("Équipe pluridisciplinaire", s["h2"]),
        grid(rows, [45 * mm, 60 * mm, 45 * mm, 20 * mm], right_from=3),
    ]
