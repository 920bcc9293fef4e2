"""Stored documents: every generated PDF is kept as bytes with its SHA-256, versioned per
owner and kind. Built inside the transaction that makes it official, so an order is never
issued without its document and a rollback leaves nothing behind."""

import hashlib

from django.db.models import Max

from ..models import Document, DocumentKind


def next_version(kind, holder=None, **owner):
    """Versions count per owner, kind and holder (one letter per holder). The caller holds the
    owner's row lock, so no other version of it can be stored meanwhile."""
    last = Document.objects.filter(kind=kind, holder=holder, **owner).aggregate(m=Max("version"))
    return (last["m"] or 0) + 1


def store(
    *, kind, content, filename, reference, agreement, by=None, holder=None, version=None, **owner
):
    """Append a document; `owner` names what it belongs to (purchase_order=…, consultation=…,
    contract=…). `version`, when the caller has read it already (next_version)."""
    return Document.objects.create(
        kind=kind,
        reference=reference,
        version=version or next_version(kind, holder, **owner),
        filename=filename,
        content=content,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        created_by=by,
        agreement=agreement,
        holder=holder,
        **owner,
    )


def latest(documents, kind):
    return documents.filter(kind=kind).order_by("-version").first()


def team_rows(team):
    """The team printed in the documents: active members with professions and days."""
    if team is None:
        return []
    members = (
        team.members.filter(left_on__isnull=True)
        .select_related("expert__company")
        .prefetch_related("expert__professions", "planned_days")
        .order_by("-role", "pk")
    )
    return [
        {
            "name": f"{m.expert} ({m.expert.company.name})",
            "professions": m.expert.professions_text(),
            "role": m.get_role_display(),
            "days": m.total_days(),
        }
        for m in members
    ]


# What the purchase order prints, loaded in one go (see purchase_order_material).
PRINTED_ISSUE_FIELDS = ["year", "sequence", "number", "issued_at", "issued_by", "issuing_service"]


def purchase_order_material(order):
    """Everything the purchase order prints, read before the issue takes its number, so the
    numbering and ceiling locks are then held for the PDF's build alone, with no query in it.
    The caller holds the order row's lock: no edit of the draft can slip in between."""
    from ..models import PurchaseOrder

    printed = (
        PurchaseOrder.objects.select_related(
            "agreement",
            "lot",
            "holder__company",
            "request__service",
            "request__department",
            "request__created_by",
        )
        .prefetch_related("holder__members", "request__collectivities", "lines")
        .get(pk=order.pk)
    )
    return printed, team_rows(order.team)


def store_purchase_order(order, by, material=None, version=None):
    from ..pdf.purchase_orders import purchase_order_pdf  # reportlab loads only when needed

    if material is None:
        material = purchase_order_material(order)
    printed, rows = material
    for name in PRINTED_ISSUE_FIELDS:  # what the issue itself has just set
        setattr(printed, name, getattr(order, name))
    return store(
        kind=DocumentKind.PURCHASE_ORDER,
        content=purchase_order_pdf(printed, rows),
        filename=f"bon-de-commande-{order.number}.pdf",
        reference=order.number,
        agreement=order.agreement,
        holder=order.holder,
        by=by,
        version=version,
        purchase_order=order,
    )


def purchase_order_preview(order, by):
    """The purchase order as it would be issued by `by`'s service: no number, marked
    "PROJET — sans valeur", never stored."""
    from ..pdf.purchase_orders import purchase_order_pdf

    return purchase_order_pdf(order, team_rows(order.team), service=by.service, preview=True)


def store_cancellation_notice(order, by, *, ended_on, declined):
    """Ending an issued order: its PDF stays as sent; this notice is stored beside it."""
    from ..pdf.cancellation import cancellation_notice_pdf

    original = latest(order.documents, DocumentKind.PURCHASE_ORDER)
    return store(
        kind=DocumentKind.CANCELLATION_NOTICE,
        content=cancellation_notice_pdf(
            order, ended_on=ended_on, declined=declined, original=original, by=by
        ),
        filename=f"{'refus' if declined else 'annulation'}-{order.number}.pdf",
        reference=order.number,
        agreement=order.agreement,
        holder=order.holder,
        by=by,
        purchase_order=order,
    )


def store_team_sheet(order, by):
    from ..pdf.team_sheets import team_sheet_pdf

    return store(
        kind=DocumentKind.TEAM_SHEET,
        content=team_sheet_pdf(order, team_rows(order.team)),
        filename=f"acceptation-equipe-{order.number}.pdf",
        reference=order.number,
        agreement=order.agreement,
        holder=order.holder,
        by=by,
        purchase_order=order,
    )


def store_service_done_certificate(order, by):
    from ..pdf.certificates import service_done_certificate_pdf

    return store(
        kind=DocumentKind.SERVICE_DONE_CERTIFICATE,
        content=service_done_certificate_pdf(order),
        filename=f"attestation-service-fait-{order.number}.pdf",
        reference=order.number,
        agreement=order.agreement,
        holder=order.holder,
        by=by,
        purchase_order=order,
    )


def store_consultation_letter(consultation, holder, by):
    from ..pdf.consultations import consultation_letter_pdf

    return store(
        kind=DocumentKind.CONSULTATION_LETTER,
        content=consultation_letter_pdf(consultation, holder),
        filename=f"lettre-consultation-{consultation.reference}-{holder.pk}.pdf",
        reference=consultation.reference,
        agreement=consultation.agreement,
        holder=holder,
        by=by,
        consultation=consultation,
    )


def store_evaluation_report(consultation, analysis, by):
    from ..pdf.consultations import evaluation_report_pdf

    return store(
        kind=DocumentKind.EVALUATION_REPORT,
        content=evaluation_report_pdf(consultation, analysis),
        filename=f"rapport-analyse-{consultation.reference}.pdf",
        reference=consultation.reference,
        agreement=consultation.agreement,
        by=by,
        consultation=consultation,
    )


def store_rejection_letter(consultation, offer, analysis, by):
    from ..pdf.consultations import rejection_letter_pdf

    return store(
        kind=DocumentKind.REJECTION_LETTER,
        content=rejection_letter_pdf(consultation, offer, analysis),
        filename=f"lettre-rejet-{consultation.reference}-{offer.holder.pk}.pdf",
        reference=consultation.reference,
        agreement=consultation.agreement,
        holder=offer.holder,
        by=by,
        consultation=consultation,
    )


def store_notification_letter(contract, by):
    from ..pdf.contracts import notification_letter_pdf

    return store(
        kind=DocumentKind.NOTIFICATION_LETTER,
        content=notification_letter_pdf(contract),
        filename=f"notification-{contract.number}.pdf",
        reference=contract.number,
        agreement=contract.agreement,
        holder=contract.holder,
        by=by,
        contract=contract,
    )
