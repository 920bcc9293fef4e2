"""Invariants of subsequent contracts' execution, checked over the whole database (see
invariants.py): the advance is never repaid beyond itself nor later than 80 % of execution
(R2191-12), every accepted phase has its certificate, a revision's figures follow its
formula, a closed contract's statement balances, a termination released only the part not
executed."""

from collections import defaultdict
from decimal import Decimal

from framework_agreements import revision as revision_rules
from procurement.money import format_euros

from . import advance, statement
from .models import (
    ContractState,
    Document,
    Invoice,
    InvoiceKind,
    InvoiceState,
    PhaseState,
    PriceRevision,
    SubsequentContract,
)

ZERO = Decimal("0.00")


def advance_repayments():
    breaches = []
    repaid = defaultdict(lambda: ZERO)
    granted = {}
    for invoice in Invoice.objects.filter(subsequent_contract__isnull=False).exclude(
        state=InvoiceState.REJECTED
    ):
        if invoice.kind == InvoiceKind.ADVANCE:
            granted[invoice.subsequent_contract_id] = invoice.amount_incl_tax
        else:
            repaid[invoice.subsequent_contract_id] += invoice.advance_repayment
    for contract in SubsequentContract.objects.prefetch_related("phases"):
        total = repaid[contract.pk]
        given = granted.get(contract.pk, ZERO)
        if total > given:
            breaches.append(
                f"Marché {contract.number} : {format_euros(total)} précomptés pour une avance de "
                f"{format_euros(given)}."
            )
        executed = sum(
            (p.amount_incl_tax for p in contract.phases.all() if p.state == PhaseState.ACCEPTED),
            ZERO,
        )
        reached_80 = executed * 100 >= advance.END * contract.total_incl_tax
        if given and reached_80 and _all_phases_invoiced(contract) and total < given:
            breaches.append(
                f"Marché {contract.number} : avance non remboursée à 80 % d'exécution "
                f"({format_euros(total)} sur {format_euros(given)}, article R2191-12)."
            )
    return breaches


def _all_phases_invoiced(contract):
    accepted = {p.pk for p in contract.phases.all() if p.state == PhaseState.ACCEPTED}
    invoiced = set(
        contract.invoices.exclude(state=InvoiceState.REJECTED).values_list(
            "contract_phase_id", flat=True
        )
    )
    return accepted <= invoiced


def certificates_and_revisions():
    breaches = []
    certified = set(
        Document.objects.filter(kind="phase_certificate").values_list(
            "contract_phase_id", flat=True
        )
    )
    for contract in SubsequentContract.objects.prefetch_related("phases"):
        for phase in contract.phases.all():
            if phase.state == PhaseState.ACCEPTED and phase.pk not in certified:
                breaches.append(
                    f"Marché {contract.number}, {phase.label} : acceptée sans attestation de "
                    "service fait conservée."
                )
    for rev in PriceRevision.objects.select_related("phase__contract"):
        expected = revision_rules.revise(
            rev.price_excl_tax,
            fixed_part=rev.fixed_part,
            variable_part=rev.variable_part,
            base_index=rev.base_index,
            index=rev.index,
            base_month=rev.base_month,
            month=rev.month,
        )
        if (expected.coefficient, expected.revised) != (rev.coefficient, rev.revised_excl_tax):
            breaches.append(f"{rev} : le prix révisé ne suit pas la formule.")
        if rev.committed_increase != max(expected.difference, ZERO):
            breaches.append(f"{rev} : la hausse engagée ne correspond pas à la révision.")
    return breaches


def closed_contracts():
    breaches = []
    for contract in SubsequentContract.objects.filter(state=ContractState.CLOSED):
        result = statement.statement(contract)
        if contract.terminated_on is None and result.balance != 0:
            breaches.append(
                f"Marché {contract.number} clos avec un solde de {format_euros(result.balance)}."
            )
        if not contract.documents.filter(kind="closing_statement").exists():
            breaches.append(f"Marché {contract.number} clos sans décompte final conservé.")
    for contract in SubsequentContract.objects.filter(terminated_on__isnull=False):
        kept = sum(
            (p.amount_excl_tax for p in contract.phases.all() if p.state == PhaseState.ACCEPTED),
            ZERO,
        )
        if contract.total_excl_tax - contract.released_amount < kept:
            breaches.append(
                f"Marché {contract.number} : la résiliation a libéré une part exécutée."
            )
    return breaches


CHECKS = [
    ("Avances des marchés subséquents", advance_repayments),
    ("Service fait et révisions", certificates_and_revisions),
    ("Marchés clos et résiliés", closed_contracts),
]
