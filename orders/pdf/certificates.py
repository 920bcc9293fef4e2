"""The certificate of service fait (R2191-23 CCP): who accepted which deliverable, on what
date, and the amount that this makes payable."""

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from procurement.money import format_euros
from procurement.pdf import build, date, esc, header, key_values, signatures, styles
from procurement.pdftext import para

from . import sections


def service_done_certificate_pdf(order):
    s = styles()
    by = order.service_done_by
    service = by.service if by is not None else None
    story = header(
        s,
        "Attestation de service fait",
        [
            f"Bon de commande n° {esc(order.number)}",
            f"Service fait le {date(order.service_done_at)}",
        ],
    )
    story += sections.agreement(order, s)
    story += sections.holder(order.holder, s)
    story += [
        para("Prestation réceptionnée", s["h2"]),
        key_values(
            [
                ("Atelier", esc(order.request.title)),
                (
                    "Session sur site",
                    esc(
                        f"du {date(order.session_start)} au {date(order.session_end)} — "
                        f"{order.session_place}"
                    ),
                ),
                (
                    "Livrable",
                    f"Synthèse de l'atelier, livrée le {date(order.delivered_at)}<br/>"
                    f"Empreinte SHA-256 du fichier reçu : "
                    f"<font size='7'>{esc(order.deliverable_sha256 or '—')}</font>",
                ),
            ],
            s,
        ),
        para("Certification", s["h2"]),
        para(
            f"Je soussigné(e), <b>{esc(by or '')}</b>"
            f"{', ' + esc(service.name) if service else ''}, certifie que les prestations "
            f"du bon de commande n° {esc(order.number)} ont été exécutées conformément à la "
            f"commande et les réceptionne à la date du <b>{date(order.service_done_at)}</b>.",
            s["base"],
        ),
        para("Montant devenu payable", s["h2"]),
        key_values(
            [
                ("Montant HT", format_euros(order.total_excl_tax)),
                ("TVA", format_euros(order.total_vat)),
                ("Montant TTC", f"<b>{format_euros(order.total_incl_tax)}</b>"),
            ],
            s,
        ),
        Spacer(1, 2 * mm),
        para(
            "La présente attestation constate le service fait ouvrant droit au paiement "
            "(article R2191-23 du code de la commande publique). Le délai de paiement de 30 "
            "jours court à compter de la réception de la facture, ou de la présente date si "
            "la facture a été reçue avant (articles R2192-10 et R2192-13).",
            s["small"],
        ),
        Spacer(1, 3 * mm),
        signatures(
            s,
            "Pour le titulaire (pour information)",
            f"Le {date(order.service_done_at)},<br/>{esc(by or '')}<br/>"
            f"{esc(service.name if service else '')}",
        ),
    ]
    return build(
        story,
        title=f"Attestation de service fait — bon de commande {order.number}",
        subject=f"Accord-cadre {order.agreement.reference}",
        footer_text=f"Attestation de service fait — {order.number} — {order.agreement.reference}",
    )
