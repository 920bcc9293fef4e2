"""The subsequent contract (marché subséquent, R2162-7 to R2162-12) awarded at the end of a
Local re-competition, and its phases with their share of the price (from the winning DPGF)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from framework_agreements.models import FrameworkAgreement, Holder, Lot
from procurement import clock, roles
from procurement.fields import text_field
from procurement.models import Service, User

from .consultations import Consultation, Offer
from .requests import TeamRequest

VAT_RATE = Decimal("0.2000")


class ContractState(models.TextChoices):
    AWARDED = "awarded", "Attribué"
    NOTIFIED = "notified", "Notifié"


class SubsequentContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        if roles.reads_everything(user):
            return self
        if roles.is_authenticated(user) and user.service_id:
            return self.filter(request__service_id=user.service_id)
        return self.none()


class SubsequentContract(FSMModelMixin, models.Model):
    consultation = models.OneToOneField(
        Consultation, on_delete=models.PROTECT, related_name="contract"
    )
    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="contract")
    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="contracts"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="contracts")
    request = models.ForeignKey(TeamRequest, on_delete=models.PROTECT, related_name="contracts")
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="contracts")
    team = models.OneToOneField(
        "teams.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="contract"
    )
    state = FSMField(
        "état", default=ContractState.AWARDED, choices=ContractState.choices, protected=True
    )
    year = models.PositiveSmallIntegerField("exercice")
    sequence = models.PositiveIntegerField()
    number = models.CharField("numéro", max_length=30)
    total_excl_tax = models.DecimalField("montant HT", max_digits=14, decimal_places=2)
    total_vat = models.DecimalField("TVA", max_digits=14, decimal_places=2)
    total_incl_tax = models.DecimalField("montant TTC", max_digits=14, decimal_places=2)
    budget_programme = models.CharField("programme", max_length=10, default="135")
    budget_centre = models.CharField("centre financier", max_length=30, blank=True)
    budget_domain = models.CharField("domaine fonctionnel", max_length=30, blank=True)
    budget_activity = models.CharField("activité", max_length=30, blank=True)
    ej_number = models.CharField("n° d'engagement juridique (EJ)", max_length=20, blank=True)
    awarded_at = models.DateTimeField("attribué le")
    awarded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    awarding_service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    notified_at = models.DateTimeField("notifié le", null=True, blank=True)
    end_reason = text_field("motif", blank=True)
    history = HistoricalRecords()

    objects = SubsequentContractQuerySet.as_manager()

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        verbose_name = "marché subséquent"
        verbose_name_plural = "marchés subséquents"
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "sequence"], name="contract_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(total_incl_tax=models.F("total_excl_tax") + models.F("total_vat")),
                name="contract_incl_tax_is_excl_plus_vat",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("orders:contract_detail", args=[self.pk])

    @property
    def source_key(self):
        """How the ceiling ledger names this contract."""
        return f"subsequent_contract:{self.pk}"

    def expected_commitment(self):
        """What the ledger should hold for this contract."""
        return self.total_excl_tax

    def abilities(self, user):
        buyer = roles.is_buyer(user)
        pilot = roles.is_pilot_of(user, self.request.service_id)
        return {
            "view": pilot or roles.reads_everything(user),
            "download_pdf": pilot or roles.reads_everything(user),
            "edit": buyer and self.state == ContractState.AWARDED,
            "notify": buyer,
        }

    def _may(self, user, action):
        return self.abilities(user).get(action, False)

    @transition(
        field=state,
        source=ContractState.AWARDED,
        target=ContractState.NOTIFIED,
        permission=lambda instance, user: instance._may(user, "notify"),
    )
    def notify(self):
        self.notified_at = clock.now()


class ContractPhase(models.Model):
    """A phase of the contract with its share of the price, from the winning DPGF."""

    contract = models.ForeignKey(
        SubsequentContract, on_delete=models.CASCADE, related_name="phases"
    )
    phase = models.CharField("phase", max_length=12)
    position = models.PositiveSmallIntegerField("ordre")
    amount_excl_tax = models.DecimalField("prix HT", max_digits=12, decimal_places=2)
    vat = models.DecimalField("TVA", max_digits=12, decimal_places=2)
    amount_incl_tax = models.DecimalField("prix TTC", max_digits=12, decimal_places=2)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position"]
        verbose_name = "phase du marché"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "phase"], name="one_line_per_contract_phase"
            ),
        ]

    def __str__(self):
        return f"{self.contract} — {self.phase}"

    @property
    def share(self):
        total = self.contract.total_excl_tax
        return (self.amount_excl_tax / total) if total else Decimal("0")
