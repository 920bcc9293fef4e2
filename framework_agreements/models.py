import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret

from procurement.actions import ActionRefused
from procurement.models import Service

# L2125-1 CCP: a framework agreement lasts at most four years, renewals included.
MAX_DURATION_MONTHS = 48
CPV_URBAN_PLANNING = "71410000-5"


def validate_siret(value):
    """SIRET: 14 digits with a valid Luhn key (python-stdnum handles La Poste's exception)."""
    try:
        stdnum_siret.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            "Le numéro SIRET « %(value)s » n'est pas valide (14 chiffres, clé de contrôle).",
            code="invalid_siret",
            params={"value": value},
        ) from exc


def add_months(day, months):
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class Mechanism(models.TextChoices):
    PURCHASE_ORDERS = "purchase_orders", "Bons de commande (R2162-13)"
    SUBSEQUENT_CONTRACTS = "subsequent_contracts", "Marchés subséquents (R2162-7)"


class AllocationRule(models.TextChoices):
    CASCADE = "cascade", "Cascade (rang 1 d'abord)"
    ROTATION = "rotation", "Tour de rôle"


class Procedure(models.TextChoices):
    OPEN = "open", "Appel d'offres ouvert"
    RESTRICTED = "restricted", "Appel d'offres restreint"
    NEGOTIATED = "negotiated", "Procédure avec négociation"
    ADAPTED = "adapted", "Procédure adaptée"


class FrameworkAgreement(models.Model):
    reference = models.CharField("référence", max_length=40, unique=True)
    title = models.CharField("intitulé", max_length=250)
    # Prefix of order numbers: FLASH-2026-0007.
    number_prefix = models.CharField("préfixe de numérotation", max_length=10, unique=True)
    mechanism = models.CharField("mode d'exécution", max_length=24, choices=Mechanism.choices)
    cpv_code = models.CharField("code CPV", max_length=12, default=CPV_URBAN_PLANNING)
    procedure = models.CharField("procédure", max_length=12, choices=Procedure.choices)
    notification_date = models.DateField("date de notification")
    start_date = models.DateField("date de début")
    duration_months = models.PositiveSmallIntegerField(
        "durée totale (mois, reconductions comprises)",
        validators=[
            MinValueValidator(1),
            MaxValueValidator(
                MAX_DURATION_MONTHS,
                message="La durée d'un accord-cadre ne peut dépasser 4 ans (48 mois), "
                "reconductions comprises (article L2125-1 du code de la commande publique).",
            ),
        ],
    )
    # R2162-4 CCP: the maximum is mandatory; the minimum is optional.
    minimum_amount = models.DecimalField(
        "montant minimum HT", max_digits=14, decimal_places=2, null=True, blank=True
    )
    maximum_amount = models.DecimalField(
        "montant maximum HT",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Obligatoire (article R2162-4 du code de la commande publique).",
    )
    # R2162-6 CCP: only the buyers named in the agreement may place orders.
    authorised_services = models.ManyToManyField(
        Service, verbose_name="services autorisés à commander", related_name="agreements"
    )
    allocation_rule = models.CharField(
        "règle d'attribution des bons de commande",
        max_length=10,
        choices=AllocationRule.choices,
        blank=True,
    )
    # Running committed total, kept by ceiling.commit/release under the agreement's row lock
    # (the ledger stays the source of truth; ceiling.verify compares the two).
    committed_amount = models.DecimalField(
        "montant engagé HT", max_digits=14, decimal_places=2, default=0, editable=False
    )
    history = HistoricalRecords(
        m2m_fields=[authorised_services], excluded_fields=["committed_amount"]
    )

    class Meta:
        ordering = ["start_date", "reference"]
        verbose_name = "accord-cadre"
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_months__gte=1, duration_months__lte=MAX_DURATION_MONTHS),
                name="agreement_duration_at_most_48_months",
            ),
            models.CheckConstraint(
                condition=Q(maximum_amount__gt=0), name="agreement_maximum_positive"
            ),
            models.CheckConstraint(
                condition=Q(minimum_amount__isnull=True)
                | Q(minimum_amount__lte=models.F("maximum_amount")),
                name="agreement_minimum_below_maximum",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def save(self, *args, **kwargs):
        keep_running_total(self, kwargs)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.maximum_amount is None:
            errors["maximum_amount"] = (
                "Le montant maximum est obligatoire (article R2162-4 du code de la commande "
                "publique)."
            )
        if (
            self.minimum_amount is not None
            and self.maximum_amount is not None
            and self.minimum_amount > self.maximum_amount
        ):
            errors["minimum_amount"] = "Le montant minimum ne peut dépasser le montant maximum."
        if self.mechanism == Mechanism.PURCHASE_ORDERS and not self.allocation_rule:
            errors["allocation_rule"] = (
                "Un accord-cadre à bons de commande sans remise en concurrence doit fixer une "
                "règle objective d'attribution (cascade ou tour de rôle)."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def end_date(self):
        """Last day in force (inclusive)."""
        return add_months(self.start_date, self.duration_months) - datetime.timedelta(days=1)

    def is_in_force(self, on=None):
        # R2162-5 CCP: orders are issued only while the agreement is in force.
        on = on or datetime.date.today()
        return self.start_date <= on <= self.end_date

    def may_order(self, service):
        """R2162-6 CCP: only the buyers named in the agreement may place orders."""
        if service is None:
            return False
        # Prefetched on detail pages; falls back to one query otherwise.
        return any(s.pk == service.pk for s in self.authorised_services.all())

    def require_may_order(self, service):
        if not self.may_order(service):
            raise ActionRefused(
                f"Votre service n'est pas désigné comme acheteur dans l'accord-cadre "
                f"{self.reference} (article R2162-6 du code de la commande publique)."
            )


def keep_running_total(instance, save_kwargs):
    """A form or admin save never writes back a stale running total: only the ceiling
    service moves it, with an UPDATE under the agreement's lock."""
    if instance._state.adding or save_kwargs.get("update_fields") is not None:
        return
    save_kwargs["update_fields"] = [
        f.name
        for f in instance._meta.concrete_fields
        if not f.primary_key and f.name != "committed_amount"
    ]


class Lot(models.Model):
    agreement = models.ForeignKey(FrameworkAgreement, on_delete=models.CASCADE, related_name="lots")
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=250)
    maximum_amount = models.DecimalField(
        "montant maximum HT du lot",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    committed_amount = models.DecimalField(
        "montant engagé HT", max_digits=14, decimal_places=2, default=0, editable=False
    )
    history = HistoricalRecords(excluded_fields=["committed_amount"])

    class Meta:
        ordering = ["agreement", "number"]
        verbose_name = "lot"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_lot_number"),
        ]

    def __str__(self):
        return f"Lot {self.number} — {self.title}"

    def save(self, *args, **kwargs):
        keep_running_total(self, kwargs)
        super().save(*args, **kwargs)


class Company(models.Model):
    """A legal entity: a holder on its own, or a lead / member of a consortium."""

    name = models.CharField("raison sociale", max_length=200)
    siret = models.CharField("SIRET", max_length=14, unique=True, validators=[validate_siret])
    address = models.CharField("adresse", max_length=300)
    postcode = models.CharField("code postal", max_length=5)
    city = models.CharField("commune", max_length=100)
    is_sme = models.BooleanField("PME", default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "entreprise"

    def __str__(self):
        return self.name

    @property
    def full_address(self):
        return f"{self.address}, {self.postcode} {self.city}"


class HolderKind(models.TextChoices):
    COMPANY = "company", "Entreprise seule"
    CONSORTIUM = "consortium", "Groupement"


class ConsortiumType(models.TextChoices):
    JOINT = "joint", "Conjoint"
    JOINTLY_LIABLE = "jointly_liable", "Solidaire"


class Holder(models.Model):
    """A party to an agreement: one company, or a consortium led by a mandataire (R2142-20..26)."""

    name = models.CharField("dénomination", max_length=200)
    kind = models.CharField("forme", max_length=10, choices=HolderKind.choices)
    # The company itself, or the consortium's lead (mandataire): its SIRET and address are the
    # holder's on every document.
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="held",
        verbose_name="entreprise / mandataire",
    )
    members = models.ManyToManyField(
        Company, blank=True, related_name="consortia", verbose_name="cotraitants"
    )
    consortium_type = models.CharField(
        "type de groupement", max_length=16, choices=ConsortiumType.choices, blank=True
    )
    contact_name = models.CharField("contact", max_length=120)
    contact_email = models.EmailField("courriel du contact")
    is_fictitious = models.BooleanField(
        "donnée fictive", default=False, help_text="Jeu de démonstration."
    )
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["name"]
        verbose_name = "titulaire"

    def __str__(self):
        return self.name

    def clean(self):
        if self.kind == HolderKind.CONSORTIUM and not self.consortium_type:
            raise ValidationError(
                {"consortium_type": "Précisez si le groupement est conjoint ou solidaire."}
            )
        if self.kind == HolderKind.COMPANY and self.consortium_type:
            raise ValidationError(
                {"consortium_type": "Une entreprise seule n'a pas de type de groupement."}
            )

    @property
    def siret(self):
        return self.company.siret

    @property
    def is_consortium(self):
        return self.kind == HolderKind.CONSORTIUM


class LotHolding(models.Model):
    """A holder's place on a lot: its rank (for the cascade) and its price schedule."""

    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, related_name="holdings")
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="holdings")
    rank = models.PositiveSmallIntegerField("rang", validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["lot", "rank"]
        verbose_name = "titulaire du lot"
        constraints = [
            models.UniqueConstraint(fields=["lot", "holder"], name="unique_holder_per_lot"),
            models.UniqueConstraint(fields=["lot", "rank"], name="unique_rank_per_lot"),
        ]

    def __str__(self):
        return f"{self.holder} — rang {self.rank} ({self.lot})"


class PriceLine(models.Model):
    """One line of a holder's price schedule (BPU) or lump-sum breakdown (DPGF)."""

    holding = models.ForeignKey(LotHolding, on_delete=models.CASCADE, related_name="price_lines")
    code = models.CharField("code", max_length=20)
    label = models.CharField("désignation", max_length=250)
    unit = models.CharField("unité", max_length=40)
    unit_price = models.DecimalField(
        "prix unitaire HT", max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat_rate = models.DecimalField(
        "taux de TVA",
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.2000"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["holding", "code"]
        verbose_name = "ligne de prix"
        constraints = [
            models.UniqueConstraint(fields=["holding", "code"], name="unique_price_code"),
        ]

    def __str__(self):
        return f"{self.code} — {self.label}"

    @property
    def vat_percent(self):
        return (self.vat_rate * 100).normalize()


class CommitmentKind(models.TextChoices):
    COMMIT = "commit", "Engagement"
    RELEASE = "release", "Libération"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The commitment ledger is append-only: rows are never updated.")

    def delete(self):
        raise TypeError("The commitment ledger is append-only: rows are never deleted.")


class CommitmentEntry(models.Model):
    """Append-only ledger of amounts committed against an agreement's ceiling.

    Rows are written only by `ceiling.commit` and `ceiling.release`, under a lock on the
    agreement row, each once with its real reference; none is ever updated or deleted. The
    running totals on the agreement and the lot follow it; `ceiling.verify` compares them.
    """

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="commitments"
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    holder = models.ForeignKey(
        Holder, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    # The budget year the row counts in (AE): the order's year for a commitment, the year of
    # the release for a release.
    fiscal_year = models.PositiveSmallIntegerField("exercice")
    kind = models.CharField(max_length=8, choices=CommitmentKind.choices)
    # Positive for a commitment, negative for a release.
    amount = models.DecimalField("montant HT", max_digits=14, decimal_places=2)
    # What produced the row, e.g. "purchase_order:42"; plus its human reference (the number).
    source = models.CharField(max_length=60)
    reference = models.CharField("référence", max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        "procurement.User", on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "écriture d'engagement"
        verbose_name_plural = "écritures d'engagement"
        indexes = [models.Index(fields=["agreement", "source"], name="ledger_source")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="commit") & Q(amount__gt=0))
                | (Q(kind="release") & Q(amount__lt=0)),
                name="commitment_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} € — {self.reference}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The commitment ledger is append-only: rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The commitment ledger is append-only: rows are never deleted.")


class NumberSequence(models.Model):
    """The last number taken per agreement and year (see numbering.py)."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="sequences"
    )
    year = models.PositiveSmallIntegerField("exercice")
    last = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "séquence de numérotation"
        verbose_name_plural = "séquences de numérotation"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="one_sequence_per_year"),
        ]

    def __str__(self):
        return f"{self.agreement.number_prefix}-{self.year} : {self.last}"
