"""Invoices (demandes de paiement) and payments, shared by every kind of order, and the ECB
rates of late-payment interest. The legal computation is orders/late_payment.py."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django_fsm import FSMField, FSMModelMixin, transition
from simple_history.models import HistoricalRecords

from procurement import roles
from procurement.fields import date_field, text_field
from procurement.models import User
from procurement.money import adds_up

from .. import late_payment


class LatePaymentRate(models.Model):
    """ECB main refinancing rate in force on the first day of each half-year (R2192-31)."""

    valid_from = date_field("premier jour du semestre", unique=True)
    ecb_rate = models.DecimalField("taux de la BCE (%)", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "taux BCE des intérêts moratoires"
        verbose_name_plural = "taux BCE des intérêts moratoires"

    def __str__(self):
        return f"{self.valid_from:%d/%m/%Y} : {self.ecb_rate} %"

    @classmethod
    def table(cls):
        """{first day of a half-year: rate}, in one query (for a whole page or export)."""
        return dict(cls.objects.values_list("valid_from", "ecb_rate"))


class InvoiceKind(models.TextChoices):
    INSTALMENT = "instalment", "Acompte"
    BALANCE = "balance", "Solde"
    ADVANCE = "advance", "Avance"
    CREDIT_NOTE = "credit_note", "Avoir"


class InvoiceState(models.TextChoices):
    RECEIVED = "received", "Reçue"
    INTERRUPTED = "interrupted", "Délai interrompu"
    ACCEPTED = "accepted", "Acceptée pour paiement"
    PAID = "paid", "Payée"
    REJECTED = "rejected", "Rejetée"


PENDING_INVOICE_STATES = [InvoiceState.RECEIVED, InvoiceState.INTERRUPTED, InvoiceState.ACCEPTED]


class Invoice(FSMModelMixin, models.Model):
    """A holder's request for payment, as received in Chorus Pro. An invoice is paid in one
    payment; a rejected invoice that comes back is a new record."""

    purchase_order = models.ForeignKey(
        "orders.PurchaseOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    # A subsequent contract's invoices: its advance, and one instalment per accepted phase.
    subsequent_contract = models.ForeignKey(
        "orders.SubsequentContract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    contract_phase = models.ForeignKey(
        "orders.ContractPhase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
    )
    kind = models.CharField("nature", max_length=12, choices=InvoiceKind.choices)
    holder_number = models.CharField("n° de facture du titulaire", max_length=40)
    chorus_number = models.CharField("n° Chorus Pro", max_length=40, blank=True)
    received_on = date_field("reçue le")
    amount_excl_tax = models.DecimalField(
        "montant HT", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    vat = models.DecimalField(
        "TVA", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    amount_incl_tax = models.DecimalField(
        "montant TTC", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    # R2191-11: the advance repayment deducted from this instalment (incl. tax).
    advance_repayment = models.DecimalField(
        "remboursement de l'avance précompté",
        max_digits=14,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(0)],
    )
    state = FSMField(
        "état", default=InvoiceState.RECEIVED, choices=InvoiceState.choices, protected=True
    )
    # R2192-27..29: one interruption, with what is missing, then the complete invoice.
    interrupted_on = date_field("délai interrompu le", null=True, blank=True)
    missing_items = text_field("pièces ou mentions manquantes", blank=True)
    completed_on = date_field("facture complète reçue le", null=True, blank=True)
    accepted_on = date_field("acceptée pour paiement le", null=True, blank=True)
    rejection_reason = text_field("motif du rejet", blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["received_on", "pk"]
        verbose_name = "facture"
        verbose_name_plural = "factures"
        # Finance's panels: invoices to pay and to check, in the order they were received.
        indexes = [
            models.Index(fields=["state", "received_on", "id"], name="invoice_state_received")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(purchase_order__isnull=False, subsequent_contract=None)
                | Q(purchase_order=None, subsequent_contract__isnull=False),
                name="invoice_has_one_order",
            ),
            models.CheckConstraint(
                condition=Q(advance_repayment__lte=F("amount_incl_tax")),
                name="invoice_repayment_within_amount",
            ),
            adds_up(
                "amount_incl_tax",
                ["amount_excl_tax", "vat"],
                name="invoice_incl_tax_is_excl_plus_vat",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} n° {self.holder_number}"

    def get_absolute_url(self):
        return reverse("orders:invoice_detail", args=[self.pk])

    @property
    def order(self):
        """What the invoice is paid under: a purchase order or a subsequent contract."""
        return self.purchase_order or self.subsequent_contract

    @property
    def work_done_on(self):
        """R2192-13: the date the work was carried out: the order's service fait, or the
        service fait of the contract's phase the instalment pays."""
        if self.purchase_order_id:
            return self.purchase_order.service_done_at
        if self.contract_phase_id:
            return self.contract_phase.accepted_on
        return None

    @property
    def net_amount(self):
        """What is paid: the amount incl. tax less the advance repayment it carries."""
        return self.amount_incl_tax - self.advance_repayment

    @property
    def signed_amount(self):
        """What the invoice adds to the amount owed: a credit note takes away."""
        if self.kind == InvoiceKind.CREDIT_NOTE:
            return -self.amount_incl_tax
        return self.amount_incl_tax

    @property
    def delay_start(self):
        if self.kind == InvoiceKind.ADVANCE:
            contract = self.subsequent_contract
            return late_payment.advance_delay_start(
                contract.notified_on,
                contract.guarantee_required,
                contract.guarantee_received_on,
            )
        return late_payment.delay_start(self.received_on, self.work_done_on)

    @property
    def due_date(self):
        if self.kind == InvoiceKind.CREDIT_NOTE:
            return None
        return late_payment.due_date_from(self.delay_start, self.interrupted_on, self.completed_on)

    def lateness(self, today, rates):
        """Days late, rate and interest: on the payment date once paid, else on `today`."""
        due = self.due_date
        if due is None:
            return None
        payment = getattr(self, "payment", None)
        end = payment.paid_on if payment is not None else today
        return late_payment.lateness(self.net_amount, due, end, rates)

    def abilities(self, user):
        finance = roles.is_finance(user)
        return {
            "view": self.order.abilities(user)["view"],
            "interrupt": finance,
            "complete": finance,
            "accept": finance,
            "reject": finance,
            "pay": finance,
        }

    def _may(self, user, action):
        return self.abilities(user).get(action, False)

    # --- transitions (fields only; orders.services.invoices checks dates and amounts) -------

    @transition(
        field=state,
        source=InvoiceState.RECEIVED,
        target=InvoiceState.INTERRUPTED,
        conditions=[lambda invoice: invoice.interrupted_on is None],  # R2192-27: only once
        permission=lambda instance, user: instance._may(user, "interrupt"),
    )
    def interrupt(self, on, missing_items):
        self.interrupted_on = on
        self.missing_items = missing_items

    @transition(
        field=state,
        source=InvoiceState.INTERRUPTED,
        target=InvoiceState.RECEIVED,
        permission=lambda instance, user: instance._may(user, "complete"),
    )
    def complete(self, on):
        self.completed_on = on

    @transition(
        field=state,
        source=InvoiceState.RECEIVED,
        target=InvoiceState.ACCEPTED,
        permission=lambda instance, user: instance._may(user, "accept"),
    )
    def accept(self, on):
        self.accepted_on = on

    @transition(
        field=state,
        source=[InvoiceState.RECEIVED, InvoiceState.INTERRUPTED],
        target=InvoiceState.REJECTED,
        permission=lambda instance, user: instance._may(user, "reject"),
    )
    def reject(self, reason):
        self.rejection_reason = reason

    @transition(
        field=state,
        source=InvoiceState.ACCEPTED,
        target=InvoiceState.PAID,
        conditions=[lambda invoice: invoice.kind != InvoiceKind.CREDIT_NOTE],
        permission=lambda instance, user: instance._may(user, "pay"),
    )
    def pay(self):
        pass  # the Payment row is written by orders.services.invoices.invoice_pay


class Payment(models.Model):
    """The payment of one invoice, with the late interest and flat fee it owes (R2192-31,
    D2192-35), themselves due within 45 days (R2192-36)."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="payment")
    paid_on = date_field("payée le")
    amount = models.DecimalField("montant payé TTC", max_digits=14, decimal_places=2)
    days_late = models.PositiveIntegerField("jours de retard", default=0)
    ecb_rate = models.DecimalField(
        "taux BCE retenu (%)", max_digits=5, decimal_places=2, null=True, blank=True
    )
    interest_due = models.DecimalField(
        "intérêts moratoires dus", max_digits=14, decimal_places=2, null=True, blank=True
    )
    flat_fee_due = models.DecimalField(
        "indemnité forfaitaire due", max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    interest_paid_on = date_field("intérêts payés le", null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["paid_on", "pk"]
        verbose_name = "paiement"
        verbose_name_plural = "paiements"
        # Finance's panel of late-payment interest still to pay: a handful among ten years.
        indexes = [
            models.Index(
                fields=["paid_on", "id"],
                condition=Q(days_late__gt=0, interest_paid_on=None),
                name="payment_interest_due",
            )
        ]

    def __str__(self):
        return f"Paiement du {self.paid_on:%d/%m/%Y} ({self.invoice})"

    @property
    def owes_interest(self):
        return self.days_late > 0

    @property
    def interest_deadline(self):
        """R2192-36: interest and fee are paid within 45 days of the principal."""
        return late_payment.interest_deadline(self.paid_on) if self.owes_interest else None

    @property
    def rate(self):
        return None if self.ecb_rate is None else self.ecb_rate + late_payment.RATE_MARGIN
