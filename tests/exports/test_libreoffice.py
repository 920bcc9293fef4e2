"""Each export opens in LibreOffice (Debian's libreoffice-calc-nogui, headless), every sheet
converts, and the totals row LibreOffice computes equals the sum of the rows written."""

import csv
import os
import shutil
import subprocess
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from exports import registry
from orders.enums import OrderState
from procurement.xlsx import TOTAL_LABEL
from tests.factories import make_agreement
from tests.fast_factories import fast_order

SOFFICE = shutil.which("soffice")
# Every sheet to its own CSV, UTF-8, raw values (not as shown).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture
def soffice():
    if SOFFICE is None:
        if os.environ.get("CI"):
            pytest.fail("CI installs libreoffice-calc-nogui: soffice must be there")
        pytest.skip("LibreOffice is not installed here (CI installs it)")
    return SOFFICE


def _convert(soffice, path, tmp_path):
    out = tmp_path / "csv"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {
        file.stem.split("-", 1)[1]: list(csv.reader(file.open(encoding="utf-8")))
        for file in out.glob("*.csv")
    }


@pytest.mark.parametrize("kind", ["orders", "payments", "budget", "ceilings", "teams"])
def test_each_export_opens_in_libreoffice_with_its_totals(
    soffice, tmp_path, pilot35, buyer, finance, kind
):
    make_agreement()
    for state in (OrderState.PAID, OrderState.CANCELLED, OrderState.ISSUED, OrderState.DRAFT):
        fast_order(pilot35, buyer, finance, state=state)
    path = tmp_path / f"{kind}.xlsx"
    with path.open("wb") as out:
        registry.get(kind).write(finance, {}, out)
    sheets = _convert(soffice, path, tmp_path)
    workbook = load_workbook(path)
    assert set(sheets) == set(workbook.sheetnames)
    for ws in workbook.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        converted = sheets[ws.title]
        assert len(converted) == len(rows) and converted[0] == [str(v) for v in rows[0]]
        if rows[-1][0] != TOTAL_LABEL:
            continue
        data, computed = rows[1:-1], converted[-1]
        for index, formula in enumerate(rows[-1]):
            if isinstance(formula, str) and formula.startswith("=SUBTOTAL"):
                expected = sum(
                    (Decimal(str(r[index])) for r in data if r[index] is not None), Decimal(0)
                )
                assert Decimal(computed[index]) == expected, (ws.title, rows[0][index])
