"""Every generated official document, stored as bytes with its SHA-256.

Downloads return these bytes, never a rebuild: what was sent is what is kept. A document
belongs to one order of some kind (a purchase order today; consultations and subsequent
contracts add their own link) and carries the agreement and the holder it concerns, for the
register. Several documents of one kind may exist (versions, one letter per holder).
"""

from django.db import models
from django.db.models import Q

from framework_agreements.models import FrameworkAgreement, Holder
from procurement.models import User


class DocumentKind(models.TextChoices):
    PURCHASE_ORDER = "purchase_order", "Bon de commande"
    TEAM_SHEET = "team_sheet", "Acceptation et fiche équipe"
    SERVICE_DONE_CERTIFICATE = "service_done", "Attestation de service fait"


class DocumentQuerySet(models.QuerySet):
    def without_content(self):
        return self.defer("content")


class Document(models.Model):
    kind = models.CharField("type", max_length=30, choices=DocumentKind.choices)
    # The order's number, or the consultation's reference: what the document is known by.
    reference = models.CharField("référence", max_length=40)
    version = models.PositiveSmallIntegerField("version", default=1)
    filename = models.CharField("fichier", max_length=120)
    content = models.BinaryField()
    size = models.PositiveIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("produit le", auto_now_add=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agreement = models.ForeignKey(
        FrameworkAgreement, on_delete=models.PROTECT, related_name="documents"
    )
    holder = models.ForeignKey(
        Holder, on_delete=models.PROTECT, null=True, blank=True, related_name="documents"
    )
    # What the document belongs to: exactly one of these.
    purchase_order = models.ForeignKey(
        "orders.PurchaseOrder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "document produit"
        verbose_name_plural = "documents produits"
        constraints = [
            models.CheckConstraint(
                condition=Q(purchase_order__isnull=False), name="document_has_an_owner"
            ),
            models.UniqueConstraint(
                fields=["purchase_order", "kind", "version"],
                name="one_version_per_order_document",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference} (v{self.version})"

    @property
    def owner(self):
        return self.purchase_order
