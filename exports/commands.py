"""The base of the export commands (manage.py export_orders, export_payments…): the same
export as the page, with its filters as options, for scheduled runs.

The file is written next to its destination and renamed into place once complete, so a
failed run never leaves a partial file."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from procurement.models import User

from . import registry


def write_atomically(output, write):
    """Call write(binary file) on a file next to `output`, renamed into place once complete:
    a failed run leaves no partial file. Returns what write returns."""
    target = Path(output)
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    try:
        with os.fdopen(handle, "wb") as out:
            result = write(out)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return result


class ExportCommand(BaseCommand):
    kind = None
    # (option, parameter name, help): the page's filters, by the names of its query string
    filters = []

    def convert(self, name, value):
        """The page's parameter from the option's value (an INSEE code to a department…)."""
        return str(value)

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="fichier .xlsx à écrire")
        parser.add_argument(
            "--user",
            help="identifiant dont le périmètre s'applique (par défaut : tout, comme la "
            "direction financière)",
        )
        for option, _name, help_text in self.filters:
            parser.add_argument(f"--{option}", help=help_text)

    def handle(self, *args, output, user=None, **options):
        spec = registry.get(self.kind)
        reader = self._reader(user)
        params = {
            name: self.convert(name, options[option.replace("-", "_")])
            for option, name, _ in self.filters
            if options.get(option.replace("-", "_")) not in (None, "")
        }
        rows = write_atomically(output, lambda out: spec.write(reader, params, out))
        self.stdout.write(self.style.SUCCESS(f"{rows} ligne(s) écrite(s) dans {output}."))

    def _reader(self, username):
        if not username:
            return registry.ScheduledRun()
        try:
            return User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"Utilisateur inconnu ou inactif : {username}") from None
