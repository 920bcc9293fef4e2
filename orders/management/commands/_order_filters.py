"""The order list's filters as command options, shared by export_orders, export_payments and
export_budget."""

from django.core.management.base import CommandError

from exports.commands import ExportCommand
from procurement.models import Department


class OrderExportCommand(ExportCommand):
    filters = [
        ("state", "state", "état (valeur technique : issued, notified, closed…)"),
        ("department", "department", "code INSEE du département (35, 2A…)"),
        ("holder", "holder", "identifiant du titulaire"),
        ("year", "year", "année de création"),
        ("format", "format", "format de l'atelier (flash ou local)"),
        ("search", "q", "recherche libre (numéro, atelier, collectivité, titulaire)"),
        ("sort", "sort", "tri (created, -created, number, amount, session)"),
    ]

    def convert(self, name, value):
        if name == "department":
            department = Department.objects.filter(code=value).first()
            if department is None:
                raise CommandError(f"Département inconnu : {value}")
            return str(department.pk)
        return str(value)
