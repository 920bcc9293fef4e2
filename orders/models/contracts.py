"""The subsequent contract (marché subséquent, R2162-7 to R2162-12) awarded at the end of a
Local re-competition, and its phases with their share of the price (from the winning DPGF)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from framework_agreements.models import FrameworkAgreement, Holder, Lot
from procurement import clock, roles
from procurement.fields import date_field, text_field
from procurement.models import Service, User
from procurement.money import adds_up

from .consultations import Consultation, Offer
from .requests import TeamRequest

VAT_RATE = Decimal("0.2000")


class ContractState(models.TextChoices):
    AWARDED = "awarded", "Attribué"
    NOTIFIED = "notified", "Notifié"
    IN_EXECUTION = "in_execution", "En exécution"
    COMPLETED = "completed", "Service fait (toutes phases)"
    CLOSED = "closed", "Soldé et clos"
    TERMINATED = "terminated", "Résilié"


# States in which the holder's work is running or done: invoices may be received.
INVOICEABLE_CONTRACT_STATES = [
    ContractState.NOTIFIED,
    ContractState.IN_EXECUTION,
    ContractState.COMPLETED,
    ContractState.TERMINATED,
]


class SubsequentContractQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = roles.service_scope(user)
        return self.none() if scope is None else self.filter(scope)


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
    duration_months = models.PositiveSmallIntegerField(
        "durée d'exécution (mois)", default=12, validators=[MinValueValidator(1)]
    )
    started_on = date_field("exécution commencée le", null=True, blank=True)
    completed_on = date_field("service fait de la dernière phase le", null=True, blank=True)
    terminated_on = date_field("résilié le", null=True, blank=True)
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    end_reason = text_field("motif", blank=True)
    # The part of the commitment released from the ceiling at termination.
    released_amount = models.DecimalField(
        "montant libéré HT", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    # The advance (R2191-3 to R2191-12), set at award and editable until notification.
    advance_rate = models.DecimalField(
        "taux de l'avance (%)", max_digits=5, decimal_places=2, default=Decimal("0.00")
    )
    advance_declined = models.BooleanField("avance refusée par le titulaire", default=False)
    advance_amount = models.DecimalField(
        "montant de l'avance TTC", max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    guarantee_required = models.BooleanField("garantie à première demande exigée", default=False)
    guarantee_received_on = date_field("garantie reçue le", null=True, blank=True)
    # Open data (DECP): the day its essential data were first published (never moved).
    decp_published_on = date_field(
        "données essentielles publiées le", null=True, blank=True, editable=False
    )
    # Revisable prices: the base month (mois zéro) of the formula, fixed at award.
    revision_base_month = date_field("mois zéro", null=True, blank=True)
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
            adds_up(
                "total_incl_tax",
                ["total_excl_tax", "total_vat"],
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

    def expected_commitment(self, phases=None):
        """What the ledger should hold for this contract: its amount, plus the revisions
        that raised a price, minus what its termination released. `phases`: the contract's
        phases read with their revision (a page has them), else one query."""
        from .execution import PriceRevision

        if phases is None:
            revisions = PriceRevision.objects.filter(phase__contract=self).only(
                "committed_increase"
            )
        else:
            revisions = [p.revision for p in phases if getattr(p, "revision", None) is not None]
        increases = sum((r.committed_increase for r in revisions), Decimal("0.00"))
        return self.total_excl_tax + increases - self.released_amount

    @property
    def notified_on(self):
        return clock.local_date(self.notified_at) if self.notified_at else None

    @property
    def has_advance(self):
        return self.advance_amount > 0 and not self.advance_declined

    def abilities(self, user):
        buyer = roles.is_buyer(user)
        pilot = roles.is_pilot_of(user, self.request.service_id)
        finance = roles.is_finance(user)
        follower = buyer or pilot
        running = self.state in (ContractState.NOTIFIED, ContractState.IN_EXECUTION)
        return {
            "view": pilot or roles.reads_everything(user),
            "download_pdf": pilot or roles.reads_everything(user),
            "edit": buyer and self.state == ContractState.AWARDED,
            "notify": buyer,
            "start": follower,
            "terminate": buyer,
            "close": finance or buyer,
            # Phases: the pilot follows the atelier on the ground, the buyer accepts too.
            "follow": follower and running,
            "record_invoice": finance and self.state in INVOICEABLE_CONTRACT_STATES,
            "record_guarantee": (finance or buyer) and self.guarantee_required,
        }

    def _may(self, user, action):
        return self.abilities(user).get(action, False)

    @transition(
        field=state,
        source=ContractState.AWARDED,
        target=ContractState.NOTIFIED,
        permission=lambda instance, user: instance._may(user, "notify"),
        conditions=[lambda instance: not instance.notification_pending()],
    )
    def notify(self, at=None):
        # Called by the outbox once the e-mail has left: its departure is the legal date.
        self.notified_at = at or clock.now()

    def notification_pending(self):
        """An e-mail carrying the notification is queued: the step waits for it."""
        from notifications import outbox

        return outbox.notification_pending(self)

    @transition(
        field=state,
        source=ContractState.NOTIFIED,
        target=ContractState.IN_EXECUTION,
        permission=lambda instance, user: instance._may(user, "start"),
    )
    def start(self, on):
        self.started_on = on

    @transition(field=state, source=ContractState.IN_EXECUTION, target=ContractState.COMPLETED)
    def complete(self, on):
        """The service fait of the last phase (called by the phase's acceptance)."""
        self.completed_on = on

    @transition(
        field=state,
        source=[ContractState.NOTIFIED, ContractState.IN_EXECUTION],
        target=ContractState.TERMINATED,
        permission=lambda instance, user: instance._may(user, "terminate"),
    )
    def terminate(self, on, reason):
        self.terminated_on = on
        self.end_reason = reason

    @transition(
        field=state,
        source=[ContractState.COMPLETED, ContractState.TERMINATED],
        target=ContractState.CLOSED,
        permission=lambda instance, user: instance._may(user, "close"),
    )
    def close(self):
        self.closed_at = clock.now()
