"""The official purchase order (R2162-13 CCP), and its preview before issue.

Besides what R2162-13 asks (services, quantities, prices), it carries what the holder needs to
accept and to invoice: the buyer's SIRET, Chorus Pro service code and public accountant, the
signatory and their delegation, a contact at the pilot service, the price clause and the
deadline for the holder's answer.
"""

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from procurement.pdf import build, date, esc, header, key_values, signatures, styles
from procurement.pdftext import para

from . import sections

PREVIEW_MARK = "PROJET — sans valeur"


def purchase_order_pdf(order, team_members, *, service=None, preview=False):
    """The PDF bytes. A preview is built before issue for the service about to issue it: it
    takes no number and every page says "PROJET — sans valeur"."""
    s = styles()
    service = service or order.issuing_service
    title = "Projet de bon de commande" if preview else f"Bon de commande n° {esc(order.number)}"
    issued = (
        "Non émis, sans valeur — numéro attribué à l'émission"
        if preview
        else f"Émis le {date(order.issued_at)}"
    )
    story = header(
        s,
        title,
        [issued, f"Service émetteur : {esc(service.name if service else '')}"],
    )
    story += sections.agreement(order, s)
    story += sections.holder(order.holder, s)
    story += sections.subject(order, s)
    story += sections.lines(order, s)
    story += [
        para("Prix", s["h2"]),
        para(esc(order.agreement.price_clause()), s["small"]),
    ]
    story += sections.imputation(order, s)
    story += billing(order, service, s)
    story += sections.team(team_members, s)
    story += contacts(order, service, s)
    story += [
        para("Acceptation et paiement", s["h2"]),
        para(
            f"Le titulaire accepte ou refuse le présent bon de commande par écrit dans un délai "
            f"de {order.agreement.order_acceptance_days} jours à compter de sa notification ; "
            "un refus est motivé.",
            s["small"],
        ),
        para(
            "Paiement par virement dans un délai de 30 jours à compter de la réception de la "
            "facture déposée sur Chorus Pro (article R2192-10 du code de la commande publique), "
            "après constatation du service fait. Tout retard ouvre droit à des intérêts "
            "moratoires (article R2192-31) et à une indemnité forfaitaire de 40 € pour frais de "
            "recouvrement (article D2192-35).",
            s["small"],
        ),
        Spacer(1, 2 * mm),
        signatures(s, "Le titulaire<br/>(date, nom, qualité et signature)", signatory(service)),
    ]
    return build(
        story,
        title=f"Bon de commande {order.number or '(projet)'}",
        subject=f"Accord-cadre {order.agreement.reference}",
        footer_text=(
            f"Bon de commande {order.number} — {order.agreement.reference}"
            if not preview
            else f"PROJET de bon de commande — {order.agreement.reference} — sans valeur"
        ),
        watermark=PREVIEW_MARK if preview else None,
    )


def billing(order, service, s):
    rows = [
        ("SIRET de l'acheteur", esc(service.siret if service else "")),
        ("Code service Chorus Pro", esc(service.chorus_service_code if service else "")),
        ("Comptable assignataire", esc(service.accountant if service else "")),
        (
            "Facturation",
            "Factures déposées sur Chorus Pro avec le SIRET, le code service et le n° "
            f"d'engagement juridique {esc(order.ej_number or '')} ci-dessus.",
        ),
    ]
    return [para("Facturation", s["h2"]), key_values(rows, s)]


def contacts(order, service, s):
    pilot = order.request.service
    rows = [
        (
            f"Service pilote ({esc(pilot.short_name)})",
            esc(_contact(pilot)),
        ),
    ]
    if service is not None and service.pk != pilot.pk:
        rows.append((f"Acheteur ({esc(service.short_name)})", esc(_contact(service))))
    return [para("Contacts", s["h2"]), key_values(rows, s)]


def _contact(service):
    parts = [service.name, service.contact_email, service.contact_phone]
    return " — ".join(part for part in parts if part)


def signatory(service):
    if service is None:
        return "Pour le ministre et par délégation,"
    return (
        "Pour le ministre et par délégation,<br/>"
        f"{esc(service.signatory_name)}, {esc(service.signatory_function)}<br/>"
        f"<font size='7'>{esc(service.signatory_delegation)}</font>"
    )
