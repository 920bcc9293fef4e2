"""The notification of a subsequent contract to its holder."""

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from procurement.money import format_euros
from procurement.pdf import build, date, esc, grid, header, key_values, signatures, styles
from procurement.pdftext import para

from ..models.consultations import PHASE_LABELS
from . import sections


def notification_letter_pdf(contract):
    s = styles()
    agreement = contract.agreement
    story = header(
        s,
        f"Notification du marché subséquent n° {esc(contract.number)}",
        [
            f"Notifié le {date(contract.notified_at)}",
            f"Consultation {esc(contract.consultation.reference)}",
        ],
    )
    story += sections.holder(contract.holder, s)
    story += [
        para("Objet", s["h2"]),
        key_values(
            [
                ("Accord-cadre", esc(f"{agreement.reference} — {agreement.title}")),
                ("Objet", esc(contract.consultation.subject)),
                ("Territoire", esc(contract.request.department.name)),
                (
                    "Fondement",
                    "Marché subséquent attribué après remise en concurrence des titulaires "
                    "(articles R2162-7 à R2162-12 du code de la commande publique).",
                ),
            ],
            s,
        ),
        para("Prix (décomposition du prix global et forfaitaire)", s["h2"]),
    ]
    rows = [["Phase", "Prix HT", "TVA", "Prix TTC"]]
    for phase in contract.phases.all():
        rows.append(
            [
                para(esc(PHASE_LABELS[phase.phase]), s["cell"]),
                format_euros(phase.amount_excl_tax),
                format_euros(phase.vat),
                format_euros(phase.amount_incl_tax),
            ]
        )
    rows.append(
        [
            "Total",
            format_euros(contract.total_excl_tax),
            format_euros(contract.total_vat),
            format_euros(contract.total_incl_tax),
        ]
    )
    story += [
        grid(rows, [80 * mm, 30 * mm, 30 * mm, 30 * mm], right_from=1),
        para("Imputation budgétaire et engagement", s["h2"]),
        key_values(
            [
                ("Programme", esc(contract.budget_programme)),
                ("Centre financier", esc(contract.budget_centre or "—")),
                ("Activité", esc(contract.budget_activity or "—")),
                ("Engagement juridique (Chorus)", esc(contract.ej_number)),
            ],
            s,
        ),
        Spacer(1, 4 * mm),
        signatures(
            s,
            "Le titulaire<br/>(accusé de réception)",
            f"Pour le ministre et par délégation,<br/>{esc(contract.awarded_by)}<br/>"
            f"{esc(contract.awarding_service.name)}",
        ),
    ]
    return build(
        story,
        title=f"Notification du marché subséquent {contract.number}",
        subject=f"Accord-cadre {agreement.reference}",
        footer_text=f"Marché subséquent {contract.number} — {agreement.reference}",
    )
