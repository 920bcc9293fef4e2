from django.db import models
from simple_history.models import HistoricalRecords


class Profession(models.Model):
    """An editable list of planning professions (architecte, urbaniste, paysagiste…)."""

    name = models.CharField("profession", max_length=80, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "profession"

    def __str__(self):
        return self.name
