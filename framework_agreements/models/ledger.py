"""The commitment ledger behind the ceiling, and the numbering sequences."""

from django.db import models
from django.db.models import Q

from procurement import clock

from .agreements import FrameworkAgreement, Lot
from .holders import Holder


class CommitmentKind(models.TextChoices):
    COMMIT = "commit", "Engagement"
    RELEASE = "release", "Libération"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The commitment ledger is append-only: rows are never updated.")

    def delete(self):
        raise TypeError("The commitment ledger is append-only: rows are never deleted.")


class CommitmentEntry(models.Model):
    """Append-only ledger of amounts committed against an agreement's ceiling.

    Rows are written only by `ceiling.commit` and `ceiling.release`, under a lock on the
    agreement row, each once with its real reference; none is ever updated or deleted. The
    running totals on the agreement and the lot follow it; `ceiling.verify` compares them.
    """

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="commitments"
    )
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    holder = models.ForeignKey(
        Holder, on_delete=models.PROTECT, null=True, blank=True, related_name="commitments"
    )
    # The budget year the row counts in (AE): the order's year for a commitment, the year of
    # the release for a release.
    fiscal_year = models.PositiveSmallIntegerField("exercice")
    kind = models.CharField(max_length=8, choices=CommitmentKind.choices)
    # Positive for a commitment, negative for a release.
    amount = models.DecimalField("montant HT", max_digits=14, decimal_places=2)
    # What produced the row, e.g. "purchase_order:42"; plus its human reference (the number).
    source = models.CharField(max_length=60)
    reference = models.CharField("référence", max_length=40)
    # The application's clock, so a backdated history (the demo) dates its rows truly.
    created_at = models.DateTimeField("enregistrée le", default=clock.now, editable=False)
    created_by = models.ForeignKey(
        "procurement.User", on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "écriture d'engagement"
        verbose_name_plural = "écritures d'engagement"
        indexes = [models.Index(fields=["agreement", "source"], name="ledger_source")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="commit") & Q(amount__gt=0))
                | (Q(kind="release") & Q(amount__lt=0)),
                name="commitment_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} € — {self.reference}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("The commitment ledger is append-only: rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The commitment ledger is append-only: rows are never deleted.")


class NumberSequence(models.Model):
    """The last number taken per agreement and year (see numbering.py)."""

    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="sequences"
    )
    year = models.PositiveSmallIntegerField("exercice")
    last = models.PositiveIntegerField("dernier numéro", default=0)

    class Meta:
        verbose_name = "séquence de numérotation"
        verbose_name_plural = "séquences de numérotation"
        constraints = [
            models.UniqueConstraint(fields=["agreement", "year"], name="one_sequence_per_year"),
        ]

    def __str__(self):
        return f"{self.agreement.number_prefix}-{self.year} : {self.last}"
