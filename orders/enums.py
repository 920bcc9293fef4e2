from django.db import models

from teams.enums import AtelierFormat as AtelierFormat  # a request's format is its team's


class Theme(models.TextChoices):
    ECOLOGICAL_TRANSITION = "ecological_transition", "Transition écologique"
    TOWN_CENTRE = "town_centre", "Revitalisation des centres-bourgs"
    MOBILITY = "mobility", "Mobilités"
    COASTLINE = "coastline", "Littoral"
    RISKS = "risks", "Risques naturels"
    LANDSCAPE = "landscape", "Paysage"
    HOUSING = "housing", "Habitat"
    AGRICULTURE = "agriculture", "Agriculture et alimentation"
    SOBRIETY = "sobriety", "Sobriété foncière (ZAN)"


class CollectivityKind(models.TextChoices):
    COMMUNE = "commune", "Commune"
    EPCI = "epci", "EPCI"
    DEPARTMENT = "department", "Département"
    REGION = "region", "Région"
    PNR = "pnr", "Parc naturel régional"
    OTHER = "other", "Autre"


class RequestState(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Déposée"
    RETURNED = "returned", "À compléter"
    ACCEPTED = "accepted", "Acceptée"
    REJECTED = "rejected", "Refusée"
    WITHDRAWN = "withdrawn", "Retirée"
    # Set by the system as what was bought for it moves (orders/request_progress.py).
    ORDERED = "ordered", "En commande"
    COMPLETED = "completed", "Terminée"


OPEN_REQUEST_STATES = [RequestState.DRAFT, RequestState.SUBMITTED, RequestState.RETURNED]


class OrderState(models.TextChoices):
    DRAFT = "draft", "Projet"
    ISSUED = "issued", "Émis"
    NOTIFIED = "notified", "Notifié"
    ACCEPTED = "accepted", "Accepté par le titulaire"
    IN_PROGRESS = "in_progress", "En cours d'exécution"
    DELIVERED = "delivered", "Livré"
    SERVICE_DONE = "service_done", "Service fait"
    INVOICED = "invoiced", "Facturé"
    PAID = "paid", "Payé"
    CLOSED = "closed", "Clôturé"
    CANCELLED = "cancelled", "Annulé"
    DECLINED = "declined", "Refusé par le titulaire"


CANCELLABLE_ORDER_STATES = [OrderState.DRAFT, OrderState.ISSUED, OrderState.NOTIFIED]
