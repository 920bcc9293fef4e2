"""A pilot's request for a team (demande d'atelier), its collectivities and attachments."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siren as stdnum_siren

from procurement import clock, roles
from procurement.fields import date_field, text_field
from procurement.models import Department, Service, User
from teams.models import Profession

from ..enums import (
    OPEN_REQUEST_STATES,
    AtelierFormat,
    CollectivityKind,
    RequestState,
    Theme,
)


def validate_siren(value):
    try:
        stdnum_siren.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            "Le numéro SIREN « %(value)s » n'est pas valide (9 chiffres, clé de contrôle).",
            params={"value": value},
        ) from exc


class TeamRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Rows this user may read: a pilot, their own service's; buyer, finance and admin,
        every request once submitted (a draft stays the pilot's own workspace)."""
        if roles.reads_everything(user):
            return self.exclude(state=RequestState.DRAFT)
        if roles.is_authenticated(user) and user.service_id:
            return self.filter(service_id=user.service_id)
        return self.none()


class TeamRequest(FSMModelMixin, models.Model):
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="team_requests", verbose_name="service"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="+", verbose_name="département"
    )
    format = models.CharField("format", max_length=5, choices=AtelierFormat.choices)
    title = models.CharField("intitulé", max_length=200)
    problem_statement = text_field("problématique (note d'opportunité)")
    themes = models.JSONField("thématiques", default=list, blank=True)
    required_professions = models.ManyToManyField(
        Profession, blank=True, verbose_name="compétences attendues", related_name="+"
    )
    desired_start = date_field("période souhaitée : début", null=True, blank=True)
    desired_end = date_field("période souhaitée : fin", null=True, blank=True)
    local_partners = text_field("partenaires locaux", blank=True)
    state = FSMField(
        "état", default=RequestState.DRAFT, choices=RequestState.choices, protected=True
    )
    buyer_comment = text_field("commentaire de l'acheteur", blank=True)
    decision_reason = text_field("motif de la décision", blank=True)
    submitted_at = models.DateTimeField("déposée le", null=True, blank=True)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = TeamRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "demande d'atelier"
        verbose_name_plural = "demandes d'atelier"
        # One per sort the request list offers (orders/filters.py), read either way.
        indexes = [
            models.Index(fields=["created_at", "id"], name="request_sort_created"),
            models.Index(fields=["title", "id"], name="request_sort_title"),
            models.Index(fields=["submitted_at", "id"], name="request_sort_submitted"),
            models.Index(fields=["state", "created_at", "id"], name="request_state_created"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("orders:request_detail", args=[self.pk])

    def clean(self):
        if self.desired_start and self.desired_end and self.desired_end < self.desired_start:
            raise ValidationError({"desired_end": "La fin de période précède son début."})
        unknown = set(self.themes or []) - set(Theme.values)
        if unknown:
            raise ValidationError({"themes": "Thématique inconnue."})

    def get_themes_display(self):
        labels = dict(Theme.choices)
        return [labels[t] for t in self.themes if t in labels]

    # --- who may do what -------------------------------------------------------------------

    def abilities(self, user):
        owner = roles.is_pilot_of(user, self.service_id)
        buyer = roles.is_buyer(user)
        visible = owner or (roles.reads_everything(user) and self.state != RequestState.DRAFT)
        return {
            "view": visible,
            "edit": owner and self.state in (RequestState.DRAFT, RequestState.RETURNED),
            "submit": owner,
            "withdraw": owner,
            "return_for_changes": buyer,
            "accept": buyer,
            "reject": buyer,
            # Creating a purchase order is further checked against the agreement (R2162-6).
            "create_order": (buyer or owner)
            and self.state == RequestState.ACCEPTED
            and self.format == AtelierFormat.FLASH,
            # A Local atelier is bought by re-competition, which DGALN runs.
            "prepare_consultation": buyer
            and self.state == RequestState.ACCEPTED
            and self.format == AtelierFormat.LOCAL,
        }

    def _may(self, user, action):
        return self.abilities(user).get(action, False)

    # --- transitions (fields only; services lock, save and log) -----------------------------

    @transition(
        field=state,
        source=[RequestState.DRAFT, RequestState.RETURNED],
        target=RequestState.SUBMITTED,
        permission=lambda instance, user: instance._may(user, "submit"),
    )
    def submit(self):
        self.submitted_at = clock.now()

    @transition(
        field=state,
        source=RequestState.SUBMITTED,
        target=RequestState.RETURNED,
        permission=lambda instance, user: instance._may(user, "return_for_changes"),
    )
    def return_for_changes(self, comment=""):
        self.buyer_comment = comment

    @transition(
        field=state,
        source=RequestState.SUBMITTED,
        target=RequestState.ACCEPTED,
        permission=lambda instance, user: instance._may(user, "accept"),
    )
    def accept(self, comment=""):
        self.decision_reason = comment
        self.decided_at = clock.now()

    @transition(
        field=state,
        source=RequestState.SUBMITTED,
        target=RequestState.REJECTED,
        permission=lambda instance, user: instance._may(user, "reject"),
    )
    def reject(self, comment=""):
        self.decision_reason = comment
        self.decided_at = clock.now()

    # --- system transitions: the request follows its order or contract (request_progress) ---

    @transition(field=state, source=RequestState.ACCEPTED, target=RequestState.ORDERED)
    def mark_ordered(self):
        pass

    @transition(field=state, source=RequestState.ORDERED, target=RequestState.COMPLETED)
    def mark_completed(self):
        pass

    @transition(field=state, source=RequestState.ORDERED, target=RequestState.ACCEPTED)
    def reopen(self):
        pass

    @transition(
        field=state,
        source=OPEN_REQUEST_STATES,
        target=RequestState.WITHDRAWN,
        permission=lambda instance, user: instance._may(user, "withdraw"),
    )
    def withdraw(self, comment=""):
        self.decision_reason = comment


class Collectivity(models.Model):
    request = models.ForeignKey(
        TeamRequest, on_delete=models.CASCADE, related_name="collectivities"
    )
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("type", max_length=12, choices=CollectivityKind.choices)
    siren = models.CharField("SIREN", max_length=9, validators=[validate_siren])
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]
        verbose_name = "collectivité"
        verbose_name_plural = "collectivités"

    def __str__(self):
        return self.name


def attachment_path(instance, filename):
    # The client's file name is never used on disk: it is kept only as a label.
    return f"attachments/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}.pdf"


class RequestAttachment(models.Model):
    request = models.ForeignKey(TeamRequest, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField("nom du fichier", max_length=200)
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "pièce jointe"
        verbose_name_plural = "pièces jointes"

    def __str__(self):
        return self.original_name
