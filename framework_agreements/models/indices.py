"""The monthly values of the Syntec index, entered by finance, that revise the prices of the
agreements' contracts (R2112-13, R2112-14)."""

from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from procurement.fields import date_field
from procurement.models import User


class SyntecIndex(models.Model):
    """One published monthly value, e.g. 2026-03 → 309.0. Stored on the first of the month."""

    month = date_field("mois", unique=True)
    value = models.DecimalField(
        "valeur de l'indice", max_digits=7, decimal_places=1, validators=[MinValueValidator(1)]
    )
    # Set when a price revision used the value: a published value is final, and a revision
    # already computed must keep reading the same S and S0.
    used = models.BooleanField("utilisée dans une révision", default=False)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField("saisi le", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-month"]
        verbose_name = "indice Syntec"
        verbose_name_plural = "indices Syntec"

    def __str__(self):
        return f"Syntec {self.month:%m/%Y} : {self.value}"

    def save(self, *args, **kwargs):
        self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)
