from pathlib import Path

from django.core.management.base import BaseCommand

from teams import exports
from teams.models import TeamMember


class Command(BaseCommand):
    help = "Exporte l'affectation des équipes (une ligne par expert et commande) en XLSX."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="fichier .xlsx à écrire")

    def handle(self, *args, output, **options):
        content, count = exports.write_allocation(
            exports.allocation_queryset(TeamMember.objects.all())
        )
        Path(output).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{count} ligne(s) écrite(s) dans {output}."))
