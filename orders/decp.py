"""Essential data of public contracts (DECP), national format v2.0.3 (`marches.marche`).

Published (article R2196-1 and the arrêté of 22 December 2022 on essential data):
- each framework agreement itself: its record's `modalitesExecution` says whether it runs by
  purchase orders or subsequent contracts, and its `montant` is its maximum;
- each notified subsequent contract of €40,000 excl. tax or more, with `idAccordCadre`
  pointing to its agreement.
Purchase orders are not published one by one: the schema gives `idAccordCadre` to subsequent
contracts only, and an agreement executed by purchase orders is published once, its orders
being covered by its record (modaliteExecution « Bons de commande »).

Every record is validated against the schema (orders/data/decp/, jsonschema) before anything
is written; one invalid record fails the whole export, naming the record and the field.
`datePublicationDonnees` is the day a record was first exported; it never moves afterwards.
"""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.db import transaction
from jsonschema import Draft7Validator

from framework_agreements.models import ConsortiumType, FrameworkAgreement, Mechanism
from procurement import clock
from procurement.models import ServiceKind

from .models import ContractState, OfferStatus, SubsequentContract

SCHEMA_PATH = Path(__file__).parent / "data" / "decp" / "schema_decp_v2.0.3.json"
THRESHOLD = Decimal("40000.00")  # R2196-1: contracts of €40,000 excl. tax or more
ID_MAX = 16
PROCEDURES = {
    "open": "Appel d'offres ouvert",
    "restricted": "Appel d'offres restreint",
    "negotiated": "Procédure avec négociation",
    "adapted": "Procédure adaptée",
}
GROUPINGS = {ConsortiumType.JOINT: "Conjoint", ConsortiumType.JOINTLY_LIABLE: "Solidaire"}
PUBLISHED_STATES = [
    ContractState.NOTIFIED,
    ContractState.IN_EXECUTION,
    ContractState.COMPLETED,
    ContractState.CLOSED,
    ContractState.TERMINATED,
]


class DecpInvalid(Exception):
    """A record would not validate: nothing is written."""


@cache
def schema():
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def agreement_id(agreement):
    """« AC » + the year of notification + the numbering prefix: AC2025FLASH (≤ 16)."""
    return f"AC{agreement.notification_date.year}{agreement.number_prefix}"[:ID_MAX]


def contract_id(contract):
    """The contract's own number when it fits (LOCAL-2027-0001), else prefix, two-digit
    year and sequence (≤ 10 + 2 + 4 characters)."""
    if len(contract.number) <= ID_MAX:
        return contract.number
    return f"{contract.agreement.number_prefix}{contract.year % 100:02d}{contract.sequence:04d}"


def _holders(holders):
    """Each company once: a consortium's lead then its members (each with its SIRET)."""
    seen, titulaires = set(), []
    for holder in holders:
        for company in [holder.company, *holder.members.all()]:
            if company.siret not in seen:
                seen.add(company.siret)
                titulaires.append({"titulaire": {"typeIdentifiant": "SIRET", "id": company.siret}})
    return titulaires


def _grouping(holders):
    """Solidaire outweighs conjoint when the holders differ; no consortium, no grouping."""
    types = {GROUPINGS[h.consortium_type] for h in holders if h.is_consortium}
    if not types:
        return "Pas de groupement"
    return "Solidaire" if "Solidaire" in types else "Conjoint"


def _prices(agreement):
    if agreement.mechanism == Mechanism.PURCHASE_ORDERS:
        return "Unitaire", ["Définitif ferme"]  # the holders' unit price schedules, R2112-9
    return "Forfaitaire", ["Définitif révisable"]  # each contract's phases, R2112-13


def _common(agreement):
    form, types = _prices(agreement)
    return {
        "nature": "Marché",
        "codeCPV": agreement.cpv_code,
        "procedure": PROCEDURES.get(agreement.procedure, agreement.procedure),
        "ccag": "Prestations intellectuelles",
        "marcheInnovant": False,
        "formePrix": form,
        "typesPrix": {"typePrix": types},
        "sousTraitanceDeclaree": False,  # no subcontracting declared in the application
        "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
        "considerationsEnvironnementales": {
            "considerationEnvironnementale": ["Pas de considération environnementale"]
        },
    }


def _buyer_siret(agreement):
    central = [s for s in agreement.authorised_services.all() if s.kind == ServiceKind.DGALN]
    return central[0].siret if central and central[0].siret else ""


def agreement_record(agreement):
    holders = sorted(
        {holding.holder for lot in agreement.lots.all() for holding in lot.holdings.all()},
        key=lambda h: h.pk,
    )
    record = {
        "id": agreement_id(agreement),
        "acheteur": {"id": _buyer_siret(agreement)},
        "objet": agreement.title[:1000],
        "techniques": {"technique": ["Accord-cadre"]},
        "modalitesExecution": {
            "modaliteExecution": [
                "Bons de commande"
                if agreement.mechanism == Mechanism.PURCHASE_ORDERS
                else "Marchés subséquents"
            ]
        },
        "offresRecues": agreement.offers_received,
        "attributionAvance": False,  # advances go with each order or contract, not the agreement
        "typeGroupementOperateurs": _grouping(holders),
        "lieuExecution": {"code": "FR", "typeCode": "Code pays"},
        "dureeMois": agreement.duration_months,
        "dateNotification": agreement.notification_date.isoformat(),
        "datePublicationDonnees": _published(agreement).isoformat(),
        "montant": float(agreement.maximum_amount),
        "titulaires": _holders(holders),
        **_common(agreement),
    }
    return {k: v for k, v in record.items() if v is not None}


def contract_record(contract):
    agreement = contract.agreement
    offers = sum(1 for o in contract.consultation.offers.all() if o.status == OfferStatus.SUBMITTED)
    record = {
        "id": contract_id(contract),
        "acheteur": {"id": contract.awarding_service.siret or ""},
        "objet": (contract.consultation.subject or contract.request.title)[:1000],
        "techniques": {"technique": ["Accord-cadre"]},
        "modalitesExecution": {"modaliteExecution": ["Sans objet"]},
        "idAccordCadre": agreement_id(agreement),
        "offresRecues": offers or None,
        "attributionAvance": contract.has_advance,
        "tauxAvance": float(contract.advance_rate / 100) if contract.has_advance else None,
        "typeGroupementOperateurs": _grouping([contract.holder]),
        "lieuExecution": {"code": contract.request.department.code, "typeCode": "Code département"},
        "dureeMois": contract.duration_months,
        "dateNotification": contract.notified_on.isoformat(),
        "datePublicationDonnees": _published(contract).isoformat(),
        "montant": float(contract.total_excl_tax),
        "titulaires": _holders([contract.holder]),
        **_common(agreement),
    }
    # No amendment exists in the application: `modifications` is left out, as the schema wants
    # (when present it holds at least one). A formula price revision is not a modification.
    return {k: v for k, v in record.items() if v is not None}


def _published(obj):
    return obj.decp_published_on or clock.today()


def agreements():
    return (
        FrameworkAgreement.objects.filter(maximum_amount__gte=THRESHOLD)
        .prefetch_related("authorised_services", "lots__holdings__holder__company")
        .prefetch_related("lots__holdings__holder__members")
        .order_by("notification_date", "pk")
    )


def contracts():
    return (
        SubsequentContract.objects.filter(
            total_excl_tax__gte=THRESHOLD, state__in=PUBLISHED_STATES, notified_at__isnull=False
        )
        .select_related("agreement", "awarding_service", "request__department", "holder__company")
        .prefetch_related("holder__members", "consultation__offers")
        .order_by("notified_at", "pk")
    )


def validate(document, labels):
    """Every error at once, each naming its record and field; raises DecpInvalid."""
    problems = []
    for error in Draft7Validator(schema()).iter_errors(document):
        path = list(error.absolute_path)
        where = "le fichier"
        if len(path) >= 3 and path[:2] == ["marches", "marche"]:
            where = labels[path[2]]
            field = ".".join(str(p) for p in path[3:]) or error.validator_value
            if error.validator == "required":
                field = error.message.split("'")[1]
            where = f"{where}, champ {field}"
        problems.append(f"{where} : {error.message}")
    if problems:
        raise DecpInvalid("Données essentielles invalides :\n- " + "\n- ".join(problems))


def build():
    """The whole document, validated, and the objects it publishes: (document, published)."""
    records, labels, published = [], [], []
    for agreement in agreements():
        records.append({"marche": agreement_record(agreement)})
        labels.append(f"accord-cadre {agreement.reference} ({agreement_id(agreement)})")
        published.append(agreement)
    for contract in contracts():
        records.append({"marche": contract_record(contract)})
        labels.append(f"marché subséquent {contract.number} ({contract_id(contract)})")
        published.append(contract)
    document = {"marches": {"marche": [r["marche"] for r in records]}}
    validate(document, labels)
    return document, published


@transaction.atomic
def export():
    """The validated JSON bytes; the first publication date is kept for the records new to
    it. Nothing is written, and no date recorded, if one record is invalid."""
    document, published = build()
    today = clock.today()
    for obj in published:
        if obj.decp_published_on is None:
            # save(), not QuerySet.update(): the first publication is kept in the history.
            obj.decp_published_on = today
            obj._change_reason = "Première publication des données essentielles (DECP)"
            obj.save(update_fields=["decp_published_on"])
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
