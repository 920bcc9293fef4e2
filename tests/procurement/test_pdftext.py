"""The PDF fast path (procurement.pdftext) puts every line where a reportlab Paragraph puts it:
the same documents built with `para()` and with `Paragraph` carry the same text runs, in the
same font and size, at the same coordinates, on the same pages."""

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from procurement import pdf
from procurement.pdftext import PlainText, para

LONG = (
    "Paiement par virement dans un délai de 30 jours à compter de la réception de la facture "
    "déposée sur Chorus Pro (article R2192-10 du code de la commande publique), après "
    "constatation du service fait. Tout retard ouvre droit à des intérêts moratoires."
)


def _runs(content):
    """[(page, text, font, size, x, y)] of a PDF, as pypdf reads it back."""
    runs = []
    for number, page in enumerate(PdfReader(io.BytesIO(content)).pages):

        def visit(text, cm, tm, font, size, number=number):
            if text.strip():
                x, y = cm[4] + tm[4] * cm[0], cm[5] + tm[5] * cm[3]
                name = str(font.get("/BaseFont", "")) if font else ""
                runs.append((number, text.strip(), name, size, round(x, 2), round(y, 2)))

        page.extract_text(visitor_text=visit)
    return runs


def _document(make):
    """A story that uses every kind of text the documents hold, built with `make`."""
    s = pdf.styles()
    rows = [
        ("Titulaire", pdf.esc("Atelier Dupont & Fils <mandataire>")),
        ("Adresse", "12 rue de la Paix<br/>75002 Paris"),
        ("Objet", pdf.esc(LONG)),
        ("Vide", ""),
        ("Engagement juridique (Chorus) et imputation", "2100000002"),
    ]
    table = pdf.Table(
        [[make(pdf.esc(k), s["label"]), make(v, s["cell"])] for k, v in rows],
        colWidths=[45 * mm, 125 * mm],
    )
    table.setStyle(pdf.table_style(("VALIGN", (0, 0), (-1, -1), "TOP")))
    return pdf.build(
        [
            make("Bon de commande n° FLASH-2026-0001", s["title"]),
            make("Émis le 01/12/2026", s["right"]),
            make("Titulaire", s["h2"]),
            table,
            make("Cotraitants", s["h2"]),
            make("RÉPUBLIQUE<br/>FRANÇAISE", s["mark"]),
            Spacer(1, 205 * mm),  # the next paragraph meets the page's end and splits
            make(LONG + " " + LONG, s["small"]),
            make(pdf.esc(LONG), s["base"]),
        ],
        title="Essai",
        subject="Mise en page",
        footer_text="pied de page",
    )


def test_para_draws_the_same_lines_as_a_paragraph():
    expected = _runs(_document(Paragraph))
    assert len({run[0] for run in expected}) == 2  # the long paragraph did split
    assert any("Fils <mandataire>" in run[1] for run in expected)
    assert _runs(_document(para)) == expected


@pytest.mark.parametrize(
    "markup,alignment_name",
    [
        ("<b>gras</b> et maigre", "cell"),  # other tags
        ("l&#233;gal", "cell"),  # other entities
        ("Signé<br/><font size='7'>par délégation</font>", "base"),
    ],
)
def test_markup_it_does_not_know_stays_a_paragraph(markup, alignment_name):
    assert isinstance(para(markup, pdf.styles()[alignment_name]), Paragraph)


def test_plain_text_takes_the_fast_path_and_a_too_long_word_falls_back():
    s = pdf.styles()
    assert isinstance(para("Journée d'expert &amp; frais", s["cell"]), PlainText)
    word = "https://exemple.gouv.fr/" + "x" * 200
    flowable = para(pdf.esc(word), s["cell"])
    width, height = flowable.wrap(40 * mm, 500)
    # A Paragraph splits a word wider than its column; the fast path hands over to one.
    assert isinstance(flowable.fallback, Paragraph)
    assert height == Paragraph(pdf.esc(word), s["cell"]).wrap(40 * mm, 500)[1] > s["cell"].leading
