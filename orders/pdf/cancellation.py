"""The notice that ends an issued purchase order: cancelled by the buyer or declined by the
holder. The order's own PDF stays as it was sent; this separate notice says how it ended,
keeps its number (gapless numbering) and states the amount released from the ceiling."""

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from procurement.models import Service
from procurement.money import format_euros
from procurement.pdf import build, date, esc, header, key_values, signatures, styles
from procurement.pdftext import para

from . import sections
from .purchase_orders import signatory


def cancellation_notice_pdf(order, *, ended_on, declined, original, by):
    """`original`: the stored purchase-order document (its SHA-256 is quoted)."""
    s = styles()
    service = Service.objects.get(pk=by.service_id) if by and by.service_id else None
    title = "Constat de refus" if declined else "Avis d'annulation"
    story = header(
        s,
        f"{title} du bon de commande n° {esc(order.number)}",
        [
            f"Bon de commande émis le {date(order.issued_at)}",
            ("Refusé par le titulaire le " if declined else "Annulé le ") + date(ended_on),
        ],
    )
    story += sections.agreement(order, s)
    story += sections.holder(order.holder, s)
    story += [
        para("Bon de commande concerné", s["h2"]),
        key_values(
            [
                ("Numéro", esc(order.number)),
                ("Atelier", esc(order.request.title)),
                (
                    "Montant",
                    f"{format_euros(order.total_excl_tax)} HT — "
                    f"{format_euros(order.total_incl_tax)} TTC",
                ),
                (
                    "Document d'origine",
                    "Conservé tel qu'envoyé, sans modification. Empreinte SHA-256 : "
                    f"<font size='7'>{esc(original.sha256 if original else '—')}</font>",
                ),
            ],
            s,
        ),
        para("Motif", s["h2"]),
        para(
            ("Le titulaire a refusé le bon de commande. " if declined else "")
            + esc(order.end_reason),
            s["base"],
        ),
        para("Conséquences", s["h2"]),
        para(
            f"Le bon de commande n'est pas exécuté. Son montant de "
            f"{format_euros(order.total_excl_tax)} HT est libéré du montant maximum de "
            "l'accord-cadre (article R2162-4 du code de la commande publique). Son numéro lui "
            "reste attribué : la numérotation des bons de commande est continue.",
            s["base"],
        ),
        Spacer(1, 4 * mm),
        signatures(
            s,
            f"Copie : {esc(order.holder.name)}<br/>{esc(order.request.service.name)}",
            signatory(service),
        ),
    ]
    return build(
        story,
        title=f"{title} {order.number}",
        subject=f"Accord-cadre {order.agreement.reference}",
        footer_text=f"{title} — bon de commande {order.number} — {order.agreement.reference}",
    )
