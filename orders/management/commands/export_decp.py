"""The essential data (DECP v2.0.3) of the agreements and of the subsequent contracts of
€40,000 excl. tax or more, as one JSON file; validated first, written whole or not at all."""

from django.core.management.base import BaseCommand, CommandError

from exports.commands import write_atomically
from orders import decp


class Command(BaseCommand):
    help = (
        "Exporte les données essentielles (DECP v2.0.3) des accords-cadres et des marchés "
        "subséquents de 40 000 € HT ou plus, validées contre le schéma national."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="fichier .json à écrire")

    def handle(self, *args, output, **options):
        try:
            content = decp.export()
        except decp.DecpInvalid as exc:
            raise CommandError(str(exc)) from None
        write_atomically(output, lambda out: out.write(content))
        self.stdout.write(self.style.SUCCESS(f"Données essentielles écrites dans {output}."))
