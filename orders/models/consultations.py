"""The re-competition of a Local atelier among every holder of the lot (R2162-7 to R2162-12):
the consultation, the invitations sent, the offers received and their scores."""

import datetime
import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from framework_agreements.models import FrameworkAgreement, Holder, Lot
from framework_agreements.models.agreements import PRICE
from procurement import clock, roles
from procurement.fields import TITLE_MAX, text_field
from procurement.models import User
from teams.enums import PHASES_BY_FORMAT, AtelierFormat

from .requests import TeamRequest

LOCAL_PHASES = PHASES_BY_FORMAT[AtelierFormat.LOCAL]
# How the phases of a Local atelier are named in its documents and its DPGF.
PHASE_LABELS = {
    "kickoff": "Réunion de lancement et note de cadrage",
    "diagnosis": "Séminaire 1 — diagnostic partagé",
    "strategy": "Séminaire 2 — stratégie",
    "roadmap": "Séminaire 3 — feuille de route",
    "final_report": "Rapport final — plan guide et feuille de route",
}


class ConsultationState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    LAUNCHED = "launched", "Lancée (offres attendues)"
    OPENED = "opened", "Plis ouverts"
    EVALUATING = "evaluating", "Analyse des offres"
    AWARDED = "awarded", "Attribuée"
    UNSUCCESSFUL = "unsuccessful", "Infructueuse"
    CANCELLED = "cancelled", "Sans suite"


ENDED_CONSULTATION_STATES = [ConsultationState.UNSUCCESSFUL, ConsultationState.CANCELLED]


class ConsultationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """DGALN staff read every consultation; a pilot, those of their service's requests."""
        scope = roles.service_scope(user)
        return self.none() if scope is None else self.filter(scope)


class Consultation(FSMModelMixin, models.Model):
    request = models.ForeignKey(TeamRequest, on_delete=models.PROTECT, related_name="consultations")
    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="consultations"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="consultations")
    subject = models.CharField("objet", max_length=TITLE_MAX)
    specification = text_field("cahier des charges (note d'opportunité)")
    estimated_amount = models.DecimalField(
        "montant estimé HT",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    deadline = models.DateTimeField("date limite de réception des offres", null=True, blank=True)
    # Announced in the consultation; the contract's advance depends on it (R2191-3, R2191-7).
    duration_months = models.PositiveSmallIntegerField(
        "durée d'exécution (mois)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(48)],
    )
    contact = models.CharField("contact de l'acheteur", max_length=TITLE_MAX, blank=True)
    # The agreement's criteria, copied when the consultation is prepared: what is announced.
    criteria = models.JSONField("critères et pondérations")
    abnormally_low_percent = models.DecimalField(
        "seuil d'offre anormalement basse (%)", max_digits=5, decimal_places=2
    )
    state = FSMField(
        "état", default=ConsultationState.DRAFT, choices=ConsultationState.choices, protected=True
    )
    launched_at = models.DateTimeField("lancée le", null=True, blank=True)
    opened_at = models.DateTimeField("plis ouverts le", null=True, blank=True)
    opened_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    evaluation_started_at = models.DateTimeField("analyse commencée le", null=True, blank=True)
    decided_at = models.DateTimeField("décision le", null=True, blank=True)
    end_reason = text_field("motif", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "remise en concurrence"
        verbose_name_plural = "remises en concurrence"

    def __str__(self):
        return f"{self.reference} — {self.subject}"

    def get_absolute_url(self):
        return reverse("orders:consultation_detail", args=[self.pk])

    @property
    def reference(self):
        return f"RC-{self.agreement.number_prefix}-{self.pk:04d}"

    @property
    def technical_criteria(self):
        return [c for c in self.criteria if c["key"] != PRICE]

    @property
    def price_weight(self):
        return Decimal(next(c["weight"] for c in self.criteria if c["key"] == PRICE))

    def deadline_passed(self, now=None):
        return self.deadline is not None and (now or clock.now()) >= self.deadline

    def abilities(self, user):
        buyer = roles.is_buyer(user)
        pilot = roles.is_pilot_of(user, self.request.service_id)
        decided = self.state == ConsultationState.AWARDED
        return {
            "view": buyer or pilot or roles.reads_everything(user),
            # Offers are business secrets: prices, teams and memos are the buyer's (and the
            # administrator's, who reads everything); the report shows the scores after award.
            "view_offers": buyer or roles.is_admin(user),
            "view_report": buyer
            or roles.is_admin(user)
            or (decided and (pilot or roles.is_finance(user))),
            "edit": buyer and self.state == ConsultationState.DRAFT,
            "record": buyer,
            "launch": buyer,
            "open": buyer,
            "evaluate": buyer,
            "award": buyer,
            "declare_unsuccessful": buyer,
            "cancel": buyer,
        }

    def _may(self, user, action):
        return self.abilities(user).get(action, False)

    # --- transitions: fields only; orders.services.consultations checks and records -----------

    @transition(
        field=state,
        source=ConsultationState.DRAFT,
        target=ConsultationState.LAUNCHED,
        permission=lambda instance, user: instance._may(user, "launch"),
    )
    def launch(self):
        self.launched_at = clock.now()

    @transition(
        field=state,
        source=ConsultationState.LAUNCHED,
        target=ConsultationState.OPENED,
        conditions=[lambda c: c.deadline_passed()],
        permission=lambda instance, user: instance._may(user, "open"),
    )
    def open(self, by):
        self.opened_at = clock.now()
        self.opened_by = by

    @transition(
        field=state,
        source=ConsultationState.OPENED,
        target=ConsultationState.EVALUATING,
        permission=lambda instance, user: instance._may(user, "evaluate"),
    )
    def evaluate(self):
        self.evaluation_started_at = clock.now()

    @transition(
        field=state,
        source=ConsultationState.EVALUATING,
        target=ConsultationState.AWARDED,
        permission=lambda instance, user: instance._may(user, "award"),
    )
    def award(self):
        self.decided_at = clock.now()

    @transition(
        field=state,
        source=[ConsultationState.OPENED, ConsultationState.EVALUATING],
        target=ConsultationState.UNSUCCESSFUL,
        permission=lambda instance, user: instance._may(user, "declare_unsuccessful"),
    )
    def declare_unsuccessful(self, reason):
        self.end_reason = reason
        self.decided_at = clock.now()

    @transition(
        field=state,
        source=[
            ConsultationState.DRAFT,
            ConsultationState.LAUNCHED,
            ConsultationState.OPENED,
            ConsultationState.EVALUATING,
        ],
        target=ConsultationState.CANCELLED,
        permission=lambda instance, user: instance._may(user, "cancel"),
    )
    def cancel(self, reason):
        self.end_reason = reason
        self.decided_at = clock.now()


class Invitation(models.Model):
    """The consultation letter sent to one holder: every holder of the lot gets one, the same
    day, from the same text (R2162-7: all holders able to perform are consulted)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="invitations"
    )
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField("envoyée à")
    sent_at = models.DateTimeField("envoyée le")
    letter = models.ForeignKey(
        "orders.Document", on_delete=models.PROTECT, related_name="+", verbose_name="lettre"
    )

    class Meta:
        ordering = ["holder__name"]
        verbose_name = "lettre de consultation"
        verbose_name_plural = "lettres de consultation"
        constraints = [
            models.UniqueConstraint(fields=["consultation", "holder"], name="one_invitation"),
        ]

    def __str__(self):
        return f"Lettre à {self.holder} ({self.sent_at:%d/%m/%Y})"


class OfferStatus(models.TextChoices):
    SUBMITTED = "submitted", "Offre déposée"
    DECLINED = "declined", "Ne répond pas"


class RejectionKind(models.TextChoices):
    IRREGULAR = "irregular", "Irrégulière"
    UNACCEPTABLE = "unacceptable", "Inacceptable"
    ABNORMALLY_LOW = "abnormally_low", "Anormalement basse"


def memo_path(instance, filename):
    return f"memos/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Offer(models.Model):
    """A holder's answer, recorded as received on the State's procurement platform: before the
    deadline only the fact of it; after the opening, its content; during the analysis, its
    scores. A business secret until the award (see Consultation.abilities)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.PROTECT, related_name="offers")
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="offers")
    status = models.CharField("réponse", max_length=10, choices=OfferStatus.choices)
    received_at = models.DateTimeField("reçue le", null=True, blank=True)
    decline_reason = text_field("motif de non-réponse", blank=True)
    # Content, entered after the opening.
    memo = models.FileField("mémoire technique", upload_to=memo_path, blank=True)
    memo_sha256 = models.CharField(max_length=64, blank=True)
    # Evaluation.
    flagged_abnormally_low = models.BooleanField("signalée anormalement basse", default=False)
    explanation = text_field("explications du titulaire (R2152-3)", blank=True)
    explanation_received_on = models.DateField("explications reçues le", null=True, blank=True)
    rejection = models.CharField("rejet", max_length=16, choices=RejectionKind.choices, blank=True)
    rejection_reason = text_field("motif du rejet", blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["holder__name"]
        verbose_name = "offre"
        verbose_name_plural = "offres"
        constraints = [
            models.UniqueConstraint(fields=["consultation", "holder"], name="one_offer_per_holder"),
        ]

    def __str__(self):
        return f"Offre de {self.holder}"

    @property
    def submitted(self):
        return self.status == OfferStatus.SUBMITTED

    def price(self):
        """Total price excl. tax: the sum of its DPGF (price per phase)."""
        return sum((p.amount_excl_tax for p in self.prices.all()), Decimal("0.00"))

    def prices_by_phase(self):
        return {p.phase: p.amount_excl_tax for p in self.prices.all()}


class OfferPrice(models.Model):
    """One line of the offer's lump-sum breakdown (DPGF): a phase and its price excl. tax."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="prices")
    phase = models.CharField("phase", max_length=12)
    amount_excl_tax = models.DecimalField(
        "prix HT",
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000000"))],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["offer", "pk"]
        verbose_name = "prix par phase (DPGF)"
        verbose_name_plural = "prix par phase (DPGF)"
        constraints = [
            models.UniqueConstraint(fields=["offer", "phase"], name="one_price_per_phase"),
        ]

    def __str__(self):
        return f"{self.phase} : {self.amount_excl_tax} € HT"


class OfferTeamMember(models.Model):
    """An expert the holder proposes, with planned days per phase ({phase: days})."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="team")
    expert = models.ForeignKey("teams.Expert", on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField("chef de projet", default=False)
    days = models.JSONField("jours par phase", default=dict)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_lead", "pk"]
        verbose_name = "membre de l'équipe proposée"
        verbose_name_plural = "membres des équipes proposées"
        constraints = [
            models.UniqueConstraint(fields=["offer", "expert"], name="expert_once_per_offer"),
        ]

    def __str__(self):
        return f"{self.expert} ({self.total_days()} j)"

    def total_days(self):
        return sum((Decimal(str(v)) for v in self.days.values()), Decimal("0"))


class Score(models.Model):
    """A technical mark (0 to 10) on one sub-criterion, always with its justification."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="scores")
    criterion = models.CharField("critère", max_length=20)
    mark = models.DecimalField(
        "note sur 10",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
    )
    justification = text_field("justification")
    scored_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["offer", "pk"]
        verbose_name = "note"
        verbose_name_plural = "notes"
        constraints = [
            models.UniqueConstraint(fields=["offer", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=Q(mark__gte=0) & Q(mark__lte=10), name="mark_between_0_and_10"
            ),
        ]

    def __str__(self):
        return f"{self.criterion} : {self.mark}/10"
