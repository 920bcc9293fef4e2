"""Demo data: the two national agreements, fictitious holders, five accounts, and requests and
purchase orders in every state for two pilots. Safe to run again: reference rows are upserted,
accounts are created once (never reset), requests and orders are created only once.

In production (DEBUG=False) it refuses to run unless given --allow-production and a
DEMO_PASSWORD: the public development password must never open a production account.
"""

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from notifications.models import OutgoingMessage
from orders.demo import activity, execution, reference
from orders.models import PurchaseOrder, SubsequentContract, TeamRequest
from procurement import clock


class Command(BaseCommand):
    help = "Charge le jeu de démonstration (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Autorise le chargement avec DEBUG=False (exige DEMO_PASSWORD).",
        )

    def handle(self, *args, allow_production=False, **options):
        password = os.getenv("DEMO_PASSWORD", "")
        if not settings.DEBUG:
            if not allow_production:
                raise CommandError(
                    "Refusé : DEBUG=False (production). Le jeu de démonstration crée des comptes, "
                    "dont un superutilisateur ; relancez avec --allow-production et DEMO_PASSWORD "
                    "si c'est vraiment voulu."
                )
            if not password:
                raise CommandError(
                    "Refusé : en production, DEMO_PASSWORD doit fixer le mot de passe des comptes "
                    "de démonstration (le mot de passe public de développement est interdit)."
                )
        password = password or reference.DEFAULT_PASSWORD
        # The demo's holders are fictitious: their e-mails stay in memory, never sent, and are
        # recorded in the outbox (the pages list them); nothing waits for a worker.
        with override_settings(
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
        ):
            created = self.load(password)
        if created:
            self.stdout.write("Comptes créés : " + ", ".join(created) + ".")
        self.stdout.write(
            f"{TeamRequest.objects.count()} demandes, {PurchaseOrder.objects.count()} bons de "
            f"commande, {SubsequentContract.objects.count()} marchés subséquents, "
            f"{OutgoingMessage.objects.count()} courriels enregistrés (démonstration : aucun "
            "n'est réellement parti)."
        )
        self.stdout.write(self.style.SUCCESS("Jeu de démonstration prêt."))

    def load(self, password):
        with transaction.atomic():
            users, created = reference.accounts(password)
            flash, _local = reference.agreements()
            reference.experts()
            execution.syntec_series(clock.today())
            if TeamRequest.objects.exists():
                self.stdout.write("Demandes déjà présentes : données de référence mises à jour.")
            else:
                activity.requests_and_orders(users, flash)
        return created
