"""Framework agreements (accords-cadres) and their lots."""

import calendar
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from simple_history.models import HistoricalRecords

from procurement import clock
from procurement.actions import ActionRefused
from procurement.fields import TITLE_MAX, date_field
from procurement.models import Service
from procurement.money import format_euros

# L2125-1 CCP: a framework agreement lasts at most four years, renewals included.
MAX_DURATION_MONTHS = 48
CPV_URBAN_PLANNING = "71410000-5"


def add_months(day, months):
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


PRICE = "price"


def default_award_criteria():
    """Technical value 60 (territory 20, method 20, team 20), price 40: weights total 100."""
    return [
        {"key": "territory", "label": "Compréhension du territoire et des enjeux", "weight": 20},
        {"key": "method", "label": "Méthode et organisation de la démarche", "weight": 20},
        {"key": "team", "label": "Composition et qualification de l'équipe", "weight": 20},
        {"key": PRICE, "label": "Prix", "weight": 40},
    ]


def check_award_criteria(criteria):
    """A message if the criteria are not a list of weighted criteria totalling 100, with one
    price criterion; None when they are right."""
    try:
        keys = [c["key"] for c in criteria]
        weights = [int(c["weight"]) for c in criteria]
        labels = [str(c["label"]) for c in criteria]
    except (TypeError, KeyError, ValueError):
        return "Chaque critère a une clé, un libellé et une pondération entière."
    if len(set(keys)) != len(keys) or keys.count(PRICE) != 1 or len(keys) < 2:
        return "Les critères doivent être distincts et comprendre un seul critère « prix »."
    if any(w <= 0 for w in weights) or sum(weights) != 100 or not all(labels):
        return f"Les pondérations doivent être positives et totaliser 100 (total : {sum(weights)})."
    return None


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
    title = models.CharField("intitulé", max_length=TITLE_MAX)
    # Prefix of order numbers: FLASH-2026-0007.
    number_prefix = models.CharField("préfixe de numérotation", max_length=10, unique=True)
    mechanism = models.CharField("mode d'exécution", max_length=24, choices=Mechanism.choices)
    cpv_code = models.CharField("code CPV", max_length=12, default=CPV_URBAN_PLANNING)
    procedure = models.CharField("procédure", max_length=12, choices=Procedure.choices)
    notification_date = date_field("date de notification")
    start_date = date_field("date de début")
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
    # Open data (DECP): how many offers the agreement's own procedure received, and the day
    # its essential data were first published (never moved afterwards).
    offers_received = models.PositiveSmallIntegerField(
        "nombre d'offres reçues", null=True, blank=True, validators=[MinValueValidator(1)]
    )
    decp_published_on = date_field(
        "données essentielles publiées le", null=True, blank=True, editable=False
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
    # Subsequent contracts (R2162-7..12): the award criteria announced in the agreement, and
    # how far below the others an offer must be priced to be flagged as abnormally low.
    award_criteria = models.JSONField(
        "critères d'attribution des marchés subséquents", default=default_award_criteria
    )
    abnormally_low_percent = models.DecimalField(
        "seuil d'offre anormalement basse (% sous la moyenne des autres)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("30.00"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("90"))],
    )
    # Execution terms of its contracts. The advance (R2191-3 to R2191-12): the standard rate,
    # and the higher minimum for the State's contracts with an SME (R2191-7).
    advance_rate_standard = models.DecimalField(
        "taux de l'avance (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("5.00"),
        validators=[MinValueValidator(Decimal("5")), MaxValueValidator(Decimal("100"))],
    )
    advance_rate_sme = models.DecimalField(
        "taux de l'avance des PME (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("30.00"),
        validators=[MinValueValidator(Decimal("5")), MaxValueValidator(Decimal("100"))],
    )
    # Revisable prices (R2112-13, R2112-14): P = P0 × (a + b × S/S0), S the Syntec index of
    # the month, S0 that of the base month (mois zéro); a + b = 1.
    revision_fixed_part = models.DecimalField(
        "part fixe a de la formule de révision",
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.1500"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    revision_variable_part = models.DecimalField(
        "part variable b (indice Syntec)",
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.8500"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    revision_base_month = date_field(
        "mois zéro",
        null=True,
        blank=True,
        help_text="À défaut, le mois de la date limite de remise des offres de chaque remise "
        "en concurrence.",
    )
    # The written answer the holder owes each purchase order, printed on it.
    order_acceptance_days = models.PositiveSmallIntegerField(
        "délai d'acceptation d'un bon de commande (jours)",
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Le titulaire accepte ou refuse par écrit chaque bon de commande dans ce délai, "
        "à compter de sa notification.",
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
        verbose_name_plural = "accords-cadres"
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
        with transaction.atomic():
            check_maximum(self)
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
        criteria_error = check_award_criteria(self.award_criteria)
        if criteria_error:
            errors["award_criteria"] = criteria_error
        if self.mechanism == Mechanism.PURCHASE_ORDERS and not self.allocation_rule:
            errors["allocation_rule"] = (
                "Un accord-cadre à bons de commande sans remise en concurrence doit fixer une "
                "règle objective d'attribution (cascade ou tour de rôle)."
            )
        if (
            self.revision_fixed_part is not None
            and self.revision_variable_part is not None
            and self.revision_fixed_part + self.revision_variable_part != 1
        ):
            errors["revision_variable_part"] = (
                "Les parts fixe et variable de la formule de révision doivent totaliser 1 "
                f"(a + b = {self.revision_fixed_part + self.revision_variable_part})."
            )
        if errors:
            raise ValidationError(errors)
        check_maximum(self)

    @property
    def end_date(self):
        """Last day in force (inclusive)."""
        return add_months(self.start_date, self.duration_months) - datetime.timedelta(days=1)

    def price_clause(self):
        """The price clause printed on orders: firm for purchase orders, revisable by formula
        for subsequent contracts."""
        if self.mechanism == Mechanism.PURCHASE_ORDERS:
            return (
                "Prix fermes (article R2112-9 du code de la commande publique) : les prix "
                "unitaires du bordereau du titulaire, invariables pendant toute la durée de "
                "l'accord-cadre, ni actualisés ni révisés."
            )
        a, b = (
            f"{v:.2f}".replace(".", ",")
            for v in (self.revision_fixed_part, self.revision_variable_part)
        )
        return (
            "Prix révisables (articles R2112-13 et R2112-14 du code de la commande publique) "
            f"selon la formule P = P0 × ({a} + {b} × S/S0), S étant l'indice Syntec."
        )

    def is_in_force(self, on=None):
        # R2162-5 CCP: orders are issued only while the agreement is in force.
        on = on or clock.today()
        return self.start_date <= on <= self.end_date

    def minimum_at_risk(self, committed, today=None):
        """The minimum is not reached and less than six months of the agreement remain."""
        if not self.minimum_amount or committed >= self.minimum_amount:
            return False
        today = today or clock.today()
        return add_months(today, 6) > self.end_date

    def may_order(self, service):
        """R2162-6 CCP: only the buyers named in the agreement may place orders."""
        if service is None:
            return False
        known = getattr(self, "_authorised", {})  # read with a page's row: note_authorised
        if service.pk in known:
            return known[service.pk]
        # Prefetched on some pages; falls back to one query otherwise.
        return any(s.pk == service.pk for s in self.authorised_services.all())

    def note_authorised(self, service_id, authorised):
        """Keep what a page's query already answered: is this service named in the agreement?"""
        self.__dict__.setdefault("_authorised", {})[service_id] = bool(authorised)

    @classmethod
    def names_service(cls, service_id):
        """An expression on a row with an `agreement_id`: does its agreement name this
        service? (R2162-6)"""
        return models.Exists(
            cls.authorised_services.through.objects.filter(
                frameworkagreement_id=models.OuterRef("agreement_id"), service_id=service_id
            )
        )

    def require_may_order(self, service):
        if not self.may_order(service):
            raise ActionRefused(
                f"Votre service n'est pas désigné comme acheteur dans l'accord-cadre "
                f"{self.reference} (article R2162-6 du code de la commande publique)."
            )


def check_maximum(instance):
    """R2162-4 CCP: the committed total never passes the maximum, so a maximum may not be set
    below what is already committed. Checked under the agreement's row lock, the one every
    commitment takes: from a form's clean() inside the admin's transaction the lock is held
    until the save commits; save() checks again for any other path (shell, scripts)."""
    if instance.pk is None or instance.maximum_amount is None:
        return
    agreement_id = (
        instance.pk if isinstance(instance, FrameworkAgreement) else instance.agreement_id
    )
    with transaction.atomic():
        FrameworkAgreement.objects.select_for_update().only("pk").get(pk=agreement_id)
        committed = (
            type(instance).objects.values_list("committed_amount", flat=True).get(pk=instance.pk)
        )
    if instance.maximum_amount < committed:
        label = "de l'accord-cadre" if isinstance(instance, FrameworkAgreement) else "du lot"
        raise ValidationError(
            {
                "maximum_amount": (
                    f"Le montant maximum {label} ne peut être inférieur au montant déjà engagé : "
                    f"{format_euros(committed)} HT engagés, {format_euros(instance.maximum_amount)}"
                    " HT demandés (article R2162-4 du code de la commande publique)."
                )
            }
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
    title = models.CharField("intitulé", max_length=TITLE_MAX)
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
        verbose_name_plural = "lots"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="unique_lot_number"),
        ]

    def __str__(self):
        return f"Lot {self.number} — {self.title}"

    def save(self, *args, **kwargs):
        keep_running_total(self, kwargs)
        with transaction.atomic():
            check_maximum(self)
            super().save(*args, **kwargs)

    def clean(self):
        check_maximum(self)
