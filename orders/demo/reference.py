"""Demo reference data: accounts, the two national agreements, fictitious holders and
their experts. Upserted, so running the seed again refreshes it."""

import datetime
from decimal import Decimal

from stdnum import luhn

from framework_agreements.models import (
    Company,
    FrameworkAgreement,
    Holder,
    Lot,
    LotHolding,
    PriceLine,
)
from procurement.models import Role, Service, User
from teams.models import Expert, Profession

DEFAULT_PASSWORD = "Atelier-demo-2026"  # dev only (DEBUG=True), see README


def fictitious_siret(seed):
    """A SIRET that passes the Luhn checks, built from an 7-digit seed (demo data only)."""
    body = f"9{seed:07d}"
    siren = body + luhn.calc_check_digit(body)
    nic = "0001"
    return siren + nic + luhn.calc_check_digit(siren + nic)


def fictitious_siren(seed):
    body = f"2{seed:07d}"
    return body + luhn.calc_check_digit(body)


FLASH_HOLDERS = [
    # name, kind, consortium type, lead, members, rank, lump sum
    ("Atelier Territoires & Paysages (fictif)", "company", "", 1, [], Decimal("18500.00")),
    (
        "Groupement Urba-Flash (fictif)",
        "consortium",
        "jointly_liable",
        2,
        [3, 4],
        Decimal("19200.00"),
    ),
    ("Studio Géo-Projet (fictif)", "company", "", 5, [], Decimal("17800.00")),
]
LOCAL_HOLDERS = [
    (
        "Groupement Estuaire & Bocage (fictif)",
        "consortium",
        "joint",
        6,
        [7, 8],
        Decimal("98000.00"),
    ),
    ("Agence Horizons Ruraux (fictif)", "company", "", 9, [], Decimal("102500.00")),
    (
        "Groupement Littoral Demain (fictif)",
        "consortium",
        "jointly_liable",
        10,
        [11, 12, 3],
        Decimal("96400.00"),
    ),
    ("Atelier Territoires & Paysages (fictif)", "company", "", 1, [], Decimal("104000.00")),
]
COMPANIES = {
    1: ("Atelier Territoires & Paysages SAS (fictif)", "12 rue des Lices", "35000", "Rennes"),
    2: ("Urba-Flash Conseil SARL (fictif)", "4 quai de la Fosse", "44000", "Nantes"),
    3: ("Sociologies Urbaines SCOP (fictif)", "8 rue Paradis", "13001", "Marseille"),
    4: ("Écologie Appliquée SAS (fictif)", "27 cours Gambetta", "69007", "Lyon"),
    5: ("Studio Géo-Projet SARL (fictif)", "3 place du Capitole", "31000", "Toulouse"),
    6: ("Estuaire Urbanisme SAS (fictif)", "15 rue de Siam", "29200", "Brest"),
    7: ("Bocage Paysage EURL (fictif)", "2 rue Nationale", "22000", "Saint-Brieuc"),
    8: ("Mobilités Douces Ingénierie (fictif)", "40 rue Nationale", "59000", "Lille"),
    9: ("Agence Horizons Ruraux SAS (fictif)", "9 place Jaude", "63000", "Clermont-Ferrand"),
    10: ("Littoral Demain Architectes (fictif)", "1 quai Duguay-Trouin", "35400", "Saint-Malo"),
    11: ("Programmation & Territoires SARL (fictif)", "6 rue Foch", "34000", "Montpellier"),
    12: ("Risques & Résilience SAS (fictif)", "11 cours de l'Intendance", "33000", "Bordeaux"),
}

# --- accounts -------------------------------------------------------------------------------


def accounts(password):
    """The five demo accounts. An account that already exists is left as it is: its password,
    role and rights are never reset by a later run."""
    dgaln = Service.objects.get(code="DGALN-AD1")
    spec = [
        ("acheteur", "Claire", "Martin", Role.BUYER, dgaln, True, False),
        (
            "pilote35",
            "Yann",
            "Le Goff",
            Role.PILOT,
            Service.objects.get(code="DDTM-35"),
            False,
            False,
        ),
        (
            "pilote29",
            "Maëlle",
            "Kerbrat",
            Role.PILOT,
            Service.objects.get(code="DDTM-29"),
            False,
            False,
        ),
        # Staff: finance keeps the ECB rates in the admin.
        ("finance", "Karim", "Benali", Role.FINANCE, dgaln, True, False),
        ("admin", "Alex", "Durand", Role.ADMIN, dgaln, True, True),
    ]
    users, created_now = {}, []
    for username, first, last, role, service, staff, superuser in spec:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "service": service,
                "is_staff": staff,
                "is_superuser": superuser,
                "email": f"{username}@example.gouv.fr",
            },
        )
        if created:
            user.set_password(password)
            user.save()
            created_now.append(username)
        users[username] = user
    return users, created_now


# --- agreements -----------------------------------------------------------------------------


def upsert_company(index):
    name, address, postcode, city = COMPANIES[index]
    company, _ = Company.objects.update_or_create(
        siret=fictitious_siret(index),
        defaults={"name": name, "address": address, "postcode": postcode, "city": city},
    )
    return company


def upsert_holder(name, kind, consortium_type, lead, members):
    holder, _ = Holder.objects.update_or_create(
        name=name,
        defaults={
            "kind": kind,
            "consortium_type": consortium_type,
            "company": upsert_company(lead),
            "contact_name": "Contact " + name.split(" (")[0],
            "contact_email": "contact@"
            + name.split(" (")[0]
            .lower()
            .replace(" ", "-")
            .replace("&", "et")
            .replace("é", "e")
            .replace("è", "e")
            + ".example.fr",
            "is_fictitious": True,
        },
    )
    holder.members.set([upsert_company(i) for i in members])
    return holder


def luhn_siret(siren, nic):
    """A SIRET (14 digits) with valid keys from the first 8 digits of a SIREN and 4 of an
    NIC."""
    siren = siren[:8] + luhn.calc_check_digit(siren[:8])
    return siren + nic[:4] + luhn.calc_check_digit(siren + nic[:4])


# Invoicing and signature details of the demo's services (fictitious values, valid keys),
# printed on purchase orders. A real deployment keeps them in the admin.
SERVICE_DETAILS = {
    "DGALN-AD1": {
        "siret": luhn_siret("110068012", "0062"),
        "chorus_service_code": "DGALN-AD",
        "accountant": "Contrôleur budgétaire et comptable ministériel (CBCM) — ministère de "
        "l'Aménagement du territoire et de la Transition écologique (fictif)",
        "signatory_name": "Claire Martin",
        "signatory_function": "cheffe du bureau de l'aménagement durable (AD1)",
        "signatory_delegation": "Décision du 2 janvier 2026 portant délégation de signature "
        "(démonstration)",
        "contact_email": "ateliers.ad1@example.gouv.fr",
        "contact_phone": "01 40 81 21 22",
    },
    "DDTM-35": {
        "siret": luhn_siret("130004534", "0035"),
        "chorus_service_code": "DDTM35-ATELIERS",
        "accountant": "Direction régionale des finances publiques de Bretagne (fictif)",
        "signatory_name": "Yann Le Goff",
        "signatory_function": "chef du service aménagement, DDTM d'Ille-et-Vilaine",
        "signatory_delegation": "Arrêté préfectoral du 5 janvier 2026 portant délégation de "
        "signature (démonstration)",
        "contact_email": "ddtm-ateliers@ille-et-vilaine.example.gouv.fr",
        "contact_phone": "02 90 02 32 00",
    },
    "DDTM-29": {
        "contact_email": "ddtm-ateliers@finistere.example.gouv.fr",
        "contact_phone": "02 98 76 52 00",
    },
}


def service_details():
    for code, values in SERVICE_DETAILS.items():
        Service.objects.filter(code=code).update(**values)


def agreements():
    dgaln = Service.objects.get(code="DGALN-AD1")
    service_details()
    flash, _ = FrameworkAgreement.objects.update_or_create(
        reference="2025-DGALN-AT-FLASH",
        defaults={
            "title": "Ateliers des territoires « Flash » — équipes pluridisciplinaires",
            "number_prefix": "FLASH",
            "mechanism": "purchase_orders",
            "procedure": "open",
            "notification_date": datetime.date(2025, 8, 18),
            "start_date": datetime.date(2025, 9, 1),
            "duration_months": 48,
            "minimum_amount": None,
            "maximum_amount": Decimal("1600000.00"),
            "allocation_rule": "cascade",
            "offers_received": 7,
        },
    )
    # R2162-6: the DGALN and the DDTM d'Ille-et-Vilaine are named buyers; the Finistère
    # is not, so its pilot files requests but cannot issue orders.
    flash.authorised_services.set([dgaln, Service.objects.get(code="DDTM-35")])
    flash_lot, _ = Lot.objects.update_or_create(
        agreement=flash, number=1, defaults={"title": "Ateliers Flash — national"}
    )
    for rank, (name, kind, ctype, lead, members, lump_sum) in enumerate(FLASH_HOLDERS, 1):
        holder = upsert_holder(name, kind, ctype, lead, members)
        holding, _ = LotHolding.objects.update_or_create(
            lot=flash_lot, holder=holder, defaults={"rank": rank}
        )
        for code, label, unit, price in [
            (
                "F01",
                "Atelier Flash : visite, atelier collectif, restitution et synthèse",
                "forfait",
                lump_sum,
            ),
            ("F02", "Journée supplémentaire sur site", "jour", Decimal("1450.00") + rank * 25),
            (
                "F03",
                "Frais de déplacement et d'hébergement de l'équipe",
                "forfait",
                Decimal("650.00"),
            ),
        ]:
            PriceLine.objects.update_or_create(
                holding=holding,
                code=code,
                defaults={"label": label, "unit": unit, "unit_price": price},
            )

    local, _ = FrameworkAgreement.objects.update_or_create(
        reference="2024-DGALN-AT-LOCAL",
        defaults={
            "title": "Ateliers des territoires « Local » — démarches de 8 à 15 mois",
            "number_prefix": "LOCAL",
            "mechanism": "subsequent_contracts",
            "procedure": "open",
            "notification_date": datetime.date(2024, 2, 12),
            "start_date": datetime.date(2024, 3, 1),
            "duration_months": 48,
            "minimum_amount": Decimal("200000.00"),
            "maximum_amount": Decimal("4000000.00"),
            "allocation_rule": "",
            "offers_received": 5,
        },
    )
    local.authorised_services.set([dgaln])
    local_lot, _ = Lot.objects.update_or_create(
        agreement=local, number=1, defaults={"title": "Ateliers Local — lot national unique"}
    )
    for rank, (name, kind, ctype, lead, members, _total) in enumerate(LOCAL_HOLDERS, 1):
        holder = upsert_holder(name, kind, ctype, lead, members)
        holding, _ = LotHolding.objects.update_or_create(
            lot=local_lot, holder=holder, defaults={"rank": rank}
        )
        # Local prices come from each offer's DPGF, never from a public schedule.
        holding.price_lines.all().delete()
    return flash, local


# --- experts --------------------------------------------------------------------------------


def experts():
    professions = list(Profession.objects.order_by("name"))
    first_names = ["Anne", "Bruno", "Chloé", "David", "Élise", "Fabien", "Gaëlle", "Hugo"]
    last_names = [
        "Le Bihan",
        "Moreau",
        "Garnier",
        "Roux",
        "Fontaine",
        "Chevalier",
        "Perrin",
        "Morel",
    ]
    for h_index, holder in enumerate(Holder.objects.order_by("pk")):
        companies = [holder.company, *holder.members.order_by("pk")]
        for e_index in range(5):
            # Five experts with two professions each cover all ten professions.
            company = holder.company if e_index < 2 else companies[e_index % len(companies)]
            expert, _ = Expert.objects.update_or_create(
                holder=holder,
                email=f"expert{e_index + 1}.{holder.pk}@{company.city.lower()}.example.fr",
                defaults={
                    "company": company,
                    "first_name": first_names[(h_index + e_index) % len(first_names)],
                    "last_name": last_names[(2 * h_index + e_index) % len(last_names)],
                    "qualifications": "Diplômé(e) d'État, 10 ans d'expérience (fictif)",
                    "daily_rate": Decimal("650.00") + 50 * e_index,
                },
            )
            expert.professions.set(professions[2 * e_index : 2 * e_index + 2])
