"""The closing statement (décompte final) of a subsequent contract: every instalment with its
revision and the advance repayment it carried, the advance, what was paid, and the balance.

Every figure is a sum of stored cents, so the statement adds up with no cent lost:
  owed        = Σ instalments incl. tax (revised)
  paid        = advance paid + Σ net instalments paid
  balance     = owed − paid  (> 0: still owed to the holder; < 0: to recover from the holder)
and, once every instalment is paid, balance = − (advance paid − Σ repayments).
"""

from dataclasses import dataclass, field
from decimal import Decimal

from .models import InvoiceKind, InvoiceState

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Line:
    label: str
    accepted_on: object
    price_excl_tax: Decimal  # P0
    coefficient: Decimal | None
    revised_excl_tax: Decimal
    vat: Decimal
    amount_incl_tax: Decimal
    repayment: Decimal
    net: Decimal
    paid_on: object

    @property
    def revision(self):
        return self.revised_excl_tax - self.price_excl_tax

    @property
    def paid(self):
        return self.net if self.paid_on else ZERO


@dataclass(frozen=True)
class Statement:
    lines: list = field(default_factory=list)
    advance: Decimal = ZERO
    advance_paid_on: object = None

    @property
    def advance_paid(self):
        return self.advance if self.advance_paid_on else ZERO

    @property
    def owed(self):
        return sum((line.amount_incl_tax for line in self.lines), ZERO)

    @property
    def price_total(self):
        return sum((line.price_excl_tax for line in self.lines), ZERO)

    @property
    def revision_total(self):
        return sum((line.revision for line in self.lines), ZERO)

    @property
    def revised_total(self):
        return sum((line.revised_excl_tax for line in self.lines), ZERO)

    @property
    def vat_total(self):
        return sum((line.vat for line in self.lines), ZERO)

    @property
    def repaid(self):
        return sum((line.repayment for line in self.lines), ZERO)

    @property
    def net_total(self):
        return sum((line.net for line in self.lines), ZERO)

    @property
    def paid(self):
        return self.advance_paid + sum((line.paid for line in self.lines), ZERO)

    @property
    def advance_outstanding(self):
        return self.advance_paid - self.repaid

    @property
    def balance(self):
        return self.owed - self.paid


def statement(contract):
    """The statement of a contract from its accepted phases and live invoices."""
    invoices = [
        i
        for i in contract.invoices.select_related("payment").order_by("pk")
        if i.state != InvoiceState.REJECTED
    ]
    by_phase = {i.contract_phase_id: i for i in invoices if i.contract_phase_id}
    lines = []
    for phase in contract.phases.select_related("revision").order_by("position"):
        invoice = by_phase.get(phase.pk)
        if invoice is None:
            continue
        revision = getattr(phase, "revision", None)
        payment = getattr(invoice, "payment", None)
        lines.append(
            Line(
                label=phase.label,
                accepted_on=phase.accepted_on,
                price_excl_tax=phase.amount_excl_tax,
                coefficient=revision.coefficient if revision else None,
                revised_excl_tax=invoice.amount_excl_tax,
                vat=invoice.vat,
                amount_incl_tax=invoice.amount_incl_tax,
                repayment=invoice.advance_repayment,
                net=invoice.net_amount,
                paid_on=payment.paid_on if payment else None,
            )
        )
    advance = next((i for i in invoices if i.kind == InvoiceKind.ADVANCE), None)
    advance_payment = getattr(advance, "payment", None) if advance else None
    return Statement(
        lines=lines,
        advance=advance.amount_incl_tax if advance else ZERO,
        advance_paid_on=advance_payment.paid_on if advance_payment else None,
    )
