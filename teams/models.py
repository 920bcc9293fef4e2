import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from framework_agreements.models import Company, Holder
from procurement import clock, roles
from procurement.fields import date_field, text_field

from .enums import PHASES_BY_FORMAT, AtelierFormat, MemberRole, Phase, SubstitutionState


class Profession(models.Model):
    """An editable list of planning professions (architecte, urbaniste, paysagiste…)."""

    name = models.CharField("profession", max_length=80, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "profession"
        verbose_name_plural = "professions"

    def __str__(self):
        return self.name


class Expert(models.Model):
    """A professional a holder puts on its teams: staff of the holder or of a consortium member."""

    holder = models.ForeignKey(
        Holder, on_delete=models.PROTECT, related_name="experts", verbose_name="titulaire"
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="experts",
        verbose_name="entreprise (mandataire ou cotraitant)",
    )
    first_name = models.CharField("prénom", max_length=80)
    last_name = models.CharField("nom", max_length=80)
    professions = models.ManyToManyField(
        Profession, related_name="experts", verbose_name="professions"
    )
    qualifications = text_field("qualifications", blank=True)
    email = models.EmailField("courriel")
    phone = models.CharField("téléphone", max_length=20, blank=True)
    daily_rate = models.DecimalField(
        "prix de journée HT",
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    is_active = models.BooleanField("actif", default=True)
    history = HistoricalRecords(m2m_fields=[professions])

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = "expert"
        verbose_name_plural = "experts"
        constraints = [
            models.UniqueConstraint(fields=["holder", "email"], name="unique_expert_email"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def clean(self):
        if self.holder_id and self.company_id:
            allowed = {self.holder.company_id} | set(
                self.holder.members.values_list("pk", flat=True)
            )
            if self.company_id not in allowed:
                raise ValidationError(
                    {
                        "company": "L'entreprise doit être le titulaire ou l'un "
                        "des cotraitants du groupement."
                    }
                )

    def professions_text(self):
        return ", ".join(p.name for p in self.professions.all())


# At most this many planned days for one expert in one phase.
MAX_DAYS_PER_PHASE = Decimal("60")


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        """DGALN staff read every team; a pilot, the teams of their own service's ateliers."""
        if roles.reads_everything(user):
            return self
        if roles.is_authenticated(user) and user.service_id:
            return self.filter(service_id=user.service_id)
        return self.none()


class Team(models.Model):
    """The team a holder puts on one atelier. Any order kind points to it (one-to-one), so this
    app never needs to know about purchase orders or subsequent contracts."""

    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="teams")
    label = models.CharField("atelier", max_length=250)
    format = models.CharField(
        "format", max_length=5, choices=AtelierFormat.choices, default=AtelierFormat.FLASH
    )
    # The order's number (or draft reference), kept here for exports and workload pages.
    reference = models.CharField("commande", max_length=40, blank=True)
    # The request's pilot service: who may read the team (contacts included).
    service = models.ForeignKey(
        "procurement.Service", on_delete=models.PROTECT, related_name="teams"
    )
    required_professions = models.ManyToManyField(Profession, blank=True, related_name="+")
    coverage_justification = text_field("justification des compétences manquantes", blank=True)
    confirmed_at = models.DateTimeField("équipe confirmée le", null=True, blank=True)
    # The order behind it ended before its atelier (cancelled, declined): team_disband.
    disbanded_on = models.DateField("équipe dissoute le", null=True, blank=True)
    # The month each phase falls in ({phase: "YYYY-MM-01"}), set by the order that owns the
    # team from its dates (team_schedule); planned days are placed in these months.
    phase_months = models.JSONField("mois des phases", default=dict, blank=True)
    history = HistoricalRecords()

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = "équipe"
        verbose_name_plural = "équipes"

    def __str__(self):
        return f"Équipe {self.holder} — {self.label}"

    def active_members(self):
        return [m for m in self.members.all() if m.left_on is None]

    def lead(self):
        return next((m for m in self.active_members() if m.is_lead), None)

    def covered_professions(self):
        return {p for m in self.active_members() for p in m.expert.professions.all()}

    def missing_professions(self):
        """Competencies the request asked for that no active member brings."""
        covered = {p.pk for p in self.covered_professions()}
        return [p for p in self.required_professions.all() if p.pk not in covered]

    def coverage_ok(self):
        return not self.missing_professions() or bool(self.coverage_justification.strip())

    def phases(self):
        return PHASES_BY_FORMAT[self.format]

    def month_of(self, phase):
        value = self.phase_months.get(phase)
        return datetime.date.fromisoformat(value) if value else None

    def abilities(self, user):
        pilot = roles.is_pilot_of(user, self.service_id)
        # A buyer, or the request's pilot when their service may issue the team's order
        # itself (R2162-6: a service named in the agreement), manages the team.
        manager = roles.is_buyer(user) or (pilot and may_order_for(self, user))
        return {
            "view": roles.reads_everything(user) or pilot,
            "edit": manager and self.confirmed_at is None,
            "justify": manager,
            "request_substitution": manager and self.confirmed_at is not None,
        }


# Rules that say whether a user may issue the order that owns a team: the orders app
# registers them (OrdersConfig.ready), so teams depends on no kind of order.
ORDERER_RULES = []


def may_order_for(team, user):
    return any(rule(team, user) for rule in ORDERER_RULES)


class TeamMember(models.Model):
    """An expert on a team, from joined_on to left_on (a substitution closes the period)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        "rôle", max_length=10, choices=MemberRole.choices, default=MemberRole.EXPERT
    )
    joined_on = date_field("entré le", default=datetime.date.today)
    left_on = date_field("sorti le", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["team", "-role", "pk"]
        verbose_name = "membre de l'équipe"
        verbose_name_plural = "membres des équipes"
        constraints = [
            models.UniqueConstraint(
                fields=["team", "expert"],
                condition=Q(left_on__isnull=True),
                name="expert_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(left_on__isnull=True, role="lead"),
                name="one_active_lead_per_team",
            ),
        ]
        indexes = [
            # The expert page's latest ateliers, newest first, without sorting all of them.
            models.Index(fields=["expert", "-joined_on", "-id"], name="member_expert_recent"),
        ]

    def __str__(self):
        return f"{self.expert} ({self.get_role_display()})"

    @property
    def is_lead(self):
        return self.role == MemberRole.LEAD

    def total_days(self):
        return sum((d.days for d in self.planned_days.all()), Decimal("0"))


class PlannedDays(models.Model):
    member = models.ForeignKey(TeamMember, on_delete=models.CASCADE, related_name="planned_days")
    phase = models.CharField("phase", max_length=12, choices=Phase.choices)
    days = models.DecimalField(
        "jours",
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_DAYS_PER_PHASE)],
    )
    # Month the days fall in, for the workload page (first day of the month).
    month = date_field("mois")
    history = HistoricalRecords()

    class Meta:
        ordering = ["member", "month", "phase"]
        # The workload from a month on (teams.services.workload).
        indexes = [models.Index(fields=["month"], name="planned_days_month")]
        verbose_name = "jours prévus"
        verbose_name_plural = "jours prévus"
        constraints = [
            models.UniqueConstraint(fields=["member", "phase"], name="one_line_per_phase"),
        ]

    def __str__(self):
        return f"{self.member} — {self.get_phase_display()} : {self.days} j"


class Booking(models.Model):
    """An expert's presence on site for a team, inclusive dates, one per on-site session of the
    atelier (a Flash atelier has one; a Local atelier has three). Written by the order when a
    session's dates are set; read by availability.py to find overlaps."""

    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="bookings")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="bookings")
    session = models.CharField(
        "session", max_length=12, choices=Phase.choices, default=Phase.ON_SITE
    )
    start = date_field("du")
    end = date_field("au")
    place = models.CharField("lieu", max_length=200, blank=True)

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = "réservation"
        verbose_name_plural = "réservations"
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")), name="booking_end_after_start"
            ),
            models.UniqueConstraint(
                fields=["expert", "team", "session"], name="one_booking_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.expert} : {self.start} → {self.end}"


class Substitution(FSMModelMixin, models.Model):
    """After notification, replacing a member is a contractual event the buyer decides."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="substitutions")
    outgoing = models.ForeignKey(
        TeamMember, on_delete=models.PROTECT, related_name="+", verbose_name="membre remplacé"
    )
    incoming = models.ForeignKey(
        Expert, on_delete=models.PROTECT, related_name="+", verbose_name="expert proposé"
    )
    reason = text_field("motif")
    state = FSMField(
        "état",
        default=SubstitutionState.REQUESTED,
        choices=SubstitutionState.choices,
        protected=True,
    )
    decision_comment = text_field("motif de la décision", blank=True)
    requested_by = models.ForeignKey("procurement.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        "procurement.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "substitution"
        verbose_name_plural = "substitutions"

    def __str__(self):
        return f"{self.outgoing.expert} → {self.incoming}"

    def phases(self):
        return PHASES_BY_FORMAT[self.format]

    def month_of(self, phase):
        value = self.phase_months.get(phase)
        return datetime.date.fromisoformat(value) if value else None

    def abilities(self, user):
        buyer = roles.is_buyer(user)
        return {"accept": buyer, "refuse": buyer}

    @transition(
        field=state,
        source=SubstitutionState.REQUESTED,
        target=SubstitutionState.ACCEPTED,
        permission=lambda instance, user: instance.abilities(user)["accept"],
    )
    def accept(self, by, comment=""):
        self.decided_by = by
        self.decided_at = clock.now()
        self.decision_comment = comment

    @transition(
        field=state,
        source=SubstitutionState.REQUESTED,
        target=SubstitutionState.REFUSED,
        permission=lambda instance, user: instance.abilities(user)["refuse"],
    )
    def refuse(self, by, comment=""):
        self.decided_by = by
        self.decided_at = clock.now()
        self.decision_comment = comment
