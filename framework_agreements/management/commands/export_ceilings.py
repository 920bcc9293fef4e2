from exports.commands import ExportCommand


class Command(ExportCommand):
    help = (
        "Exporte la consommation des plafonds (par accord-cadre et lot, puis par titulaire et "
        "exercice) en XLSX."
    )
    kind = "ceilings"
    filters = [("agreement", "agreement", "référence de l'accord-cadre")]
