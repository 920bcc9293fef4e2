"""Ceiling consumption (R2162-4) as XLSX, for finance and buyers: per agreement and lot its
maximum, committed, % used, remaining, and its minimum and the progress toward it; then per
holder and fiscal year, from the ledger (committed, released, net). Amounts excl. tax, as
the ceiling is kept."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce

from exports import registry
from procurement import roles
from procurement.xlsx import Column, Report

from . import ceiling
from .models import CommitmentEntry, FrameworkAgreement

ZERO = Decimal("0.00")
HUNDRED = Decimal("100")

CEILING_COLUMNS = [
    Column("Accord-cadre"),
    Column("Intitulé"),
    Column("Lot"),
    Column("Montant maximum HT", "euro"),
    Column("Engagé HT", "euro"),
    Column("Part utilisée", "percent"),
    Column("Restant HT", "euro"),
    Column("Montant minimum HT", "euro"),
    Column("Progression vers le minimum", "percent"),
    Column("Minimum atteint"),
]

HOLDER_COLUMNS = [
    Column("Accord-cadre"),
    Column("Lot"),
    Column("Titulaire"),
    Column("Exercice", "int"),
    Column("Engagé HT", "euro", total=True),
    Column("Libéré HT", "euro", total=True),
    Column("Net HT", "euro", total=True),
    Column("Part du maximum de l'accord-cadre", "percent"),
]


def _agreements(user, params):
    if not roles.reads_everything(user):
        raise PermissionDenied
    agreements = FrameworkAgreement.objects.prefetch_related("lots").order_by("reference")
    if params.get("agreement"):
        agreements = agreements.filter(reference=params["agreement"])
    return agreements


def _share(part, whole):
    return (part / whole).quantize(Decimal("0.0001")) if whole else None


def ceiling_rows(agreements):
    for agreement in agreements:
        figures = ceiling.figures_of(agreement, agreement.committed_amount)
        minimum = agreement.minimum_amount
        yield [
            agreement.reference,
            agreement.title,
            "Ensemble de l'accord-cadre",
            figures.maximum,
            figures.committed,
            _share(figures.committed, figures.maximum),
            figures.remaining,
            minimum,
            _share(min(figures.committed, minimum), minimum) if minimum else None,
            ("oui" if figures.committed >= minimum else "non") if minimum else "sans minimum",
        ]
        for lot in agreement.lots.all():
            has_maximum = lot.maximum_amount is not None
            yield [
                agreement.reference,
                agreement.title,
                f"Lot {lot.number} — {lot.title}",
                lot.maximum_amount,
                lot.committed_amount,
                _share(lot.committed_amount, lot.maximum_amount) if has_maximum else None,
                lot.maximum_amount - lot.committed_amount if has_maximum else None,
                None,
                None,
                "",
            ]


def holder_rows(agreements):
    grouped = (
        CommitmentEntry.objects.filter(agreement__in=agreements.values("pk"))
        .values(
            "agreement__reference",
            "agreement__maximum_amount",
            "lot__number",
            "lot__title",
            "holder__name",
            "fiscal_year",
        )
        .annotate(
            committed=Coalesce(Sum("amount", filter=Q(amount__gt=0)), ZERO),
            released=Coalesce(Sum("amount", filter=Q(amount__lt=0)), ZERO),
        )
        .order_by("agreement__reference", "lot__number", "holder__name", "fiscal_year")
    )
    for row in grouped:
        net = row["committed"] + row["released"]
        yield [
            row["agreement__reference"],
            f"Lot {row['lot__number']} — {row['lot__title']}" if row["lot__number"] else "",
            row["holder__name"] or "",
            row["fiscal_year"],
            row["committed"],
            row["released"],
            net,
            _share(net, row["agreement__maximum_amount"]),
        ]


def count_ceilings(user, params):
    _agreements(user, params)  # the permission check
    return 0  # a few rows per agreement: always built in the request


def write_ceilings(user, params, out):
    agreements = _agreements(user, params)
    shown = [("Accord-cadre", params["agreement"])] if params.get("agreement") else []
    report = Report(CEILINGS.title, user=user, params=shown)
    count = report.sheet("Plafonds", CEILING_COLUMNS, ceiling_rows(agreements))
    count += report.sheet("Par titulaire et exercice", HOLDER_COLUMNS, holder_rows(agreements))
    report.save(out)
    return count


CEILINGS = registry.ExportKind(
    kind="ceilings",
    title="Consommation des plafonds",
    slug="consommation-des-plafonds",
    count=count_ceilings,
    write=write_ceilings,
)
