"""Official purchase-order PDF (R2162-13 CCP), built with reportlab.

Fonts are the Bitstream Vera TTFs shipped inside reportlab, embedded in the file, so the
document renders the same on any machine. `invariant=1` keeps the bytes stable for equal input;
the stored copy (OrderDocument) is what every later download returns anyway.
"""

import datetime
import io
from pathlib import Path

import reportlab
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from procurement.money import format_euros

FONT_DIR = Path(reportlab.__file__).parent / "fonts"
BLUE = colors.HexColor("#000091")
GREY = colors.HexColor("#666666")
LIGHT = colors.HexColor("#eeeeee")


def _register_fonts():
    if "Vera" in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont("Vera", str(FONT_DIR / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont("Vera-Bold", str(FONT_DIR / "VeraBd.ttf")))
    pdfmetrics.registerFont(TTFont("Vera-Italic", str(FONT_DIR / "VeraIt.ttf")))
    pdfmetrics.registerFontFamily(
        "Vera", normal="Vera", bold="Vera-Bold", italic="Vera-Italic", boldItalic="Vera-Bold"
    )


def _styles():
    base = ParagraphStyle("base", fontName="Vera", fontSize=9, leading=12)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=GREY),
        "title": ParagraphStyle(
            "title", parent=base, fontName="Vera-Bold", fontSize=15, leading=19, textColor=BLUE
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName="Vera-Bold",
            fontSize=10.5,
            leading=14,
            spaceBefore=8,
            spaceAfter=3,
            textColor=BLUE,
        ),
        "mark": ParagraphStyle(
            "mark", parent=base, fontName="Vera-Bold", fontSize=10, leading=11.5
        ),
        "motto": ParagraphStyle(
            "motto", parent=base, fontName="Vera-Italic", fontSize=7.5, leading=9
        ),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
    }


def _style(*commands):
    """A TableStyle whose cells default to the embedded font (reportlab's default is Helvetica)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), "Vera", 8.5), *commands])


def _esc(text):
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _date(value):
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)  # French legal date, not UTC
    return value.strftime("%d/%m/%Y")


def _block_mark(s):
    """The Republic's block-mark: name, motto, then the ministry (charte de l'État)."""
    return [
        Paragraph("RÉPUBLIQUE<br/>FRANÇAISE", s["mark"]),
        Paragraph("Liberté<br/>Égalité<br/>Fraternité", s["motto"]),
        Spacer(1, 3 * mm),
        Paragraph(
            "Ministère de l'Aménagement du territoire<br/>Direction générale de l'aménagement, "
            "du logement et de la nature",
            s["small"],
        ),
    ]


def _key_values(rows, s, widths=(45 * mm, 125 * mm)):
    table = Table(
        [[Paragraph(f"<b>{_esc(k)}</b>", s["cell"]), Paragraph(v, s["cell"])] for k, v in rows],
        colWidths=widths,
    )
    table.setStyle(
        _style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
        )
    )
    return table


def purchase_order_pdf(order, team_members=None, team_sheet=False):
    """The purchase order; with team_sheet, the record of the holder's acceptance and team."""
    _register_fonts()
    s = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=(
            f"Acceptation et équipe — bon de commande {order.number}"
            if team_sheet
            else f"Bon de commande {order.number}"
        ),
        author="DGALN — Atelier des territoires",
        subject=f"Accord-cadre {order.agreement.reference}",
        invariant=1,
        initialFontName="Vera",  # no stray, non-embedded Helvetica reference
    )
    request = order.request
    holder = order.holder
    service = order.issuing_service
    story = []

    header = Table(
        [
            [
                _block_mark(s),
                [
                    Paragraph(
                        (
                            f"Acceptation du bon de commande n° {_esc(order.number)}"
                            if team_sheet
                            else f"Bon de commande n° {_esc(order.number)}"
                        ),
                        s["title"],
                    ),
                    Paragraph(f"Émis le {_date(order.issued_at)}", s["right"]),
                    Paragraph(
                        f"Service émetteur : {_esc(service.name if service else '')}", s["right"]
                    ),
                ],
            ]
        ],
        colWidths=[70 * mm, 100 * mm],
    )
    header.setStyle(_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    story += [header, Spacer(1, 3 * mm)]

    if team_sheet:
        story.append(
            Paragraph(
                f"Le titulaire a accepté ce bon de commande le {_date(order.holder_accepted_at)}. "
                "L'équipe pluridisciplinaire ci-dessous est confirmée : tout remplacement d'un "
                "membre fera l'objet d'une demande de substitution soumise à l'acheteur.",
                s["base"],
            )
        )
    story.append(Paragraph("Accord-cadre", s["h2"]))
    story.append(
        _key_values(
            [
                ("Référence", _esc(order.agreement.reference)),
                ("Intitulé", _esc(order.agreement.title)),
                ("Lot", _esc(str(order.lot))),
                (
                    "Fondement",
                    "Bon de commande émis en application des articles R2162-13 et R2162-14 du "
                    "code de la commande publique.",
                ),
            ],
            s,
        )
    )

    story.append(Paragraph("Titulaire", s["h2"]))
    company = holder.company
    holder_rows = [
        ("Dénomination", _esc(holder.name)),
        (
            "Mandataire" if holder.is_consortium else "Entreprise",
            f"{_esc(company.name)} — SIRET {company.siret}<br/>{_esc(company.full_address)}",
        ),
    ]
    if holder.is_consortium:
        members = "<br/>".join(f"{_esc(m.name)} — SIRET {m.siret}" for m in holder.members.all())
        holder_rows.append(
            (f"Cotraitants (groupement {holder.get_consortium_type_display().lower()})", members)
        )
    holder_rows.append(("Contact", _esc(f"{holder.contact_name} — {holder.contact_email}")))
    story.append(_key_values(holder_rows, s))

    story.append(Paragraph("Objet de la commande", s["h2"]))
    territory = ", ".join(c.name for c in request.collectivities.all())
    story.append(
        _key_values(
            [
                ("Atelier", _esc(request.title)),
                (
                    "Territoire",
                    _esc(f"{territory} — {request.department.name} ({request.department.code})"),
                ),
                (
                    "Session sur site",
                    _esc(
                        f"du {_date(order.session_start)} au {_date(order.session_end)}"
                        f" — {order.session_place or 'lieu à préciser'}"
                    ),
                ),
                ("Livraison de la synthèse", f"au plus tard le {_date(order.delivery_deadline)}"),
            ],
            s,
        )
    )

    story.append(Paragraph("Prestations commandées", s["h2"]))
    rows = [["Code", "Désignation", "Unité", "Qté", "PU HT", "TVA", "Montant HT"]]
    for line in order.lines.all():
        rows.append(
            [
                line.code,
                Paragraph(_esc(line.label), s["cell"]),
                Paragraph(_esc(line.unit), s["cell"]),
                f"{line.quantity.normalize():f}".replace(".", ","),
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
    table = Table(
        rows,
        colWidths=[16 * mm, 54 * mm, 22 * mm, 12 * mm, 24 * mm, 17 * mm, 25 * mm],
        repeatRows=1,
    )
    n = len(rows)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), "Vera", 8.5),
                ("FONT", (0, 0), (-1, 0), "Vera-Bold", 8.5),
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("GRID", (0, 0), (-1, n - 4), 0.4, GREY),
                ("ALIGN", (3, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONT", (5, n - 3), (-1, -1), "Vera-Bold", 8.5),
                ("LINEABOVE", (5, n - 3), (-1, n - 3), 0.8, colors.black),
                ("LINEABOVE", (5, n - 1), (-1, n - 1), 0.8, colors.black),
            ]
        )
    )
    story.append(table)

    story.append(Paragraph("Imputation budgétaire et engagement", s["h2"]))
    story.append(
        _key_values(
            [
                ("Programme", _esc(order.budget_programme)),
                ("Centre financier", _esc(order.budget_centre or "—")),
                ("Domaine fonctionnel", _esc(order.budget_domain or "—")),
                ("Activité", _esc(order.budget_activity or "—")),
                ("Engagement juridique (Chorus)", _esc(order.ej_number or "—")),
            ],
            s,
        )
    )

    if team_members:
        story.append(Paragraph("Équipe pluridisciplinaire", s["h2"]))
        team_rows = [["Expert", "Professions", "Rôle", "Jours"]]
        for member in team_members:
            team_rows.append(
                [
                    Paragraph(_esc(member["name"]), s["cell"]),
                    Paragraph(_esc(member["professions"]), s["cell"]),
                    Paragraph(_esc(member["role"]), s["cell"]),
                    f"{member['days']}".replace(".", ","),
                ]
            )
        team_table = Table(team_rows, colWidths=[45 * mm, 60 * mm, 45 * mm, 20 * mm])
        team_table.setStyle(
            TableStyle(
                [
                    ("FONT", (0, 0), (-1, -1), "Vera", 8.5),
                    ("FONT", (0, 0), (-1, 0), "Vera-Bold", 8.5),
                    ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                    ("GRID", (0, 0), (-1, -1), 0.4, GREY),
                    ("ALIGN", (3, 0), (3, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ]
            )
        )
        story.append(team_table)

    story.append(Paragraph("Conditions", s["h2"]))
    story.append(
        Paragraph(
            "Paiement par virement dans un délai de 30 jours à compter de la réception de la "
            "facture déposée sur Chorus Pro (article R2192-10 du code de la commande publique), "
            "après constatation du service fait. Tout retard ouvre droit à des intérêts "
            "moratoires et à une indemnité forfaitaire de 40 € (articles R2192-31 à R2192-36).",
            s["small"],
        )
    )
    story.append(Spacer(1, 2 * mm))
    signature = Table(
        [
            [
                Paragraph(
                    "Le titulaire<br/>(date, nom, qualité et signature)",
                    s["base"],
                ),
                Paragraph(
                    f"Pour le ministre et par délégation,<br/>"
                    f"{_esc(order.issued_by or '')}<br/>{_esc(service.name if service else '')}",
                    s["base"],
                ),
            ]
        ],
        colWidths=[85 * mm, 85 * mm],
        rowHeights=[22 * mm],
    )
    signature.setStyle(
        _style(
            ("BOX", (0, 0), (0, 0), 0.4, GREY),
            ("BOX", (1, 0), (1, 0), 0.4, GREY),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        )
    )
    story.append(KeepTogether(signature))

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Vera", 7)
        canvas.setFillColor(GREY)
        canvas.drawString(
            20 * mm, 10 * mm, f"Bon de commande {order.number} — {order.agreement.reference}"
        )
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"Page {document.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
