"""The record of the holder's acceptance of a purchase order, with its confirmed team."""

from procurement.pdf import build, date, esc, header, styles
from procurement.pdftext import para

from . import sections


def team_sheet_pdf(order, team_members):
    s = styles()
    service = order.issuing_service
    story = header(
        s,
        f"Acceptation du bon de commande n° {esc(order.number)}",
        [
            f"Émis le {date(order.issued_at)}",
            f"Service émetteur : {esc(service.name if service else '')}",
        ],
    )
    story.append(
        para(
            f"Le titulaire a accepté ce bon de commande le {date(order.holder_accepted_at)}. "
            "L'équipe pluridisciplinaire ci-dessous est confirmée : tout remplacement d'un "
            "membre fera l'objet d'une demande de substitution soumise à l'acheteur.",
            s["base"],
        )
    )
    story += sections.agreement(order, s)
    story += sections.holder(order.holder, s)
    story += sections.subject(order, s)
    story += sections.team(team_members, s)
    return build(
        story,
        title=f"Acceptation et équipe — bon de commande {order.number}",
        subject=f"Accord-cadre {order.agreement.reference}",
        footer_text=f"Bon de commande {order.number} — {order.agreement.reference}",
    )
