"""Executing a subsequent contract: its phases (with their share of the price from the winning
DPGF, their dates and place), the holder's deliverables per phase, and the Syntec revision of
each phase's price."""

import datetime
import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from procurement import clock
from procurement.fields import date_field, text_field
from procurement.models import User

from .contracts import SubsequentContract


class PhaseState(models.TextChoices):
    PLANNED = "planned", "À programmer"
    SCHEDULED = "scheduled", "Programmée"
    SUBMITTED = "submitted", "Livrables à vérifier"
    RETURNED = "returned", "Renvoyée au titulaire"
    ACCEPTED = "accepted", "Acceptée (service fait)"


# The phases held with the team on the territory: their dates book the team's experts. The
# final report is delivered, not held.
SESSION_PHASES = ["kickoff", "diagnosis", "strategy", "roadmap"]


class DeliverableKind(models.TextChoices):
    KICKOFF_NOTE = "kickoff_note", "Note de cadrage (lancement)"
    SESSION_LOG = "session_log", "Carnet de suivi de la session"
    GUIDE_PLAN = "guide_plan", "Plan guide"
    ROADMAP = "roadmap", "Feuille de route"


# What each phase must deliver before it can be submitted for acceptance.
REQUIRED_DELIVERABLES = {
    "kickoff": [DeliverableKind.KICKOFF_NOTE],
    "diagnosis": [DeliverableKind.SESSION_LOG],
    "strategy": [DeliverableKind.SESSION_LOG],
    "roadmap": [DeliverableKind.SESSION_LOG],
    "final_report": [DeliverableKind.GUIDE_PLAN, DeliverableKind.ROADMAP],
}


class ContractPhase(FSMModelMixin, models.Model):
    """A phase of the contract with its share of the price, from the winning DPGF."""

    contract = models.ForeignKey(
        SubsequentContract, on_delete=models.CASCADE, related_name="phases"
    )
    phase = models.CharField("phase", max_length=12)
    position = models.PositiveSmallIntegerField("ordre")
    amount_excl_tax = models.DecimalField("prix HT", max_digits=12, decimal_places=2)
    vat = models.DecimalField("TVA", max_digits=12, decimal_places=2)
    amount_incl_tax = models.DecimalField("prix TTC", max_digits=12, decimal_places=2)
    state = FSMField("état", default=PhaseState.PLANNED, choices=PhaseState.choices, protected=True)
    start_on = date_field("du", null=True, blank=True)
    end_on = date_field("au", null=True, blank=True)
    place = models.CharField("lieu", max_length=200, blank=True)
    submitted_on = date_field("livrables remis le", null=True, blank=True)
    accepted_on = date_field("service fait le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_reason = text_field("motif du renvoi", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contract", "position"]
        verbose_name = "phase du marché"
        verbose_name_plural = "phases des marchés"
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "phase"], name="one_line_per_contract_phase"
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True)
                | Q(start_on__isnull=True)
                | Q(end_on__gte=models.F("start_on")),
                name="phase_end_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.contract} — {self.label}"

    @property
    def label(self):
        from .consultations import PHASE_LABELS

        return PHASE_LABELS.get(self.phase, self.phase)

    @property
    def is_session(self):
        return self.phase in SESSION_PHASES

    @property
    def required_deliverables(self):
        return REQUIRED_DELIVERABLES.get(self.phase, [])

    @property
    def share(self):
        total = self.contract.total_excl_tax
        return (self.amount_excl_tax / total) if total else Decimal("0")

    def abilities(self, user):
        follows = self.contract.abilities(user)["follow"]
        return {
            "view": self.contract.abilities(user)["view"],
            "schedule": follows,
            "upload": follows and self.state in (PhaseState.SCHEDULED, PhaseState.RETURNED),
            "submit": follows,
            "accept": follows,
            "send_back": follows,
        }

    def _may(self, user, action):
        return self.abilities(user).get(action, False)

    # --- transitions (fields only; orders.services.contract_execution checks the rest) -----

    @transition(
        field=state,
        source=[PhaseState.PLANNED, PhaseState.SCHEDULED, PhaseState.RETURNED],
        target=PhaseState.SCHEDULED,
        permission=lambda instance, user: instance._may(user, "schedule"),
    )
    def schedule(self, start_on, end_on, place):
        self.start_on, self.end_on, self.place = start_on, end_on, place

    @transition(
        field=state,
        source=[PhaseState.SCHEDULED, PhaseState.RETURNED],
        target=PhaseState.SUBMITTED,
        permission=lambda instance, user: instance._may(user, "submit"),
    )
    def submit(self, on):
        self.submitted_on = on
        self.return_reason = ""

    @transition(
        field=state,
        source=PhaseState.SUBMITTED,
        target=PhaseState.RETURNED,
        permission=lambda instance, user: instance._may(user, "send_back"),
    )
    def send_back(self, reason):
        self.return_reason = reason

    @transition(
        field=state,
        source=PhaseState.SUBMITTED,
        target=PhaseState.ACCEPTED,
        permission=lambda instance, user: instance._may(user, "accept"),
    )
    def accept(self, on, by):
        self.accepted_on = on
        self.accepted_by = by


def deliverable_path(instance, filename):
    return f"contract_deliverables/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Deliverable(models.Model):
    """A PDF the holder delivered for a phase, checked like every upload, kept with its
    SHA-256. Replacing one adds a new row: nothing delivered is lost."""

    phase = models.ForeignKey(ContractPhase, on_delete=models.PROTECT, related_name="deliverables")
    kind = models.CharField("type", max_length=20, choices=DeliverableKind.choices)
    file = models.FileField("fichier", upload_to=deliverable_path)
    original_name = models.CharField("nom du fichier reçu", max_length=200)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("déposé le", default=clock.now)

    class Meta:
        ordering = ["phase", "kind", "uploaded_at", "pk"]
        verbose_name = "livrable"
        verbose_name_plural = "livrables"

    def __str__(self):
        return f"{self.get_kind_display()} — {self.phase}"


class PriceRevision(models.Model):
    """The Syntec revision of one phase's price, computed once, when its instalment is first
    recorded; a raise was committed to the ceiling under the agreement's lock."""

    phase = models.OneToOneField(ContractPhase, on_delete=models.PROTECT, related_name="revision")
    price_excl_tax = models.DecimalField("P0 (HT)", max_digits=12, decimal_places=2)
    base_month = date_field("mois zéro")
    base_index = models.DecimalField("S0", max_digits=7, decimal_places=1)
    month = date_field("mois d'exécution")
    index = models.DecimalField("S", max_digits=7, decimal_places=1)
    fixed_part = models.DecimalField("a", max_digits=5, decimal_places=4)
    variable_part = models.DecimalField("b", max_digits=5, decimal_places=4)
    coefficient = models.DecimalField("coefficient", max_digits=7, decimal_places=4)
    revised_excl_tax = models.DecimalField("prix révisé HT", max_digits=12, decimal_places=2)
    committed_increase = models.DecimalField(
        "hausse engagée HT", max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "révision de prix"
        verbose_name_plural = "révisions de prix"
        constraints = [
            models.CheckConstraint(
                condition=Q(committed_increase__gte=0), name="revision_increase_not_negative"
            ),
        ]

    def __str__(self):
        return f"Révision {self.phase} : coefficient {self.coefficient}"

    @property
    def difference(self):
        return self.revised_excl_tax - self.price_excl_tax
