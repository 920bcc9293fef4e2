"""Late-payment rates (R2192-31)."""

from decimal import Decimal

from django.db import models

from procurement.fields import date_field


class LatePaymentRate(models.Model):
    """ECB main refinancing rate in force on the first day of each half-year (R2192-31)."""

    valid_from = date_field("applicable à partir du", unique=True)
    ecb_rate = models.DecimalField("taux de la BCE (%)", max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = "taux des intérêts moratoires"

    def __str__(self):
        return f"{self.valid_from} : {self.ecb_rate} %"

    @classmethod
    def rate_on(cls, day):
        return cls.rate_in(cls.table(), day)

    @classmethod
    def table(cls):
        """All rates, newest first: one query for a whole export."""
        return list(cls.objects.order_by("-valid_from").values_list("valid_from", "ecb_rate"))

    @staticmethod
    def rate_in(table, day):
        return next((rate for valid_from, rate in table if valid_from <= day), Decimal("0"))
