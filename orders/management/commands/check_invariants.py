"""`manage.py check_invariants`: committed ≤ maximum (R2162-4), the ledger equals the live
orders, numbers are gapless, every issued order keeps its document intact. Exits 1 on any
breach, listing them; prints a one-line summary otherwise."""

import sys

from django.core.management.base import BaseCommand

from orders import invariants


class Command(BaseCommand):
    help = "Vérifie les invariants légaux et comptables ; code de sortie 1 en cas d'écart."

    def handle(self, *args, **options):
        found = invariants.breaches()
        for label, breach in found:
            self.stderr.write(f"[{label}] {breach}")
        if found:
            self.stderr.write(self.style.ERROR(f"{len(found)} écart(s) constaté(s)."))
            sys.exit(1)
        self.stdout.write(
            self.style.SUCCESS(
                "Invariants vérifiés : " + ", ".join(label for label, _ in invariants.CHECKS) + "."
            )
        )
