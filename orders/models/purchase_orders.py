"""The Flash purchase order (bon de commande, R2162-13/14), its lines and holders' declines."""

import datetime
import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from framework_agreements.models import FrameworkAgreement, Holder, Lot, PriceLine
from procurement import clock, roles
from procurement.fields import date_field, text_field
from procurement.models import Service, User
from procurement.money import to_cents
from teams.models import Team

from ..enums import CANCELLABLE_ORDER_STATES, OrderState
from .requests import TeamRequest

# At most this many units of one price line on an order.
MAX_QUANTITY = Decimal("1000")


class PurchaseOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = roles.service_scope(user)
        return self.none() if scope is None else self.filter(scope)


def deliverable_path(instance, filename):
    return f"deliverables/{datetime.date.today():%Y/%m}/{uuid.uuid4().hex}.pdf"


class PurchaseOrder(FSMModelMixin, models.Model):
    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="purchase_orders"
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="purchase_orders")
    request = models.ForeignKey(
        TeamRequest, on_delete=models.PROTECT, related_name="purchase_orders"
    )
    holder = models.ForeignKey(
        Holder, on_delete=models.PROTECT, related_name="purchase_orders", verbose_name="titulaire"
    )
    # The team the holder puts on this atelier (teams.Team knows nothing of orders).
    team = models.OneToOneField(
        "teams.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="purchase_order",
    )
    # Why this holder: the rule and the earlier declines, as shown on the page and kept.
    allocation_reason = text_field("motif de désignation du titulaire")
    state = FSMField("état", default=OrderState.DRAFT, choices=OrderState.choices, protected=True)

    # Numbering: gapless per agreement and year, taken at issue (see services.order_issue).
    year = models.PositiveSmallIntegerField("exercice", null=True, blank=True)
    sequence = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField("numéro", max_length=30, blank=True)
    issued_at = models.DateTimeField("émis le", null=True, blank=True)
    issued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issuing_service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    # Amounts: sum of the lines, each rounded to the cent (procurement.money).
    total_excl_tax = models.DecimalField("montant HT", max_digits=14, decimal_places=2, default=0)
    total_vat = models.DecimalField("TVA", max_digits=14, decimal_places=2, default=0)
    total_incl_tax = models.DecimalField("montant TTC", max_digits=14, decimal_places=2, default=0)

    # Budget imputation and Chorus legal commitment.
    budget_programme = models.CharField("programme", max_length=10, default="135")
    budget_centre = models.CharField("centre financier", max_length=30, blank=True)
    budget_domain = models.CharField("domaine fonctionnel", max_length=30, blank=True)
    budget_activity = models.CharField("activité", max_length=30, blank=True)
    ej_number = models.CharField("n° d'engagement juridique (EJ)", max_length=20, blank=True)

    # Execution.
    session_start = date_field("début de la session sur site", null=True, blank=True)
    session_end = date_field("fin de la session sur site", null=True, blank=True)
    session_place = models.CharField("lieu de la session", max_length=200, blank=True)
    delivery_deadline = date_field("date limite de livraison", null=True, blank=True)
    notified_at = models.DateTimeField("notifié le", null=True, blank=True)
    holder_accepted_at = date_field("accepté par le titulaire le", null=True, blank=True)
    started_on = date_field("exécution commencée le", null=True, blank=True)
    deliverable = models.FileField("livrable de synthèse", upload_to=deliverable_path, blank=True)
    deliverable_sha256 = models.CharField("empreinte du livrable", max_length=64, blank=True)
    delivered_at = date_field("livré le", null=True, blank=True)
    service_done_at = date_field("service fait le", null=True, blank=True)
    service_done_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    closed_at = models.DateTimeField("clôturée le", null=True, blank=True)

    end_reason = text_field("motif d'annulation ou de refus", blank=True)

    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = PurchaseOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "bon de commande"
        verbose_name_plural = "bons de commande"
        # One per sort the order list offers (orders/filters.py), read either way.
        indexes = [
            models.Index(fields=["created_at", "id"], name="order_sort_created"),
            models.Index(fields=["number", "id"], name="order_sort_number"),
            models.Index(fields=["total_excl_tax", "id"], name="order_sort_amount"),
            models.Index(fields=["session_start", "id"], name="order_sort_session"),
            # The dashboards' panels and the list's state filter: the few orders still on
            # their way, among ten years of ended ones.
            models.Index(fields=["state", "created_at", "id"], name="order_state_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "year", "sequence"], name="gapless_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(sequence__isnull=True) | Q(sequence__gte=1),
                name="sequence_positive",
            ),
        ]

    def __str__(self):
        return self.number or f"Projet de bon de commande n° {self.pk}"

    def get_absolute_url(self):
        return reverse("orders:order_detail", args=[self.pk])

    def price_schedule(self):
        """The holder's price lines on this order's lot (its BPU): what the order may buy."""
        return PriceLine.objects.filter(
            holding__lot_id=self.lot_id, holding__holder_id=self.holder_id
        ).order_by("code")

    @property
    def source_key(self):
        """How the ceiling ledger names this order."""
        return f"purchase_order:{self.pk}"

    @property
    def display_number(self):
        return self.number or f"Projet — {self.request.title}"

    # --- invoices -------------------------------------------------------------------------------

    def invoiced_total(self):
        """Instalments and balances not rejected, net of credit notes (TTC)."""
        # Reads the prefetched invoices when a list or an export loaded them.
        return sum(
            (
                i.signed_amount
                for i in self.invoices.all()
                if i.state != "rejected" and i.kind != "advance"
            ),
            Decimal("0.00"),
        )

    def remaining_to_invoice(self):
        return self.total_incl_tax - self.invoiced_total()

    # --- who may do what -----------------------------------------------------------------------

    def abilities(self, user):
        service_id = self.request.service_id
        owner_pilot = roles.is_pilot_of(user, service_id)
        buyer = roles.is_buyer(user)
        finance = roles.is_finance(user)
        # R2162-6 CCP: only the buyers named in the agreement may order: a buyer, or the request's
        # own pilot, whose service the agreement lists.
        orderer = (buyer or owner_pilot) and self.agreement.may_order(user.service)
        follower = buyer or owner_pilot
        return {
            "view": owner_pilot or roles.reads_everything(user),
            "edit": orderer and self.state == OrderState.DRAFT,
            "download_pdf": (owner_pilot or roles.reads_everything(user)) and bool(self.number),
            "issue": orderer,
            "notify": orderer,
            "holder_accept": orderer,
            "decline": orderer,
            "cancel": orderer,
            "start": follower,
            "deliver": follower,
            "certify": follower,
            "record_invoice": finance and bool(self.notified_at),
            "close": finance or buyer,
        }

    def _may(self, user, action):
        return self.abilities(user).get(action, False)

    # --- transitions: fields only; services.py locks, checks, saves and logs ----------------------

    @transition(
        field=state,
        source=OrderState.DRAFT,
        target=OrderState.ISSUED,
        permission=lambda instance, user: instance._may(user, "issue"),
    )
    def issue(self):
        pass  # number, commitment and PDF are set by services.order_issue under lock

    @transition(
        field=state,
        source=OrderState.ISSUED,
        target=OrderState.NOTIFIED,
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
        source=OrderState.NOTIFIED,
        target=OrderState.ACCEPTED,
        permission=lambda instance, user: instance._may(user, "holder_accept"),
    )
    def holder_accept(self, accepted_on):
        self.holder_accepted_at = accepted_on

    @transition(
        field=state,
        source=OrderState.NOTIFIED,
        target=OrderState.DECLINED,
        permission=lambda instance, user: instance._may(user, "decline"),
    )
    def decline(self, reason):
        self.end_reason = reason

    @transition(
        field=state,
        source=OrderState.ACCEPTED,
        target=OrderState.IN_PROGRESS,
        permission=lambda instance, user: instance._may(user, "start"),
    )
    def start(self, started_on):
        self.started_on = started_on

    @transition(
        field=state,
        source=OrderState.IN_PROGRESS,
        target=OrderState.DELIVERED,
        permission=lambda instance, user: instance._may(user, "deliver"),
    )
    def deliver(self, delivered_on):
        # The deliverable comes with the action; services.order_transition checks it.
        self.delivered_at = delivered_on

    @transition(
        field=state,
        source=OrderState.DELIVERED,
        target=OrderState.SERVICE_DONE,
        permission=lambda instance, user: instance._may(user, "certify"),
    )
    def certify(self, by, on):
        # R2191-23 CCP: payment follows the written acceptance of the work.
        self.service_done_at = on
        self.service_done_by = by

    # Invoicing and payment follow the order's invoices (orders.services.invoices): these
    # transitions are the system's, never offered to a user.
    @transition(
        field=state,
        source=OrderState.SERVICE_DONE,
        target=OrderState.INVOICED,
        permission=lambda instance, user: False,
    )
    def invoice(self):
        pass  # its first invoice was accepted for payment

    @transition(
        field=state,
        source=OrderState.INVOICED,
        target=OrderState.PAID,
        permission=lambda instance, user: False,
    )
    def pay(self):
        pass  # its balance is paid and nothing remains to pay

    @transition(
        field=state,
        source=OrderState.PAID,
        target=OrderState.CLOSED,
        permission=lambda instance, user: instance._may(user, "close"),
    )
    def close(self):
        self.closed_at = clock.now()

    @transition(
        field=state,
        source=CANCELLABLE_ORDER_STATES,
        target=OrderState.CANCELLED,
        permission=lambda instance, user: instance._may(user, "cancel"),
    )
    def cancel(self, reason):
        self.end_reason = reason


class OrderLine(models.Model):
    """A price-schedule line × quantity, frozen on the order (prices never move afterwards)."""

    order = models.ForeignKey(PurchaseOrder, on_delete=models.CASCADE, related_name="lines")
    price_line = models.ForeignKey(PriceLine, on_delete=models.PROTECT, related_name="+")
    code = models.CharField("code", max_length=20)
    label = models.CharField("désignation", max_length=250)
    unit = models.CharField("unité", max_length=40)
    unit_price = models.DecimalField("prix unitaire HT", max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField("taux de TVA", max_digits=5, decimal_places=4)
    quantity = models.DecimalField(
        "quantité",
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_QUANTITY)],
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "pk"]
        verbose_name = "ligne de commande"
        verbose_name_plural = "lignes de commande"

    def __str__(self):
        return f"{self.code} × {self.quantity}"

    @property
    def amount_excl_tax(self):
        return to_cents(self.unit_price * self.quantity)

    @property
    def amount_vat(self):
        return to_cents(self.amount_excl_tax * self.vat_rate)

    @property
    def vat_percent(self):
        return (self.vat_rate * 100).normalize()


class HolderDecline(models.Model):
    """A holder's refusal of a request, logged for the objective allocation rule."""

    request = models.ForeignKey(TeamRequest, on_delete=models.CASCADE, related_name="declines")
    holder = models.ForeignKey(Holder, on_delete=models.PROTECT, related_name="declines")
    order = models.ForeignKey(
        PurchaseOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="declines"
    )
    reason = text_field("motif")
    declined_on = date_field("date du refus")
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = "refus d'un titulaire"
        verbose_name_plural = "refus des titulaires"
        constraints = [
            models.UniqueConstraint(fields=["request", "holder"], name="one_decline_per_holder"),
        ]

    def __str__(self):
        return f"{self.holder} — {self.declined_on}"


def issues_the_order_of(team, user):
    """teams.models.ORDERER_RULES: may this user issue the purchase order that owns the team?

    A page that read the team through its order or its contract (select_related) already holds
    the owner: no query then."""
    if Team.purchase_order.is_cached(team):
        order = getattr(team, "purchase_order", None)  # None kept: no order owns it
    elif Team.contract.is_cached(team) and getattr(team, "contract", None) is not None:
        return False  # a contract's team: no purchase order owns it
    else:
        order = (
            PurchaseOrder.objects.filter(team=team).select_related("agreement", "request").first()
        )
    return order is not None and order.abilities(user)["issue"]
