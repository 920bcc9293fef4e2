"""The Syntec index: entered month by month or imported from an XLSX series by finance, all
or nothing, and final once a revision used it."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from framework_agreements import indices
from framework_agreements.models import SyntecIndex
from procurement.actions import ActionRefused


def xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "syntec.xlsx"
    return buffer


def test_finance_enters_a_month_and_the_page_lists_it(client, finance):
    client.force_login(finance)
    response = client.post(reverse("agreements:indices"), {"month": "2027-03", "value": "309,0"})
    assert response.status_code == 302
    index = SyntecIndex.objects.get()
    assert (index.month, index.value) == (datetime.date(2027, 3, 1), Decimal("309.0"))
    page = client.get(reverse("agreements:indices")).content.decode()
    assert "03/2027" in page and "309,0" in page


@pytest.mark.parametrize("value", ["-3", "abc", "309.05", "0"])
def test_a_wrong_value_gets_a_message_and_no_write(client, finance, value):
    client.force_login(finance)
    response = client.post(
        reverse("agreements:indices"), {"month": "2027-03", "value": value}, follow=True
    )
    assert response.status_code == 200
    assert "Indice non enregistré" in response.content.decode()
    assert not SyntecIndex.objects.exists()


@pytest.mark.parametrize("role", ["buyer", "pilot35", "pilot29"])
def test_only_finance_and_the_administrator_enter_values(client, all_users, role):
    client.force_login(all_users[role])
    response = client.post(reverse("agreements:indices"), {"month": "2027-03", "value": "309"})
    assert response.status_code == 403
    assert not SyntecIndex.objects.exists()
    page = client.get(reverse("agreements:indices"))
    assert page.status_code == (200 if role == "buyer" else 403)


def test_an_xlsx_series_is_imported_with_dates_or_text_months(client, finance):
    client.force_login(finance)
    upload = xlsx(
        [
            ["Mois", "Indice Syntec"],
            [datetime.datetime(2027, 1, 1), 305.2],
            ["2027-02", "306,4"],
            ["03/2027", 309],
        ]
    )
    response = client.post(reverse("agreements:index_import"), {"file": upload})
    assert response.status_code == 302
    assert dict(SyntecIndex.objects.values_list("month", "value")) == {
        datetime.date(2027, 1, 1): Decimal("305.2"),
        datetime.date(2027, 2, 1): Decimal("306.4"),
        datetime.date(2027, 3, 1): Decimal("309.0"),
    }


def test_one_wrong_row_refuses_the_whole_file_and_says_which(client, finance):
    client.force_login(finance)
    upload = xlsx([["2027-01", 305.2], ["2027-13", 306], ["2027-01", 300], ["2027-04", "n/a"]])
    response = client.post(reverse("agreements:index_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ligne 2" in page and "Ligne 3" in page and "Ligne 4" in page
    assert "déjà donné ligne 1" in page
    assert not SyntecIndex.objects.exists()


def test_a_file_that_is_not_a_workbook_is_refused(client, finance):
    client.force_login(finance)
    fake = io.BytesIO(b"not a workbook")
    fake.name = "syntec.xlsx"
    response = client.post(reverse("agreements:index_import"), {"file": fake})
    assert "classeur XLSX lisible" in response.content.decode()


def test_a_value_used_by_a_revision_never_changes(db, finance):
    SyntecIndex.objects.create(month=datetime.date(2027, 3, 1), value=Decimal("300.0"))
    indices.mark_used(datetime.date(2027, 3, 1))
    last = SyntecIndex.objects.get().history.latest()  # kept in the history, with its reason
    assert last.used and last.history_change_reason == "Utilisée dans une révision de prix"
    with pytest.raises(ActionRefused, match="ne peut plus être modifié"):
        indices.index_record(month=datetime.date(2027, 3, 1), value=Decimal("301.0"), by=finance)
    result = indices.import_indices(xlsx([["2027-03", 302]]).getvalue(), finance)
    assert result.errors and "révision" in result.errors[0]
    assert SyntecIndex.objects.get().value == Decimal("300.0")
