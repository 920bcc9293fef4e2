"""Finance spreadsheets with openpyxl, written as finance would not redo them by hand.

`Report` streams one or more sheets into a write-only workbook:
- a styled, frozen header row and an autofilter over the data;
- column widths fitted from the header and the first rows (no second pass over the data);
- real dates, amounts as numbers in a € format;
- a totals row of SUBTOTAL(109, …) formulas, so it follows the autofilter;
- a last « Paramètres » sheet: the filters, the generation date and time, the user, the version.

Each cell style is registered once on the workbook as a named style. Text never becomes a
formula: openpyxl turns a string starting with "=" into one, and spreadsheets read "+", "-",
"@", a tab or a CR as the start of one, so such a text is written with the string type. The
workbook is saved into a file object (a temporary file for a download), never built in memory.
"""

import datetime
import io
from dataclasses import dataclass
from importlib import metadata

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter

from procurement import clock

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EURO_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WIDTH_SAMPLE = 50  # rows read to fit the column widths
MIN_WIDTH, MAX_WIDTH = 8, 60

# kind -> (named style, number format)
STYLES = {
    "euro": ("Montant", EURO_FORMAT),
    "date": ("Date", DATE_FORMAT),
    "datetime": ("Date et heure", DATETIME_FORMAT),
    "int": ("Entier", "0"),
    "decimal": ("Décimal", "0.00"),
    "days": ("Jours", "0.0"),
    "percent": ("Pourcentage", "0.00 %"),
}
HEADER_STYLE = "En-tête"
TOTAL_STYLE = "Total"
TOTAL_LABEL = "Total des lignes affichées"


def app_version():
    try:
        return metadata.version("ateliers-territoires")
    except metadata.PackageNotFoundError:  # running from a checkout that was never installed
        return "inconnue"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = "text"  # text, or a key of STYLES
    total: bool = False  # summed in the totals row (SUBTOTAL 109: visible rows only)


def _plain(value):
    """Aware datetimes as local naive ones: a spreadsheet has no time zone."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).replace(tzinfo=None)
    return value


def _shown_length(value):
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    return len(str(value)) + (3 if not isinstance(value, str) else 0)


class Report:
    """One export: its sheets, then its « Paramètres » sheet.

    params: [(label, value)] — the filters in force, as the user chose them."""

    def __init__(self, title, *, user=None, params=()):
        self.title = title
        self.user = user
        self.params = list(params)
        self.counts = []
        self.workbook = Workbook(write_only=True)
        self._register_styles()

    def _register_styles(self):
        for name, number_format in STYLES.values():
            self.workbook.add_named_style(NamedStyle(name=name, number_format=number_format))
        self.workbook.add_named_style(
            NamedStyle(
                name=HEADER_STYLE,
                font=Font(bold=True, color="FFFFFF"),
                fill=PatternFill("solid", fgColor="000091"),  # DSFR « bleu France »
                alignment=Alignment(vertical="center"),
            )
        )
        self.workbook.add_named_style(
            NamedStyle(name=TOTAL_STYLE, font=Font(bold=True), number_format=EURO_FORMAT)
        )

    def sheet(self, title, columns, rows):
        """Write one sheet from an iterable of value lists; returns the number of rows."""
        ws = self.workbook.create_sheet(title[:31])
        rows = iter(rows)
        sample = []
        for row in rows:
            sample.append(row)
            if len(sample) >= WIDTH_SAMPLE:
                break
        self._fit(ws, columns, sample)
        _styled_cells_as_they_are(ws)
        ws.freeze_panes = "A2"
        ws.append([self._styled(ws, column.title, HEADER_STYLE) for column in columns])
        convert = [self._converter(ws, column) for column in columns]
        count = 0
        for chunk in (sample, rows):
            for row in chunk:
                ws.append([to_cell(value) for to_cell, value in zip(convert, row, strict=True)])
                count += 1
        last_column = get_column_letter(len(columns))
        ws.auto_filter.ref = f"A1:{last_column}{count + 1}"
        if any(column.total for column in columns):
            ws.append(self._totals(ws, columns, count))
        self.counts.append((title, count))
        return count

    def _fit(self, ws, columns, sample):
        for index, column in enumerate(columns):
            longest = max(
                [len(column.title) + 3] + [_shown_length(row[index]) + 2 for row in sample]
            )
            width = min(MAX_WIDTH, max(MIN_WIDTH, longest))
            ws.column_dimensions[get_column_letter(index + 1)].width = width

    def _styled(self, ws, value, style):
        cell = WriteOnlyCell(ws, value=value)
        cell.style = style
        return cell

    def _converter(self, ws, column):
        if column.kind == "text":
            return lambda value: text(ws, value)
        # One cell per column, its style set once: a write-only sheet writes a row as it is
        # appended, so the cell is free again for the next row (setting a named style on a
        # fresh cell per value was a fifth of the export's time).
        cell = self._styled(ws, None, STYLES[column.kind][0])

        def convert(value):
            if value is None or value == "":
                return None
            cell.value = _plain(value)
            return cell

        return convert

    def _totals(self, ws, columns, count):
        row = []
        for index, column in enumerate(columns, 1):
            if index == 1:
                row.append(self._styled(ws, TOTAL_LABEL, TOTAL_STYLE))
            elif column.total:
                letter = get_column_letter(index)
                formula = f"=SUBTOTAL(109,{letter}2:{letter}{count + 1})" if count else 0
                row.append(self._styled(ws, formula, TOTAL_STYLE))
            else:
                row.append(None)
        return row

    def _parameters(self):
        ws = self.workbook.create_sheet("Paramètres")
        ws.column_dimensions["A"].width = 32
        ws.column_dimensions["B"].width = 60
        ws.append(
            [self._styled(ws, "Paramètre", HEADER_STYLE), self._styled(ws, "Valeur", HEADER_STYLE)]
        )
        user = self.user
        who = (
            f"{user.get_full_name() or user.username} ({user.username})"
            if user
            else "commande planifiée"
        )
        lines = [
            ("Export", self.title),
            ("Généré le", self._styled(ws, _plain(clock.now()), STYLES["datetime"][0])),
            ("Par", who),
            ("Version de l'application", app_version()),
        ]
        lines += [(f"Lignes — {title}", count) for title, count in self.counts]
        lines += [(f"Filtre : {label}", value) for label, value in self.params] or [
            ("Filtres", "aucun (toutes les lignes visibles par l'utilisateur)")
        ]
        for label, value in lines:
            ws.append(
                [
                    text(ws, label),
                    value if isinstance(value, (int, Cell)) else text(ws, value),
                ]
            )

    def save(self, out):
        """Write the workbook into a binary file object."""
        self._parameters()
        self.workbook.save(out)


def _styled_cells_as_they_are(ws):
    """openpyxl's write-only sheet turns each appended value into a cell by assigning it to a
    blank one; a styled cell given as a value fails that assignment (a ValueError whose message
    formats the cell's repr) before it is taken as it is, and the blank cell is then built again.
    Measured on the register's 12 styled columns, that was a tenth of the writing. This sheet
    takes a cell as it is, and every other value exactly as openpyxl 3.1 does (tests compare the
    two sheets byte for byte). Our sheets hold no hyperlinks."""
    blank = WriteOnlyCell(ws)

    def values_to_row(values, row_idx):
        for col_idx, value in enumerate(values, 1):
            if value is None:
                continue
            if type(value) is Cell:
                cell = value
            else:
                cell = blank
                cell.value = value
            cell.column = col_idx
            cell.row = row_idx
            yield cell

    ws._values_to_row = values_to_row


def text(ws, value):
    """A text cell that never becomes a formula."""
    if value is None:
        return None
    value = str(value)
    if value.startswith(FORMULA_STARTS):
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"
        return cell
    return value


# --- small one-sheet files (the expert import template, an expert's workload) --------------


def new_sheet(title, columns):
    """A write-only workbook with one sheet, fixed widths, a frozen and styled header.
    columns: [(title, width)]."""
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(title[:31])
    for index, (_, width) in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title_text, _ in columns:
        cell = WriteOnlyCell(ws, value=title_text)
        cell.fill = PatternFill("solid", fgColor="000091")
        cell.font = Font(bold=True, color="FFFFFF")
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    ws.append(header)
    return workbook, ws


def typed(ws, value, number_format):
    cell = WriteOnlyCell(ws, value=_plain(value))
    cell.number_format = number_format
    return cell


def to_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
