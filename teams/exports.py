"""XLSX files of the teams app (openpyxl): the allocation export, the expert import template,
and the import itself (all rows checked first; one bad row and nothing is written)."""

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from openpyxl import load_workbook

from framework_agreements.models import Company, Holder
from procurement import xlsx

from .models import Expert, Profession

DAYS_FORMAT = "0.0"
XLSX_MIME = xlsx.XLSX_MIME


# --- import ------------------------------------------------------------------------------------

IMPORT_COLUMNS = [
    ("Titulaire", 34, "Nom exact du titulaire (voir la page de l'accord-cadre)"),
    ("SIRET de l'entreprise", 18, "Titulaire ou cotraitant qui emploie l'expert"),
    ("Prénom", 16, ""),
    ("Nom", 18, ""),
    ("Courriel", 30, ""),
    ("Téléphone", 16, "Facultatif"),
    ("Professions", 34, "Séparées par des points-virgules"),
    ("Qualifications", 34, "Facultatif"),
    ("Prix de journée HT", 16, "Facultatif, en euros"),
]


def import_template():
    workbook, ws = xlsx.new_sheet("Experts", [(c, w) for c, w, _ in IMPORT_COLUMNS])
    ws.append([xlsx.text(ws, hint) for _, _, hint in IMPORT_COLUMNS])
    help_sheet = workbook.create_sheet("Professions")
    help_sheet.append(["Professions reconnues"])
    for profession in Profession.objects.order_by("name"):
        help_sheet.append([profession.name])
    return xlsx.to_bytes(workbook)


@dataclass
class ImportResult:
    errors: list = field(default_factory=list)
    created: int = 0
    updated: int = 0


def _cell(row, index):
    value = row[index] if index < len(row) else None
    return "" if value is None else str(value).strip()


def import_experts(content):
    """Check every row; write all of them in one transaction only if none is wrong."""
    result = ImportResult()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a non-XLSX file
        result.errors.append("Le fichier n'est pas un classeur XLSX lisible.")
        return result
    ws = workbook.worksheets[0]
    holders = {h.name.casefold(): h for h in Holder.objects.prefetch_related("members")}
    companies = {c.siret: c for c in Company.objects.all()}
    professions = {p.name.casefold(): p for p in Profession.objects.all()}
    parsed, seen = [], set()
    for number, row in enumerate(ws.iter_rows(min_row=2, values_only=True), start=2):
        if not any(v not in (None, "") for v in row):
            continue
        if number == 2 and _cell(row, 0) == IMPORT_COLUMNS[0][2]:
            continue  # the template's hint row
        problems = []
        holder = holders.get(_cell(row, 0).casefold())
        if holder is None:
            problems.append(f"titulaire inconnu « {_cell(row, 0)} »")
        company = companies.get(_cell(row, 1).replace(" ", ""))
        if company is None:
            problems.append(f"SIRET inconnu « {_cell(row, 1)} »")
        elif holder and company.pk != holder.company_id and company not in holder.members.all():
            problems.append(f"{company} n'appartient pas au titulaire {holder}")
        first, last, email = _cell(row, 2), _cell(row, 3), _cell(row, 4).lower()
        if not first or not last:
            problems.append("prénom et nom obligatoires")
        try:
            validate_email(email)
        except ValidationError:
            problems.append(f"courriel invalide « {email} »")
        names = [n.strip() for n in _cell(row, 6).split(";") if n.strip()]
        unknown = [n for n in names if n.casefold() not in professions]
        if not names:
            problems.append("au moins une profession")
        if unknown:
            problems.append("profession inconnue : " + ", ".join(f"« {n} »" for n in unknown))
        rate = None
        if _cell(row, 8):
            try:
                rate = Decimal(_cell(row, 8).replace(",", ".").replace(" ", ""))
                if rate < 0 or rate.as_tuple().exponent < -2:
                    raise InvalidOperation
            except InvalidOperation:
                problems.append(f"prix de journée invalide « {_cell(row, 8)} »")
        key = (holder.pk if holder else None, email)
        if key in seen:
            problems.append("expert en double dans le fichier")
        seen.add(key)
        if problems:
            result.errors.append(f"Ligne {number} : " + " ; ".join(problems) + ".")
            continue
        parsed.append(
            dict(
                holder=holder,
                company=company,
                first_name=first,
                last_name=last,
                email=email,
                phone=_cell(row, 5),
                qualifications=_cell(row, 7),
                daily_rate=rate,
                professions=[professions[n.casefold()] for n in names],
            )
        )
    if not parsed and not result.errors:
        result.errors.append("Le fichier ne contient aucun expert.")
    if result.errors:
        return result
    with transaction.atomic():
        for data in parsed:
            chosen = data.pop("professions")
            expert, created = Expert.objects.update_or_create(
                holder=data.pop("holder"), email=data.pop("email"), defaults=data
            )
            expert.professions.set(chosen)
            result.created += created
            result.updated += not created
    return result
