"""procurement.xlsx takes a styled cell as it is (`_styled_cells_as_they_are`): the sheets it
writes are byte for byte those of openpyxl's own write-only path."""

import datetime
import io
import zipfile
from decimal import Decimal

from django.utils import timezone

from procurement import xlsx
from procurement.xlsx import Column, Report

COLUMNS = [
    Column("Numéro"),
    Column("Montant", "euro", total=True),
    Column("Le", "date"),
    Column("À", "datetime"),
    Column("Jours", "days"),
    Column("Nombre", "int"),
    Column("Note"),
]
ROWS = [
    ["FLASH-2026-0001", Decimal("12345.67"), datetime.date(2026, 3, 1), None, 2.5, 3, "=1+1"],
    ["FLASH-2026-0002", None, None, timezone.now(), Decimal("0.5"), 0, "-20 % remise"],
    ["", Decimal("0.01"), datetime.date(2026, 12, 31), None, None, None, None],
    [None, "", "", "", "", "", "+33 1 23"],
]


def _sheets(report):
    out = io.BytesIO()
    report.sheet("Lignes", COLUMNS, iter(ROWS))
    report.sheet("Encore", COLUMNS, iter(ROWS[::-1]))
    report.save(out)
    with zipfile.ZipFile(out) as archive:
        return {
            name: archive.read(name)
            for name in ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml")
        }


def test_the_sheets_are_those_openpyxl_writes_itself(monkeypatch):
    ours = _sheets(Report("Registre"))
    monkeypatch.setattr(xlsx, "_styled_cells_as_they_are", lambda ws: None)
    theirs = _sheets(Report("Registre"))
    assert ours == theirs
    # And the cells are what they must be: a style where one is due, text never a formula.
    sheet = ours["xl/worksheets/sheet1.xml"].decode()
    assert sheet.count(' s="') >= 12 and "<f>" in sheet  # styled values, SUBTOTAL formulas
    assert '<c r="G2" t="inlineStr"><is><t>=1+1</t></is></c>' in sheet
