"""The money of a subsequent contract: its advance, one instalment per accepted phase with
the Syntec revision of its price and the advance repayment it carries, and the figures of
the contract's financial summary. The rules are orders/advance.py and
framework_agreements/revision.py; delays and interest are the shared orders/late_payment.py.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from framework_agreements import ceiling, revision
from procurement import clock
from procurement.actions import ActionRefused, save
from procurement.money import format_euros, to_cents

from .. import advance, chronology
from ..models import (
    ContractPhase,
    Invoice,
    InvoiceKind,
    InvoiceState,
    PhaseState,
    PriceRevision,
    SubsequentContract,
)
from ..models.contracts import VAT_RATE
from . import contract_documents

ZERO = Decimal("0.00")


def _live(invoices):
    """Invoices that count: every one but the rejected (a rejected invoice comes back as a
    new record)."""
    return [i for i in invoices if i.state != InvoiceState.REJECTED]


def _lock(contract, by):
    locked = SubsequentContract.objects.select_for_update().get(pk=contract.pk)
    if not locked.abilities(by)["record_invoice"]:
        raise ActionRefused("Vous ne pouvez pas enregistrer de facture sur ce marché.")
    return locked


def _split(amount_incl_tax):
    """An amount incl. tax split into excl. tax and VAT, the VAT being the difference."""
    excl = to_cents(Decimal(amount_incl_tax) / (1 + VAT_RATE))
    return excl, to_cents(amount_incl_tax) - excl


@transaction.atomic
def advance_record(*, contract, by, holder_number, received_on, chorus_number=""):
    """The holder's request for the advance; its amount is the contract's (R2191-7)."""
    locked = _lock(contract, by)
    if not locked.has_advance:
        raise ActionRefused(
            "Ce marché ne prévoit pas d'avance (non requise, ou refusée par le titulaire)."
        )
    if any(i.kind == InvoiceKind.ADVANCE for i in _live(locked.invoices.all())):
        raise ActionRefused("La demande d'avance de ce marché est déjà enregistrée.")
    chronology.contract_invoice_received(locked, received_on, clock.today())
    excl, vat = _split(locked.advance_amount)
    invoice = Invoice(
        subsequent_contract=locked,
        kind=InvoiceKind.ADVANCE,
        holder_number=holder_number,
        chorus_number=chorus_number,
        received_on=received_on,
        amount_excl_tax=excl,
        vat=vat,
        amount_incl_tax=locked.advance_amount,
        created_by=by,
    )
    save(invoice, by, "Demande d'avance reçue")
    contract_documents.store_advance_certificate(locked, by)
    return invoice


def _revision(phase, contract, by):
    """The phase's revision, computed once: a raise is committed to the ceiling under the
    agreement's lock, refused with the remaining amount when it would pass the maximum."""
    existing = PriceRevision.objects.filter(phase=phase).first()
    if existing is not None:
        return existing
    result = revision.revise_with_indices(
        phase.amount_excl_tax, contract.agreement, contract.revision_base_month, phase.accepted_on
    )
    increase = max(result.difference, ZERO)
    if increase > 0:
        try:
            ceiling.commit(
                agreement=contract.agreement,
                lot=contract.lot,
                amount=increase,
                source=contract.source_key,
                reference=f"{contract.number} (révision {phase.label})"[:40],
                holder=contract.holder,
                year=clock.today().year,
                by=by,
            )
        except ceiling.CeilingExceeded as exc:
            raise ActionRefused(
                f"Révision du prix de la phase « {phase.label} » refusée : la hausse de "
                f"{format_euros(increase)} HT dépasserait le montant maximum. Reste disponible : "
                f"{format_euros(exc.remaining)} HT (article R2162-4 du code de la commande "
                "publique)."
            ) from exc
    return PriceRevision.objects.create(
        phase=phase,
        price_excl_tax=result.price,
        base_month=result.base_month,
        base_index=result.base_index,
        month=result.month,
        index=result.index,
        fixed_part=result.fixed_part,
        variable_part=result.variable_part,
        coefficient=result.coefficient,
        revised_excl_tax=result.revised,
        committed_increase=increase,
        created_by=by,
    )


def repayment_for(contract, instalment_incl_tax, invoices):
    """R2191-11/12: what this instalment deducts, given the contract's accepted phases and
    the repayments already made by its other live instalments."""
    live = _live(invoices)
    granted = [i for i in live if i.kind == InvoiceKind.ADVANCE]
    if not granted:
        return ZERO
    executed = sum(
        (p.amount_incl_tax for p in contract.phases.all() if p.state == PhaseState.ACCEPTED),
        ZERO,
    )
    due = advance.repayment_due(
        granted[0].amount_incl_tax, contract.advance_rate, executed, contract.total_incl_tax
    )
    repaid = sum((i.advance_repayment for i in live), ZERO)
    return advance.deduction(instalment_incl_tax, due, repaid)


@transaction.atomic
def instalment_record(*, phase, by, holder_number, received_on, chorus_number=""):
    """The holder's invoice for an accepted phase: its share revised by the Syntec index of
    the month of its service fait, less the advance repayment due at this point."""
    contract = _lock(SubsequentContract(pk=phase.contract_id), by)
    phase = ContractPhase.objects.select_for_update().get(pk=phase.pk)
    if phase.state != PhaseState.ACCEPTED:
        raise ActionRefused(
            f"La phase « {phase.label} » n'est pas acceptée : son acompte ne peut être facturé "
            "avant le service fait (article R2191-23 du code de la commande publique)."
        )
    invoices = list(contract.invoices.all())
    if any(i.contract_phase_id == phase.pk for i in _live(invoices)):
        raise ActionRefused(f"L'acompte de la phase « {phase.label} » est déjà enregistré.")
    chronology.contract_invoice_received(contract, received_on, clock.today())
    revised = _revision(phase, contract, by)
    excl = revised.revised_excl_tax
    vat = to_cents(excl * VAT_RATE)
    last = not contract.phases.filter(position__gt=phase.position).exists()
    invoice = Invoice(
        subsequent_contract=contract,
        contract_phase=phase,
        kind=InvoiceKind.BALANCE if last else InvoiceKind.INSTALMENT,
        holder_number=holder_number,
        chorus_number=chorus_number,
        received_on=received_on,
        amount_excl_tax=excl,
        vat=vat,
        amount_incl_tax=excl + vat,
        advance_repayment=repayment_for(contract, excl + vat, invoices),
        created_by=by,
    )
    return save(invoice, by, f"Acompte reçu — {phase.label}")


def check_payable(invoice):
    """An instalment is accepted for payment after its phase's service fait (R2191-23); the
    advance, once the contract is notified."""
    if invoice.kind == InvoiceKind.ADVANCE:
        if invoice.subsequent_contract.notified_at is None:
            raise ActionRefused("L'avance ne peut être payée avant la notification du marché.")
        return
    if invoice.contract_phase.state != PhaseState.ACCEPTED:
        raise ActionRefused(
            "Acceptation refusée : le service fait de la phase n'est pas prononcé (article "
            "R2191-23 du code de la commande publique)."
        )


@dataclass(frozen=True)
class ContractFigures:
    committed: Decimal  # HT: the amount, plus revisions, less what termination released
    revised: Decimal  # HT: the revised price of the phases invoiced so far, others at P0
    invoiced: Decimal  # TTC: live instalments
    paid: Decimal  # TTC: what reached the holder (advance and net instalments)
    advance: Decimal  # TTC: the advance requested
    advance_paid: Decimal
    advance_repaid: Decimal
    remaining: Decimal  # TTC: still to invoice at P0 on the phases not yet invoiced

    @property
    def advance_outstanding(self):
        return self.advance_paid - self.advance_repaid


def figures(contract, phases, invoices):
    """The financial summary, from the rows a page already loaded (phases with their
    revision, invoices): constant queries."""
    live = _live(invoices)
    invoiced_phase_ids = {i.contract_phase_id for i in live if i.contract_phase_id}
    revised = ZERO
    remaining = ZERO
    for phase in phases:
        rev = getattr(phase, "revision", None) if phase.pk in invoiced_phase_ids else None
        revised += rev.revised_excl_tax if rev else phase.amount_excl_tax
        if phase.pk not in invoiced_phase_ids:
            remaining += phase.amount_incl_tax
    if contract.state in ("terminated", "closed") and contract.terminated_on:
        remaining = sum(
            (
                p.amount_incl_tax
                for p in phases
                if p.state == PhaseState.ACCEPTED and p.pk not in invoiced_phase_ids
            ),
            ZERO,
        )
    advances = [i for i in live if i.kind == InvoiceKind.ADVANCE]
    paid_rows = [i for i in live if i.state == InvoiceState.PAID]
    return ContractFigures(
        committed=contract.expected_commitment(phases),
        revised=revised,
        invoiced=sum((i.amount_incl_tax for i in live if i.contract_phase_id), ZERO),
        paid=sum((i.net_amount for i in paid_rows), ZERO),
        advance=sum((i.amount_incl_tax for i in advances), ZERO),
        advance_paid=sum((i.amount_incl_tax for i in advances if i in paid_rows), ZERO),
        advance_repaid=sum((i.advance_repayment for i in paid_rows if i.contract_phase_id), ZERO),
        remaining=remaining,
    )
