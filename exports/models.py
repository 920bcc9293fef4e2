"""A spreadsheet too large for a request: built by a background task, kept for its requester."""

from django.db import models

from procurement.models import User


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "En préparation"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


def export_path(instance, filename):
    return f"exports/{instance.requested_at:%Y/%m}/{instance.pk}-{filename}"


class ExportJob(models.Model):
    kind = models.CharField("export", max_length=40)
    label = models.CharField("intitulé", max_length=200)
    # The page's filters and sort, as its query string had them.
    params = models.JSONField("filtres", default=dict, blank=True)
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    status = models.CharField(
        "état", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    rows = models.PositiveIntegerField("lignes", null=True, blank=True)
    file = models.FileField(upload_to=export_path, blank=True)
    filename = models.CharField("fichier", max_length=120, blank=True)
    error = models.TextField("erreur", blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = "export en tâche de fond"
        verbose_name_plural = "exports en tâche de fond"
        indexes = [models.Index(fields=["requested_by", "-requested_at"], name="export_user")]

    def __str__(self):
        return f"{self.label} ({self.get_status_display()})"
