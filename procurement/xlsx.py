"""Shared openpyxl helpers: a styled header row, text cells that never become formulas."""

import io

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FILL = PatternFill("solid", fgColor="000091")  # DSFR "bleu France"
HEADER_FONT = Font(bold=True, color="FFFFFF")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"


def text(ws, value):
    """A cell that stays text: openpyxl would turn '=…' into a formula."""
    cell = WriteOnlyCell(ws, value="" if value is None else str(value))
    cell.data_type = "s"
    return cell


def typed(ws, value, number_format):
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = number_format
    return cell


def new_sheet(title, columns):
    """A write-only workbook with one sheet, its widths, frozen header and styled titles.
    columns: [(title, width)]."""
    workbook = Workbook(write_only=True)
    return workbook, add_sheet(workbook, title, columns)


def add_sheet(workbook, title, columns):
    """Another sheet of a write-only workbook, with its styled header."""
    ws = workbook.create_sheet(title[:31])
    for index, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title_text, _ in columns:
        cell = WriteOnlyCell(ws, value=title_text)
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    return ws


def to_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
