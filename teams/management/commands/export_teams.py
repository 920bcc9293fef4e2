from exports.commands import ExportCommand


class Command(ExportCommand):
    help = (
        "Exporte l'affectation des équipes (une ligne par expert et atelier, avec l'état de la "
        "commande et les dates de session) en XLSX."
    )
    kind = "teams"
    filters = [("expert", "expert", "identifiant de l'expert")]
