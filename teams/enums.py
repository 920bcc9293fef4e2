from django.db import models


class AtelierFormat(models.TextChoices):
    FLASH = "flash", "Atelier Flash"
    LOCAL = "local", "Atelier Local"


class Phase(models.TextChoices):
    PREPARATION = "preparation", "Préparation"
    ON_SITE = "on_site", "Session sur site"
    SYNTHESIS = "synthesis", "Synthèse et restitution"
    KICKOFF = "kickoff", "Lancement (Local)"
    DIAGNOSIS = "diagnosis", "Diagnostic (Local)"
    STRATEGY = "strategy", "Stratégie (Local)"
    ROADMAP = "roadmap", "Feuille de route (Local)"
    FINAL_REPORT = "final_report", "Rapport final (Local)"


# The phases a team plans its days in, by the atelier's format: a Flash atelier has one
# on-site session; a Local atelier has a kick-off, three sessions and a final report.
PHASES_BY_FORMAT = {
    AtelierFormat.FLASH: [Phase.PREPARATION, Phase.ON_SITE, Phase.SYNTHESIS],
    AtelierFormat.LOCAL: [
        Phase.KICKOFF,
        Phase.DIAGNOSIS,
        Phase.STRATEGY,
        Phase.ROADMAP,
        Phase.FINAL_REPORT,
    ],
}


class MemberRole(models.TextChoices):
    LEAD = "lead", "Chef de projet"
    EXPERT = "expert", "Expert"
    SUPPORT = "support", "Appui"


class SubstitutionState(models.TextChoices):
    REQUESTED = "requested", "Demandée"
    ACCEPTED = "accepted", "Acceptée"
    REFUSED = "refused", "Refusée"
