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
    CONSULTATION_LETTER = "consultation_letter", "Lettre de consultation"
    EVALUATION_REPORT = "evaluation_report", "Rapport d'analyse des offres"
    NOTIFICATION_LETTER = "notification_letter", "Lettre de notification"
    REJECTION_LETTER = "rejection_letter", "Lettre de rejet"
    PHASE_CERTIFICATE = "phase_certificate", "Attestation de service fait de phase"
    ADVANCE_CERTIFICATE = "advance_certificate", "Certificat de paiement de l'avance"
    CLOSING_STATEMENT = "closing_statement", "Décompte final"
    CANCELLATION_NOTICE = "cancellation_notice", "Avis d'annulation ou constat de refus"


def reads_every_document(user):
    """Buyers and administrators read every document the application produced."""
    from procurement import roles

    return roles.is_buyer(user) or roles.is_admin(user)


class DocumentQuerySet(models.QuerySet):
    def without_content(self):
        return self.defer("content")

    def registered_for(self, user):
        """The documents this user may read, as `Document.may_download` says row by row,
        in one query: buyers and administrators, all; others, those of the issued orders and
        the contracts they see, and the evaluation reports of awarded consultations they see
        (the consultation letters stay with those who read the offers).

        Each owner's visibility (roles.service_scope, what its `visible_to` applies) is
        written over the document's own joins. As `owner__in=<visible owners>`, PostgreSQL
        hashed every visible order before reading a row: a pilot's first page took 53 ms at
        100 000 orders; over the joins, it walks the register's sort index and reads each
        row's owner by key: 0.3 ms."""
        from procurement import roles

        from .consultations import ConsultationState

        if reads_every_document(user):
            return self
        order = roles.service_scope(user, "purchase_order__request")
        if order is None:
            return self.none()
        contract = roles.service_scope(user, "contract__request")
        consultation = roles.service_scope(user, "consultation__request")
        return self.filter(
            (order & Q(purchase_order__isnull=False) & ~Q(purchase_order__number=""))
            | (contract & Q(contract__isnull=False))
            | (
                consultation
                & Q(
                    kind=DocumentKind.EVALUATION_REPORT,
                    consultation__state=ConsultationState.AWARDED,
                )
            )
        )


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
    consultation = models.ForeignKey(
        "orders.Consultation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    contract = models.ForeignKey(
        "orders.SubsequentContract",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    # A phase's certificate of service fait names its phase (one per phase).
    contract_phase = models.ForeignKey(
        "orders.ContractPhase",
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
        # The register's sort (newest first) walks this index backwards.
        indexes = [models.Index(fields=["created_at", "id"], name="document_sort_created")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(purchase_order__isnull=False, consultation=None, contract=None)
                    | Q(purchase_order=None, consultation__isnull=False, contract=None)
                    | Q(purchase_order=None, consultation=None, contract__isnull=False)
                ),
                name="document_has_one_owner",
            ),
            models.UniqueConstraint(
                fields=["purchase_order", "kind", "version"],
                name="one_version_per_order_document",
            ),
            models.UniqueConstraint(
                fields=["consultation", "kind", "holder", "version"],
                name="one_version_per_consultation_document",
            ),
            models.UniqueConstraint(
                fields=["contract", "kind", "version"],
                condition=Q(contract_phase=None),
                name="one_version_per_contract_document",
            ),
            models.UniqueConstraint(
                fields=["contract_phase", "kind", "version"],
                condition=Q(contract_phase__isnull=False),
                name="one_version_per_phase_document",
            ),
            models.CheckConstraint(
                condition=Q(contract_phase=None) | Q(contract__isnull=False),
                name="phase_document_has_its_contract",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.reference} (v{self.version})"

    @property
    def owner(self):
        return self.purchase_order or self.consultation or self.contract

    @property
    def owner_label(self):
        if self.purchase_order_id:
            return f"Bon de commande {self.purchase_order.display_number}"
        if self.contract_id:
            return f"Marché subséquent {self.contract.number}"
        return f"Remise en concurrence {self.reference}"

    def verify(self):
        """Recompute the SHA-256 of the stored bytes: (matches, sha256 found)."""
        import hashlib

        content = bytes(self.content)
        found = hashlib.sha256(content).hexdigest()
        return found == self.sha256 and len(content) == self.size, found

    def may_download(self, user):
        """Who may read this document, from its owner's abilities: the evaluation report once
        the consultation is decided; the letters of a consultation, only those who see the
        offers (business secrets)."""
        abilities = self.owner.abilities(user)
        if self.consultation_id is not None:
            if self.kind == DocumentKind.EVALUATION_REPORT:
                return abilities["view_report"]
            return abilities["view_offers"]
        return abilities["download_pdf"]
