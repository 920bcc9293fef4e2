"""Every e-mail the application sends, as its own record: the outbox.

A business step never waits for SMTP. The service records the message (recipients, subject,
bodies, the SHA-256 of each attached document) in its own transaction; a background task sends
it after the commit, with retries, and records each attempt. What the message proves once it has
left (an order's legal notification date) is applied then, by the task, through `on_sent`.
"""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from procurement.models import User


class MessageStatus(models.TextChoices):
    QUEUED = "queued", "Envoi en attente"
    SENT = "sent", "Envoyé"
    FAILED = "failed", "Échec de l'envoi"


class OutgoingMessage(models.Model):
    kind = models.CharField("type", max_length=40)
    # What the message is about (an order, a request, a contract, an invoice): its page shows it.
    about_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    to = models.JSONField("destinataires", default=list)
    cc = models.JSONField("copie", default=list, blank=True)
    subject = models.CharField("objet", max_length=250)
    body_text = models.TextField("texte")
    body_html = models.TextField("HTML")
    # [{"model": "orders.document", "pk": 12, "filename": "...", "sha256": "..."}]
    attachments = models.JSONField("pièces jointes", default=list, blank=True)
    # Dotted path of a function called with (message) once the message has left.
    on_sent = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        "état", max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    queued_at = models.DateTimeField("mis en file le")
    queued_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField("parti le", null=True, blank=True)
    failed_at = models.DateTimeField("échec le", null=True, blank=True)

    class Meta:
        verbose_name = "courriel"
        verbose_name_plural = "courriels"
        ordering = ["-queued_at", "-pk"]
        indexes = [
            models.Index(fields=["about_type", "about_id"], name="message_about"),
            models.Index(fields=["status", "queued_at"], name="message_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="message_sent_has_its_date",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def pending(self):
        return self.status == MessageStatus.QUEUED
