"""Entering the Syntec index: one month at a time, or a whole series from an XLSX file (two
columns: month, value). Every row is checked first; nothing is written if one is wrong. A
value already used by a price revision never changes."""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from openpyxl import load_workbook
from simple_history.utils import bulk_update_with_history

from procurement.actions import ActionRefused

from .models import SyntecIndex

MAX_ROWS = 1200  # a century of months: more is not a Syntec series


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    created: int = 0
    updated: int = 0


def parse_month(value):
    """A month from a date cell, or text like 2027-03, 03/2027 or 01/03/2027."""
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = str(value or "").strip()
    for fmt in ("%Y-%m", "%m/%Y", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, fmt).date().replace(day=1)
        except ValueError:
            continue
    return None


def parse_value(value):
    """A positive index value with at most one decimal, or None."""
    try:
        number = Decimal(str(value).strip().replace(",", ".").replace(" ", ""))
    except (InvalidOperation, AttributeError):
        return None
    if not number.is_finite() or number <= 0 or number >= 1000000:
        return None
    if number.as_tuple().exponent < -1 and number != number.quantize(Decimal("0.1")):
        return None
    return number.quantize(Decimal("0.1"))


def _check_change(existing, value):
    if existing is not None and existing.used and existing.value != value:
        return (
            f"l'indice de {existing.month:%m/%Y} ({existing.value}) a servi à une révision de "
            "prix : il ne peut plus être modifié"
        )
    return None


@transaction.atomic
def index_record(*, month, value, by):
    month = month.replace(day=1)
    existing = SyntecIndex.objects.select_for_update().filter(month=month).first()
    problem = _check_change(existing, value)
    if problem:
        raise ActionRefused(problem[0].upper() + problem[1:] + ".")
    index = existing or SyntecIndex(month=month)
    index.value = value
    index.recorded_by = by
    index._history_user = by
    index.save()
    return index


def import_indices(content, by):
    """Check every row; write all of them in one transaction only if none is wrong."""
    result = ImportResult()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a non-XLSX file
        result.errors.append("Le fichier n'est pas un classeur XLSX lisible.")
        return result
    rows, seen = [], {}
    existing = {i.month: i for i in SyntecIndex.objects.all()}
    for number, row in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
        cells = list(row[:2]) + [None] * (2 - len(row[:2]))
        if all(c in (None, "") for c in cells):
            continue
        month, value = parse_month(cells[0]), parse_value(cells[1])
        if number == 1 and month is None and value is None:
            continue  # a header row
        if len(rows) >= MAX_ROWS:
            result.errors.append(f"Le fichier dépasse {MAX_ROWS} lignes.")
            break
        problems = []
        if month is None:
            problems.append(f"mois illisible « {cells[0]} » (attendu : 2027-03 ou 03/2027)")
        if value is None:
            problems.append(f"valeur invalide « {cells[1]} » (nombre positif, une décimale)")
        if month is not None and month in seen:
            problems.append(f"mois {month:%m/%Y} déjà donné ligne {seen[month]}")
        if month is not None and value is not None:
            problem = _check_change(existing.get(month), value)
            if problem:
                problems.append(problem)
        if problems:
            result.errors.append(f"Ligne {number} : " + " ; ".join(problems) + ".")
            continue
        seen[month] = number
        rows.append((month, value))
    if not rows and not result.errors:
        result.errors.append("Le fichier ne contient aucune valeur d'indice.")
    if result.errors:
        return result
    with transaction.atomic():
        for month, value in rows:
            index = existing.get(month)
            if index is not None and index.value == value:
                continue
            index = index or SyntecIndex(month=month)
            created = index.pk is None
            index.value = value
            index.recorded_by = by
            index._history_user = by
            index.save()
            result.created += created
            result.updated += not created
    return result


def mark_used(*months):
    """The values a revision read become final; each change is kept in the history."""
    used = list(
        SyntecIndex.objects.filter(month__in=[m.replace(day=1) for m in months], used=False)
    )
    for index in used:
        index.used = True
    bulk_update_with_history(
        used, SyntecIndex, ["used"], default_change_reason="Utilisée dans une révision de prix"
    )
