"""The parties: companies, holders (alone or in consortium) and their place on each lot."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret

from .agreements import Lot


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
        verbose_name_plural = "entreprises"

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
        verbose_name_plural = "titulaires"

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
    def is_sme(self):
        """A consortium is an SME when its lead (mandataire) is one."""
        return self.company.is_sme

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
        verbose_name_plural = "titulaires des lots"
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
        verbose_name_plural = "lignes de prix"
        constraints = [
            models.UniqueConstraint(fields=["holding", "code"], name="unique_price_code"),
        ]

    def __str__(self):
        return f"{self.code} — {self.label}"

    @property
    def vat_percent(self):
        return (self.vat_rate * 100).normalize()
