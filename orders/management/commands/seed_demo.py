"""Demo data: the two national agreements, fictitious holders, five accounts, and requests and
purchase orders in every state for two pilots. Safe to run again: reference rows are upserted,
and the requests and orders are created only once.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from orders.demo import activity, reference
from orders.models import TeamRequest


class Command(BaseCommand):
    help = "Charge le jeu de démonstration (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            users = reference.accounts()
            flash, _local = reference.agreements()
            reference.experts()
            if TeamRequest.objects.exists():
                self.stdout.write("Demandes déjà présentes : données de référence mises à jour.")
            else:
                activity.requests_and_orders(users, flash)
        self.stdout.write(self.style.SUCCESS("Jeu de démonstration prêt."))
