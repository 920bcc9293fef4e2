"""The fonts' usual subset is built and compressed once per process (procurement/pdffonts.py),
and a document is the same bytes as reportlab writes with its own fonts."""

import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from procurement import pdf, pdffonts


def _document(title):
    s = pdf.styles()
    story = [
        *pdf.header(s, title, ["Accord-cadre « Flash » — été, 1 234,50 €"]),
        pdf.key_values([("Titulaire", "Œuvre & Associés — n° 3")], s),
    ]
    return pdf.build(story, title=title, subject="Polices", footer_text="pied de page")


def _text(content):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def reportlab_fonts(monkeypatch):
    """reportlab's own TTFont for each of the application's fonts, same files, same names."""
    pdf.register_fonts()

    def use():
        for name, file in pdf.FONTS.items():
            monkeypatch.setitem(pdfmetrics._fonts, name, TTFont(name, str(pdf.FONT_DIR / file)))

    return use


def test_the_usual_subset_is_built_once_for_documents_of_different_texts():
    _document("Bon de commande n° FLASH-2026-0001")
    before = pdffonts._font_file.cache_info()
    first, second = _document("Bon n° 2 — Lyon"), _document("Bon n° 3 — Besançon")
    after = pdffonts._font_file.cache_info()
    assert after.misses == before.misses  # no font file built again
    assert after.hits > before.hits
    assert "Besançon" in _text(second) and "Lyon" in _text(first)


def test_a_character_outside_the_repertoire_gets_its_own_subset_and_reads_back():
    assert "Ł" not in pdffonts.REPERTOIRE
    before = pdffonts._font_file.cache_info().misses
    content = _document("Atelier de Łowicz")
    assert pdffonts._font_file.cache_info().misses > before
    assert "Atelier de Łowicz" in _text(content)


def test_the_bytes_are_those_reportlab_writes_with_its_own_fonts(reportlab_fonts):
    """Same subsets (the repertoire first), same compression: byte for byte."""
    kept = _document("Bon de commande n° FLASH-2026-0042 — Saint-Étienne")
    reportlab_fonts()
    assert _document("Bon de commande n° FLASH-2026-0042 — Saint-Étienne") == kept


def test_a_document_is_the_same_bytes_each_time():
    title = "Bon de commande n° FLASH-2026-0007 — Nîmes"
    assert _document(title) == _document(title)
