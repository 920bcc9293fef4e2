"""The documents of a re-competition: the consultation letter sent to every holder, the
evaluation report (rapport d'analyse des offres) and the rejection letters."""

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from procurement.money import format_euros
from procurement.pdf import build, date, esc, grid, header, key_values, signatures, styles
from procurement.pdftext import para

from ..models.consultations import LOCAL_PHASES, PHASE_LABELS
from . import sections


def _when(value):
    from django.utils import timezone

    return timezone.localtime(value).strftime("%d/%m/%Y à %H:%M") if value else "—"


def _criteria_table(consultation, s):
    rows = [["Critère", "Pondération"]]
    for criterion in consultation.criteria:
        rows.append([para(esc(criterion["label"]), s["cell"]), f"{criterion['weight']} %"])
    return grid(rows, [130 * mm, 40 * mm], right_from=1)


def consultation_letter_pdf(consultation, holder):
    s = styles()
    agreement = consultation.agreement
    story = header(
        s,
        "Lettre de consultation",
        [
            f"Marché subséquent — {esc(consultation.reference)}",
            f"Envoyée le {date(consultation.launched_at)}",
        ],
    )
    story += sections.holder(holder, s)
    story += [
        para("Objet de la consultation", s["h2"]),
        key_values(
            [
                ("Accord-cadre", esc(f"{agreement.reference} — {agreement.title}")),
                ("Lot", esc(str(consultation.lot))),
                ("Objet", esc(consultation.subject)),
                (
                    "Territoire",
                    esc(
                        f"{consultation.request.department.name} — "
                        + ", ".join(c.name for c in consultation.request.collectivities.all())
                    ),
                ),
                ("Date limite", f"<b>{_when(consultation.deadline)}</b>"),
                ("Contact", esc(consultation.contact)),
                (
                    "Fondement",
                    "Remise en concurrence des titulaires de l'accord-cadre en application des "
                    "articles R2162-7 à R2162-12 du code de la commande publique.",
                ),
            ],
            s,
        ),
        para("Cahier des charges", s["h2"]),
        para(esc(consultation.specification).replace("\n", "<br/>"), s["base"]),
        para("Critères d'attribution et pondération", s["h2"]),
        _criteria_table(consultation, s),
        para("Contenu attendu de l'offre", s["h2"]),
        para(
            "1. Une décomposition du prix global et forfaitaire (DPGF) en euros HT pour chaque "
            "phase : " + ", ".join(PHASE_LABELS[p].lower() for p in LOCAL_PHASES) + ".<br/>"
            "2. L'équipe pluridisciplinaire proposée, choisie parmi vos experts déclarés, avec "
            "son chef de projet et les jours prévus par phase.<br/>"
            "3. Un mémoire technique (PDF) présentant votre compréhension du territoire et la "
            "méthode proposée.<br/>L'offre est déposée sur la plateforme des achats de l'État "
            "avant la date limite ; une offre reçue après cette date ne sera pas ouverte.",
            s["base"],
        ),
        Spacer(1, 4 * mm),
        signatures(
            s,
            "Le titulaire consulté",
            f"Pour le ministre et par délégation,<br/>{esc(consultation.created_by)}<br/>"
            "DGALN — bureau AD1",
        ),
    ]
    return build(
        story,
        title=f"Lettre de consultation {consultation.reference}",
        subject=f"Accord-cadre {agreement.reference}",
        footer_text=f"Consultation {consultation.reference} — {holder.name}",
    )


def _ranking_table(consultation, analysis, s, show_prices=True):
    technical = consultation.technical_criteria
    head = ["Rang", "Titulaire"] + [f"{c['label'].split()[0]} ({c['weight']})" for c in technical]
    head += ["Prix HT", f"Prix ({consultation.price_weight:g})", "Total"]
    rows = [head]
    for offer, result in analysis.ranked:
        rows.append(
            [str(result.rank), para(esc(offer.holder.name), s["cell"])]
            + [f"{result.technical[c['key']]:.2f}".replace(".", ",") for c in technical]
            + [
                format_euros(result.price) if show_prices else "—",
                f"{result.price_points:.2f}".replace(".", ","),
                f"{result.total:.2f}".replace(".", ","),
            ]
        )
    widths = [12 * mm, 37 * mm] + [22 * mm] * len(technical) + [27 * mm, 14 * mm, 14 * mm]
    return grid(rows, widths, right_from=2)


def evaluation_report_pdf(consultation, analysis):
    s = styles()
    story = header(
        s,
        "Rapport d'analyse des offres",
        [
            f"Marché subséquent — {esc(consultation.reference)}",
            f"Établi le {date(consultation.decided_at)}",
        ],
    )
    story += [
        key_values(
            [
                ("Objet", esc(consultation.subject)),
                ("Accord-cadre", esc(consultation.agreement.reference)),
                ("Lancement", _when(consultation.launched_at)),
                ("Date limite", _when(consultation.deadline)),
                (
                    "Ouverture des plis",
                    f"{_when(consultation.opened_at)} par {esc(consultation.opened_by)}",
                ),
            ],
            s,
        ),
        para("Critères annoncés", s["h2"]),
        _criteria_table(consultation, s),
        para("Réponses des titulaires consultés", s["h2"]),
    ]
    answers = [["Titulaire", "Réponse"]]
    for invitation in consultation.invitations.select_related("holder"):
        offer = next(
            (o for o in consultation.offers.all() if o.holder_id == invitation.holder_id), None
        )
        if offer is None:
            answer = "Pas de réponse"
        elif not offer.submitted:
            answer = f"Ne répond pas : {esc(offer.decline_reason)}"
        else:
            answer = f"Offre reçue le {_when(offer.received_at)}"
            if offer.rejection:
                kind = esc(offer.get_rejection_display().lower())
                answer += f" — rejetée ({kind}) : {esc(offer.rejection_reason)}"
        answers.append([para(esc(invitation.holder.name), s["cell"]), para(answer, s["cell"])])
    story.append(grid(answers, [60 * mm, 110 * mm]))
    story += [para("Notes et justifications", s["h2"])]
    criteria = {c["key"]: c for c in consultation.technical_criteria}
    for offer, result in analysis.ranked:
        rows = [["Critère", "Note", "Points", "Justification"]]
        for score in offer.scores.all():
            c = criteria[score.criterion]
            rows.append(
                [
                    para(esc(c["label"]), s["cell"]),
                    f"{score.mark:g}/10".replace(".", ","),
                    f"{result.technical[score.criterion]:.2f}".replace(".", ","),
                    para(esc(score.justification), s["cell"]),
                ]
            )
        rows.append(
            [
                "Prix",
                format_euros(result.price),
                f"{result.price_points:.2f}".replace(".", ","),
                para("Prix le plus bas / prix de l'offre × pondération du prix", s["cell"]),
            ]
        )
        story += [
            para(
                f"<b>{esc(offer.holder.name)}</b> — total {result.total:.2f} / 100".replace(
                    ".", ","
                ),
                s["base"],
            ),
            grid(rows, [45 * mm, 27 * mm, 16 * mm, 82 * mm], right_from=None),
            Spacer(1, 2 * mm),
        ]
    story += [
        para("Classement", s["h2"]),
        _ranking_table(consultation, analysis, s),
        para(
            "Points arrondis au centième ; à égalité, la meilleure valeur technique puis le "
            "prix le plus bas l'emportent.",
            s["small"],
        ),
        para("Proposition d'attribution", s["h2"]),
        para(
            f"Le marché est attribué à <b>{esc(analysis.winner.holder.name)}</b>, auteur de "
            "l'offre économiquement la plus avantageuse au regard des critères annoncés "
            "(article R2162-10 du code de la commande publique).",
            s["base"],
        ),
    ]
    return build(
        story,
        title=f"Rapport d'analyse des offres {consultation.reference}",
        subject=f"Accord-cadre {consultation.agreement.reference}",
        footer_text=f"Rapport d'analyse — {consultation.reference}",
    )


def rejection_letter_pdf(consultation, offer, analysis):
    s = styles()
    winner = analysis.winner
    mine = analysis.result_of(offer)
    best = analysis.result_of(winner)
    story = header(
        s,
        "Information des candidats non retenus",
        [
            f"Marché subséquent — {esc(consultation.reference)}",
            f"Le {date(consultation.decided_at)}",
        ],
    )
    story += sections.holder(offer.holder, s)
    story.append(para("Décision", s["h2"]))
    if offer.rejection:
        reason = (
            f"Votre offre a été rejetée comme {esc(offer.get_rejection_display().lower())} : "
            f"{esc(offer.rejection_reason)}. Elle n'a donc pas été classée."
        )
    else:
        reason = (
            "Votre offre n'a pas été retenue : elle est classée "
            f"<b>{mine.rank}<super>e</super></b> sur "
            f"{len(analysis.ranked)} avec <b>{mine.total:.2f}</b> points sur 100.".replace(
                ".", ",", 1
            )
        )
    story += [
        para(
            "Nous vous remercions de votre participation à la consultation « "
            f"{esc(consultation.subject)} ». " + reason,
            s["base"],
        ),
        para("Offre retenue", s["h2"]),
        key_values(
            [
                ("Attributaire", esc(winner.holder.name)),
                ("Note obtenue", f"{best.total:.2f} / 100".replace(".", ",")),
                ("Prix HT", format_euros(best.price)),
            ],
            s,
        ),
        para("Notes comparées", s["h2"]),
    ]
    rows = [["Critère (pondération)", "Votre offre", "Offre retenue"]]
    for c in consultation.technical_criteria:
        rows.append(
            [
                para(f"{esc(c['label'])} ({c['weight']})", s["cell"]),
                f"{mine.technical[c['key']]:.2f}".replace(".", ",") if mine else "—",
                f"{best.technical[c['key']]:.2f}".replace(".", ","),
            ]
        )
    rows.append(
        [
            f"Prix ({consultation.price_weight:g})",
            f"{mine.price_points:.2f}".replace(".", ",") if mine else "—",
            f"{best.price_points:.2f}".replace(".", ","),
        ]
    )
    rows.append(
        [
            "Total",
            f"{mine.total:.2f}".replace(".", ",") if mine else "—",
            f"{best.total:.2f}".replace(".", ","),
        ]
    )
    story.append(grid(rows, [90 * mm, 40 * mm, 40 * mm], right_from=1))
    if mine:
        story += [para("Motifs de vos notes", s["h2"])]
        criteria = {c["key"]: c for c in consultation.technical_criteria}
        story.append(
            key_values(
                [
                    (criteria[sc.criterion]["label"], esc(sc.justification))
                    for sc in offer.scores.all()
                ],
                s,
                widths=(60 * mm, 110 * mm),
            )
        )
    story += [
        Spacer(1, 3 * mm),
        para(
            "Information donnée en application des articles R2181-1 et suivants du code de la "
            "commande publique. Les voies et délais de recours figurent dans l'accord-cadre.",
            s["small"],
        ),
    ]
    return build(
        story,
        title=f"Lettre de rejet {consultation.reference}",
        subject=f"Accord-cadre {consultation.agreement.reference}",
        footer_text=f"Consultation {consultation.reference} — {offer.holder.name}",
    )
