"""Documents of a subsequent contract's execution: the certificate of service fait of a phase,
the certificate for the payment of the advance, and the closing statement (décompte final)."""

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from procurement.money import format_euros
from procurement.pdf import build, date, esc, grid, header, key_values, signatures, styles
from procurement.pdftext import para

from .. import advance as advance_rules
from . import sections


def _contract_block(contract, s):
    agreement = contract.agreement
    return [
        para("Marché", s["h2"]),
        key_values(
            [
                (
                    "Marché subséquent",
                    esc(f"n° {contract.number} — {contract.consultation.subject}"),
                ),
                ("Accord-cadre", esc(f"{agreement.reference} — {contract.lot}")),
                ("Territoire", esc(contract.request.department.name)),
                ("Engagement juridique", esc(contract.ej_number or "—")),
            ],
            s,
        ),
    ]


def _signer(user):
    service = user.service if user is not None else None
    return f"{esc(user or '')}<br/>{esc(service.name if service else '')}"


def phase_certificate_pdf(phase, deliverables):
    s = styles()
    contract = phase.contract
    story = header(
        s,
        "Attestation de service fait",
        [
            f"Marché subséquent n° {esc(contract.number)}",
            f"Phase : {esc(phase.label)}",
            f"Service fait le {date(phase.accepted_on)}",
        ],
    )
    story += _contract_block(contract, s)
    story += sections.holder(contract.holder, s)
    when = f"du {date(phase.start_on)} au {date(phase.end_on)}"
    rows = [
        ("Phase", esc(phase.label)),
        ("Dates", esc(when + (f" — {phase.place}" if phase.place else ""))),
    ]
    for item in deliverables:
        rows.append(
            (
                esc(item.get_kind_display()),
                f"{esc(item.original_name)}, déposé le {date(item.uploaded_at)}<br/>"
                f"Empreinte SHA-256 : <font size='7'>{esc(item.sha256)}</font>",
            )
        )
    story += [
        para("Prestation réceptionnée", s["h2"]),
        key_values(rows, s),
        para("Certification", s["h2"]),
        para(
            f"Je soussigné(e), <b>{esc(phase.accepted_by or '')}</b>, certifie que la phase "
            f"« {esc(phase.label)} » du marché n° {esc(contract.number)} a été exécutée "
            f"conformément au marché et la réceptionne à la date du "
            f"<b>{date(phase.accepted_on)}</b>.",
            s["base"],
        ),
        para("Montant devenu payable (prix initial, avant révision)", s["h2"]),
        key_values(
            [
                ("Part du prix", f"{phase.share * 100:.2f} %".replace(".", ",")),
                ("Montant HT", format_euros(phase.amount_excl_tax)),
                ("TVA", format_euros(phase.vat)),
                ("Montant TTC", f"<b>{format_euros(phase.amount_incl_tax)}</b>"),
            ],
            s,
        ),
        Spacer(1, 2 * mm),
        para(
            "La présente attestation constate le service fait ouvrant droit au paiement de "
            "l'acompte de la phase (article R2191-23 du code de la commande publique). Son prix "
            "est révisé par l'indice Syntec du mois de la présente date ; le remboursement de "
            "l'avance éventuelle est précompté (articles R2191-11 et R2191-12).",
            s["small"],
        ),
        Spacer(1, 3 * mm),
        signatures(
            s,
            "Pour le titulaire (pour information)",
            f"Le {date(phase.accepted_on)},<br/>{_signer(phase.accepted_by)}",
        ),
    ]
    return build(
        story,
        title=f"Attestation de service fait — {contract.number} — {phase.label}",
        subject=f"Accord-cadre {contract.agreement.reference}",
        footer_text=f"Service fait — {contract.number} — {phase.label}",
    )


def advance_certificate_pdf(contract, invoice, by, on):
    s = styles()
    months = contract.duration_months
    base = advance_rules.base(contract.total_incl_tax, months)
    spread = months > advance_rules.BASE_SPREAD_ABOVE_MONTHS
    base_text = (
        f"12 × {format_euros(contract.total_incl_tax)} / {months} mois = {format_euros(base)}"
        if spread
        else f"montant TTC du marché, {format_euros(base)} (durée {months} mois)"
    )
    starts = (
        "dès la première demande de paiement"
        if contract.advance_rate > advance_rules.LOW_RATE_LIMIT
        else "lorsque les prestations exécutées atteignent 65 % du montant TTC"
    )
    story = header(
        s,
        "Certificat pour le paiement de l'avance",
        [f"Marché subséquent n° {esc(contract.number)}", f"Établi le {date(on)}"],
    )
    story += _contract_block(contract, s)
    story += sections.holder(contract.holder, s)
    guarantee = (
        f"exigée — reçue le {date(contract.guarantee_received_on)}"
        if contract.guarantee_required and contract.guarantee_received_on
        else ("exigée — non encore reçue" if contract.guarantee_required else "non exigée")
    )
    story += [
        para("Calcul de l'avance", s["h2"]),
        key_values(
            [
                (
                    "Demande du titulaire",
                    esc(f"n° {invoice.holder_number}, reçue le ") + date(invoice.received_on),
                ),
                ("Taux", f"{contract.advance_rate} %".replace(".", ",")),
                ("Assiette", esc(base_text)),
                ("Montant de l'avance", f"<b>{format_euros(contract.advance_amount)}</b> TTC"),
                ("Garantie à première demande", esc(guarantee)),
            ],
            s,
        ),
        para("Remboursement", s["h2"]),
        para(
            f"L'avance est remboursée par précompte sur les acomptes, {starts}, au prorata de "
            "l'exécution ; le remboursement est terminé lorsque les prestations exécutées "
            "atteignent 80 % du montant TTC du marché (articles R2191-11 et R2191-12 du code de "
            "la commande publique).",
            s["base"],
        ),
        Spacer(1, 2 * mm),
        para(
            "Avance due en application des articles R2191-3 et R2191-7 du code de la commande "
            "publique. Son délai de paiement court à compter de la notification du marché "
            f"({date(contract.notified_at)}), et ne peut courir avant la réception de la "
            "garantie lorsqu'elle est exigée (articles R2192-24 et R2192-25).",
            s["small"],
        ),
        Spacer(1, 3 * mm),
        signatures(
            s,
            "Le titulaire (pour information)",
            f"Le {date(on)},<br/>{_signer(by)}",
        ),
    ]
    return build(
        story,
        title=f"Certificat d'avance — {contract.number}",
        subject=f"Accord-cadre {contract.agreement.reference}",
        footer_text=f"Avance — {contract.number} — {contract.agreement.reference}",
    )


def closing_statement_pdf(contract, result, by):
    s = styles()
    story = header(
        s,
        "Décompte final",
        [f"Marché subséquent n° {esc(contract.number)}", f"Clos le {date(contract.closed_at)}"],
    )
    story += _contract_block(contract, s)
    story += sections.holder(contract.holder, s)
    rows = [["Phase", "Prix HT (P0)", "Coef.", "Révisé HT", "TTC", "Avance déduite", "Net payé"]]
    for line in result.lines:
        rows.append(
            [
                para(esc(line.label), s["cell"]),
                format_euros(line.price_excl_tax),
                f"{line.coefficient}".replace(".", ",") if line.coefficient else "—",
                format_euros(line.revised_excl_tax),
                format_euros(line.amount_incl_tax),
                format_euros(line.repayment),
                format_euros(line.paid),
            ]
        )
    rows.append(
        [
            "Total",
            format_euros(result.price_total),
            "",
            format_euros(result.revised_total),
            format_euros(result.owed),
            format_euros(result.repaid),
            format_euros(result.paid - result.advance_paid),
        ]
    )
    widths = [42 * mm, 23 * mm, 13 * mm, 23 * mm, 23 * mm, 22 * mm, 23 * mm]
    balance = result.balance
    if balance > 0:
        balance_text = f"<b>{format_euros(balance)}</b> restant dû au titulaire"
    elif balance < 0:
        balance_text = (
            f"<b>{format_euros(-balance)}</b> à reverser par le titulaire (avance non remboursée)"
        )
    else:
        balance_text = f"<b>{format_euros(0)}</b> — marché soldé"
    story += [
        para("Acomptes, révision et précompte de l'avance", s["h2"]),
        grid(
            rows,
            widths,
            right_from=1,
            extra=[
                ("FONT", (1, 1), (-1, -1), "Vera", 7.5),
                ("FONT", (0, -1), (-1, -1), "Vera-Bold", 7.5),
            ],
        ),
        para("Récapitulatif", s["h2"]),
        key_values(
            [
                ("Prix initial des phases exécutées", format_euros(result.price_total) + " HT"),
                ("Révision (indice Syntec)", format_euros(result.revision_total) + " HT"),
                ("TVA", format_euros(result.vat_total)),
                ("Montant dû", format_euros(result.owed) + " TTC"),
                ("Avance versée", format_euros(result.advance_paid) + " TTC"),
                ("Avance remboursée par précompte", format_euros(result.repaid) + " TTC"),
                ("Total versé au titulaire", format_euros(result.paid) + " TTC"),
                ("Solde", balance_text),
            ],
            s,
        ),
        Spacer(1, 2 * mm),
        para(
            "Solde = montant dû − (avance versée + acomptes nets versés). Tous les montants "
            "sont arrondis au centime, ligne par ligne, puis additionnés."
            + (
                f" Marché résilié le {date(contract.terminated_on)} : {esc(contract.end_reason)}."
                if contract.terminated_on
                else ""
            ),
            s["small"],
        ),
        Spacer(1, 3 * mm),
        signatures(
            s,
            "Le titulaire (pour acceptation)",
            f"Le {date(contract.closed_at)},<br/>{_signer(by)}",
        ),
    ]
    return build(
        story,
        title=f"Décompte final — {contract.number}",
        subject=f"Accord-cadre {contract.agreement.reference}",
        footer_text=f"Décompte final — {contract.number} — {contract.agreement.reference}",
    )
