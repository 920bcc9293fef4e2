"""Reading back the exports as a person would get them: the downloaded bytes, reopened."""

import io

from openpyxl import load_workbook

from procurement.xlsx import TOTAL_LABEL


def workbook_of(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def rows_of(ws):
    """(header, data rows as dicts, the totals row or None)."""
    header = [c.value for c in ws[1]]
    rows, totals = [], None
    for values in ws.iter_rows(min_row=2, values_only=True):
        if values[0] == TOTAL_LABEL:
            totals = dict(zip(header, values, strict=True))
        else:
            rows.append(dict(zip(header, values, strict=True)))
    return header, rows, totals


def parameters_of(workbook):
    ws = workbook["Paramètres"]
    return {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True)}
