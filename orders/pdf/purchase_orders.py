"""The official purchase order (R2162-13 CCP)."""

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from procurement.pdf import build, date, esc, header, signatures, styles

from . import sections


def purchase_order_pdf(order, team_members):
    s = styles()
    service = order.issuing_service
    story = header(
        s,
        f"Bon de commande n° {esc(order.number)}",
        [
            f"Émis le {date(order.issued_at)}",
            f"Service émetteur : {esc(service.name if service else '')}",
        ],
    )
    story += sections.agreement(order, s)
    story += sections.holder(order.holder, s)
    story += sections.subject(order, s)
    story += sections.lines(order, s)
    story += sections.imputation(order, s)
    story += sections.team(team_members, s)
    story += [
        Paragraph("Conditions", s["h2"]),
        Paragraph(
            "Paiement par virement dans un délai de 30 jours à compter de la réception de la "
            "facture déposée sur Chorus Pro (article R2192-10 du code de la commande publique), "
            "après constatation du service fait. Tout retard ouvre droit à des intérêts "
            "moratoires (article R2192-31) et à une indemnité forfaitaire de 40 € pour frais de "
            "recouvrement (article D2192-35).",
            s["small"],
        ),
        Spacer(1, 2 * mm),
        signatures(
            s,
            "Le titulaire<br/>(date, nom, qualité et signature)",
            f"Pour le ministre et par délégation,<br/>{esc(order.issued_by or '')}<br/>"
            f"{esc(service.name if service else '')}",
        ),
    ]
    return build(
        story,
        title=f"Bon de commande {order.number}",
        subject=f"Accord-cadre {order.agreement.reference}",
        footer_text=f"Bon de commande {order.number} — {order.agreement.reference}",
    )
