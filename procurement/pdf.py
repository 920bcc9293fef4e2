"""Building blocks of every official PDF (reportlab): fonts, styles, the State block-mark,
key-value tables, grids, the signature block and the page footer.

Fonts are the Bitstream Vera TTFs shipped inside reportlab, embedded in the file, so a document
renders the same on any machine. `invariant=1` keeps the bytes stable for equal input (a
document rebuilt from unchanged data is identical); the stored copy is what every later
download returns anyway.
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
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import LayoutError

from .actions import ActionRefused
from .pdffonts import KeptSubsetFont, start_subsets
from .pdftext import para

FONT_DIR = Path(reportlab.__file__).parent / "fonts"
BLUE = colors.HexColor("#000091")
GREY = colors.HexColor("#666666")
LIGHT = colors.HexColor("#eeeeee")
WATERMARK = colors.Color(0.79, 0.1, 0.1, alpha=0.16)  # a preview's "PROJET — sans valeur"
WIDTH = 170 * mm  # A4 less 20 mm margins


FONTS = {"Vera": "Vera.ttf", "Vera-Bold": "VeraBd.ttf", "Vera-Italic": "VeraIt.ttf"}


def register_fonts():
    if "Vera" in pdfmetrics.getRegisteredFontNames():
        return
    for name, file in FONTS.items():
        pdfmetrics.registerFont(KeptSubsetFont(name, str(FONT_DIR / file)))
    pdfmetrics.registerFontFamily(
        "Vera", normal="Vera", bold="Vera-Bold", italic="Vera-Italic", boldItalic="Vera-Bold"
    )


def styles():
    register_fonts()
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
        "label": ParagraphStyle(
            "label", parent=base, fontName="Vera-Bold", fontSize=8.5, leading=10.5
        ),
    }


def table_style(*commands):
    """A TableStyle whose cells default to the embedded font (reportlab's default is Helvetica)."""
    return TableStyle([("FONT", (0, 0), (-1, -1), "Vera", 8.5), *commands])


def esc(text):
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def date(value):
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)  # French legal date, not UTC
    return value.strftime("%d/%m/%Y")


def number(value):
    """A quantity or a count of days, French style: 1,5."""
    return f"{value.normalize():f}".replace(".", ",")


def block_mark(s):
    """The Republic's block-mark: name, motto, then the ministry (charte de l'État)."""
    return [
        para("RÉPUBLIQUE<br/>FRANÇAISE", s["mark"]),
        para("Liberté<br/>Égalité<br/>Fraternité", s["motto"]),
        Spacer(1, 3 * mm),
        para(
            "Ministère de l'Aménagement du territoire<br/>Direction générale de l'aménagement, "
            "du logement et de la nature",
            s["small"],
        ),
    ]


def header(s, title, lines):
    """The block-mark on the left; the title and its lines (already escaped) on the right."""
    table = Table(
        [
            [
                block_mark(s),
                [para(title, s["title"])] + [para(x, s["right"]) for x in lines],
            ]
        ],
        colWidths=[70 * mm, 100 * mm],
    )
    table.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    return [table, Spacer(1, 3 * mm)]


def key_values(rows, s, widths=(45 * mm, 125 * mm)):
    """Two columns, label in bold. Values are reportlab markup: escape what users typed."""
    table = Table(
        [[para(esc(k), s["label"]), para(v, s["cell"])] for k, v in rows],
        colWidths=widths,
    )
    table.setStyle(
        table_style(
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
        )
    )
    return table


def grid(rows, widths, *, right_from=None, extra=()):
    """A bordered table with a grey header row; columns from `right_from` on are right-aligned.
    Header titles wrap inside their column."""
    s = styles()
    head = ParagraphStyle("head", parent=s["cell"], fontName="Vera-Bold", fontSize=7.5, leading=9)
    head_right = ParagraphStyle("head_right", parent=head, alignment=TA_RIGHT)
    rows = [
        [
            para(esc(title), head_right if right_from is not None and i >= right_from else head)
            if isinstance(title, str)
            else title
            for i, title in enumerate(rows[0])
        ],
        *rows[1:],
    ]
    table = Table(rows, colWidths=widths, repeatRows=1)
    commands = [
        ("FONT", (0, 0), (-1, 0), "Vera-Bold", 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("GRID", (0, 0), (-1, -1), 0.4, GREY),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if right_from is not None:
        commands.append(("ALIGN", (right_from, 0), (-1, -1), "RIGHT"))
    table.setStyle(table_style(*commands, *extra))
    return table


def signatures(s, left, right, height=22 * mm):
    table = Table(
        [[para(left, s["base"]), para(right, s["base"])]],
        colWidths=[85 * mm, 85 * mm],
        rowHeights=[height],
    )
    table.setStyle(
        table_style(
            ("BOX", (0, 0), (0, 0), 0.4, GREY),
            ("BOX", (1, 0), (1, 0), 0.4, GREY),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        )
    )
    return KeepTogether(table)


def build(story, *, title, subject, footer_text, watermark=None):
    """Lay the story out on A4 with the footer on every page; returns the PDF bytes.
    `watermark` ("PROJET — sans valeur") is printed across every page of a preview."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="DGALN — Atelier des territoires",
        subject=subject,
        invariant=1,
        initialFontName="Vera",  # no stray, non-embedded Helvetica reference
    )

    def footer(canvas, document):
        if document.page == 1:  # before anything is drawn
            start_subsets(map(pdfmetrics.getFont, FONTS), canvas._doc)
        canvas.saveState()
        canvas.setFont("Vera", 7)
        canvas.setFillColor(GREY)
        canvas.drawString(20 * mm, 10 * mm, footer_text)
        canvas.drawRightString(A4[0] - 20 * mm, 10 * mm, f"Page {document.page}")
        if watermark:
            canvas.setFillColor(WATERMARK)
            canvas.setFont("Vera-Bold", 44)
            canvas.translate(A4[0] / 2, A4[1] / 2)
            canvas.rotate(52)
            canvas.drawCentredString(0, 0, watermark)
        canvas.restoreState()

    try:
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
    except LayoutError as exc:
        # A cell taller than a page: refuse the action that builds the document, clearly.
        raise ActionRefused(
            f"Le contenu est trop long pour le document : {_layout_detail(exc)} "
            "Raccourcissez les textes concernés puis recommencez."
        ) from exc
    return buffer.getvalue()


def _layout_detail(exc):
    text = str(exc)
    if "too large" in text:
        return "un bloc de texte dépasse la hauteur d'une page."
    return "la mise en page a échoué."
