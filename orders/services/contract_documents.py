"""Stored documents of a subsequent contract's execution (see documents.store): the phase
certificates, the advance certificate and the closing statement."""

from procurement import clock

from .. import statement
from ..models import DocumentKind
from .documents import store


def store_phase_certificate(phase, by):
    from ..pdf.contract_execution import phase_certificate_pdf

    contract = phase.contract
    deliverables = list(phase.deliverables.order_by("kind", "-uploaded_at"))
    latest = {}
    for item in deliverables:
        latest.setdefault(item.kind, item)  # the certificate names the last file of each kind
    return store(
        kind=DocumentKind.PHASE_CERTIFICATE,
        content=phase_certificate_pdf(phase, list(latest.values())),
        filename=f"service-fait-{contract.number}-{phase.phase}.pdf",
        reference=contract.number,
        agreement=contract.agreement,
        holder=contract.holder,
        by=by,
        contract=contract,
        contract_phase=phase,
    )


def store_advance_certificate(contract, by):
    from ..pdf.contract_execution import advance_certificate_pdf

    invoice = contract.invoices.filter(kind="advance").order_by("-pk").first()
    return store(
        kind=DocumentKind.ADVANCE_CERTIFICATE,
        content=advance_certificate_pdf(contract, invoice, by, clock.today()),
        filename=f"avance-{contract.number}.pdf",
        reference=contract.number,
        agreement=contract.agreement,
        holder=contract.holder,
        by=by,
        contract=contract,
        contract_phase=None,
    )


def store_closing_statement(contract, by):
    from ..pdf.contract_execution import closing_statement_pdf

    return store(
        kind=DocumentKind.CLOSING_STATEMENT,
        content=closing_statement_pdf(contract, statement.statement(contract), by),
        filename=f"decompte-final-{contract.number}.pdf",
        reference=contract.number,
        agreement=contract.agreement,
        holder=contract.holder,
        by=by,
        contract=contract,
        contract_phase=None,
    )
