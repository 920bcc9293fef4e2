"""Load the official lists of regions and departments (INSEE codes) and the State services.

Used by a data migration, so every database, tests included, has the same reference data.
"""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"

# Île-de-France: the DRIEAT; overseas: the DEAL, which also plays the DDT's role.
REGIONAL_KIND = {
    "11": "drieat",
    "01": "deal",
    "02": "deal",
    "03": "deal",
    "04": "deal",
    "06": "deal",
}
# Paris and the inner ring have no DDT: the DRIEAT's departmental units act there.
INNER_RING = {"75", "92", "93", "94"}
REGIONAL_LABEL = {"dreal": "DREAL", "drieat": "DRIEAT", "deal": "DEAL"}
REGIONAL_NAME = {
    "dreal": "Direction régionale de l'environnement, de l'aménagement et du logement",
    "drieat": "Direction régionale et interdépartementale de l'environnement, "
    "de l'aménagement et des transports",
    "deal": "Direction de l'environnement, de l'aménagement et du logement",
}


def read_csv(name):
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(Region, Department, Service):
    regions = {}
    for row in read_csv("regions.csv"):
        regions[row["code"]], _ = Region.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"]}
        )
    Service.objects.update_or_create(
        code="DGALN-AD1",
        defaults={
            "kind": "dgaln",
            "name": "DGALN — bureau AD1 « Stratégies des territoires »",
            "short_name": "DGALN/AD1",
            "address": "Tour Séquoia, 1 place Carpeaux, 92800 Puteaux",
        },
    )
    for code, region in regions.items():
        kind = REGIONAL_KIND.get(code, "dreal")
        label = REGIONAL_LABEL[kind]
        Service.objects.update_or_create(
            code=f"{label}-{code}",
            defaults={
                "kind": kind,
                "name": f"{REGIONAL_NAME[kind]} — {region.name}",
                "short_name": f"{label} {region.name}",
                "region": region,
            },
        )
    for row in read_csv("departments.csv"):
        region = regions[row["region"]]
        department, _ = Department.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "of_name": row["of_name"],
                "region": region,
                "coastal": row["coastal"] == "1",
            },
        )
        if REGIONAL_KIND.get(region.code) == "deal":
            continue  # the DEAL is the departmental service overseas
        if row["code"] in INNER_RING:
            kind, label, name = "ud_drieat", "UD DRIEAT", "Unité départementale de la DRIEAT"
        elif department.coastal:
            kind, label, name = (
                "ddtm",
                "DDTM",
                "Direction départementale des territoires et de la mer",
            )
        else:
            kind, label, name = "ddt", "DDT", "Direction départementale des territoires"
        Service.objects.update_or_create(
            code=f"{kind.upper()}-{row['code']}",
            defaults={
                "kind": kind,
                "name": f"{name} {row['of_name']}",
                "short_name": f"{label} {row['code']}",
                "region": region,
                "department": department,
            },
        )
