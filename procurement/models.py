from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.fr import siret as stdnum_siret


def validate_service_siret(value):
    try:
        stdnum_siret.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            "Le numéro SIRET « %(value)s » n'est pas valide (14 chiffres, clé de contrôle).",
            params={"value": value},
        ) from exc


class Region(models.Model):
    """One of the 18 French regions, keyed by its INSEE code."""

    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = "région"
        verbose_name_plural = "régions"

    def __str__(self):
        return self.name


class Department(models.Model):
    """One of the 101 departments, keyed by its INSEE code (2A/2B for Corsica, 971… overseas)."""

    code = models.CharField("code INSEE", max_length=3, unique=True)
    name = models.CharField("nom", max_length=100)
    # "de l'Ain", "du Finistère": the form used in service names ("DDTM du Finistère").
    of_name = models.CharField("forme « de … »", max_length=110)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    coastal = models.BooleanField("littoral", default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = "département"
        verbose_name_plural = "départements"

    def __str__(self):
        return f"{self.name} ({self.code})"


class ServiceKind(models.TextChoices):
    DGALN = "dgaln", "Administration centrale (DGALN)"
    DREAL = "dreal", "DREAL"
    DRIEAT = "drieat", "DRIEAT"
    DEAL = "deal", "DEAL"
    DDT = "ddt", "DDT"
    DDTM = "ddtm", "DDTM"
    UD_DRIEAT = "ud_drieat", "Unité départementale de la DRIEAT"


class Service(models.Model):
    """A State service: DGALN/AD1 nationally, a DREAL per region, a DDT(M) per department."""

    code = models.CharField(max_length=20, unique=True)  # "DDTM-35", "DREAL-53", "DGALN-AD1"
    kind = models.CharField("type", max_length=12, choices=ServiceKind.choices)
    name = models.CharField("nom", max_length=200)
    short_name = models.CharField("sigle", max_length=40)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    address = models.CharField("adresse", max_length=300, blank=True)
    # What a holder needs to invoice an order this service issues (Chorus Pro), and who signs
    # it; printed on the purchase order, and the buyer's identity in open data (DECP).
    siret = models.CharField(
        "SIRET", max_length=14, blank=True, validators=[validate_service_siret]
    )
    chorus_service_code = models.CharField("code service Chorus Pro", max_length=100, blank=True)
    accountant = models.CharField(
        "comptable assignataire",
        max_length=200,
        blank=True,
        help_text="Le comptable public chargé du paiement, ex. « Contrôleur budgétaire et "
        "comptable ministériel (CBCM) ».",
    )
    signatory_name = models.CharField("signataire : nom", max_length=120, blank=True)
    signatory_function = models.CharField("signataire : fonction", max_length=200, blank=True)
    signatory_delegation = models.CharField(
        "signataire : délégation",
        max_length=300,
        blank=True,
        help_text="L'acte qui lui délègue la signature, ex. « arrêté du 2 janvier 2026 portant "
        "délégation de signature (JO du 4 janvier 2026) ».",
    )
    # The service's contact for holders and buyers (the pilot's, on a purchase order).
    contact_email = models.EmailField("courriel de contact", blank=True)
    contact_phone = models.CharField("téléphone de contact", max_length=20, blank=True)
    history = HistoricalRecords()

    # What an issuing service must have filled in before it issues an order.
    ISSUING_DETAILS = [
        ("siret", "son SIRET"),
        ("chorus_service_code", "son code service Chorus Pro"),
        ("accountant", "son comptable assignataire"),
        ("signatory_name", "le nom du signataire"),
        ("signatory_function", "la fonction du signataire"),
        ("signatory_delegation", "la délégation de signature"),
    ]

    class Meta:
        ordering = ["code"]
        verbose_name = "service de l'État"
        verbose_name_plural = "services de l'État"

    def __str__(self):
        return self.short_name

    def missing_issuing_details(self):
        """Labels of what this service lacks to issue a complete purchase order."""
        return [label for name, label in self.ISSUING_DETAILS if not getattr(self, name)]

    def departments(self):
        """Departments this service may file requests for."""
        if self.department_id:
            return Department.objects.filter(pk=self.department_id)
        if self.region_id:
            return Department.objects.filter(region_id=self.region_id)
        return Department.objects.all()


class Role(models.TextChoices):
    BUYER = "buyer", "Acheteur (DGALN)"
    PILOT = "pilot", "Pilote (DDT(M) / DREAL)"
    FINANCE = "finance", "Finances"
    ADMIN = "admin", "Administrateur"


class User(AbstractUser):
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    role = models.CharField("rôle", max_length=10, choices=Role.choices, default=Role.PILOT)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def __str__(self):
        return self.get_full_name() or self.username


class AuditEventKind(models.TextChoices):
    LOGIN = "login", "Connexion"
    LOGIN_FAILED = "login_failed", "Échec de connexion"
    LOCKED_OUT = "locked_out", "Blocage après échecs"
    LOGOUT = "logout", "Déconnexion"
    SESSION_EXPIRED = "session_expired", "Session expirée"
    PASSWORD_CHANGED = "password_changed", "Mot de passe changé"
    ACTION_REFUSED = "action_refused", "Action refusée"
    ACCESS_DENIED = "access_denied", "Accès refusé (403)"
    EXPORT = "export", "Export"
    DOWNLOAD = "download", "Téléchargement"
    ADMIN_CHANGE = "admin_change", "Modification dans l'administration"
    MAIL_RESENT = "mail_resend", "Courriel renvoyé"
    DOCUMENT_VERIFIED = "document_verified", "Document vérifié"


class AuditEvent(models.Model):
    """One line of the audit log (procurement.audit.record writes it). Never edited."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    event = models.CharField("événement", max_length=20, choices=AuditEventKind.choices)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Kept as typed, also for failed logins (which have no user).
    username = models.CharField("identifiant", max_length=150, blank=True)
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    path = models.CharField("adresse", max_length=500, blank=True)
    detail = models.JSONField("détail", default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = "événement du journal"
        verbose_name_plural = "événements du journal"
        indexes = [models.Index(fields=["user", "-at"], name="audit_user_at")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.get_event_display()}"
