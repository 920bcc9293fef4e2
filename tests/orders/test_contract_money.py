"""The money of a subsequent contract, with the issue's worked example: 100 000 € excl. tax,
120 000 € incl. tax, phases 10/25/25/25/15 %, so instalments of 12 000, 30 000, 30 000,
30 000 and 18 000 € incl. tax."""

import datetime
from decimal import Decimal

import pytest

from framework_agreements import ceiling, revision
from framework_agreements.models import SyntecIndex
from orders import advance, services, statement
from orders.models import Invoice, PriceRevision
from procurement import clock
from tests.contract_factories import (
    SHARES,
    execute_and_invoice,
    fresh,
    invoice_advance,
    invoice_phase,
    make_contract,
    seed_indices,
)
from tests.factories import make_local_agreement

D = Decimal
INSTALMENTS = [D("12000"), D("30000"), D("30000"), D("30000"), D("18000")]
PHASES = list(SHARES)


@pytest.fixture
def agreement(db):
    return make_local_agreement(holders=3)


# --- the rules, on their own --------------------------------------------------------------------


def test_advance_at_30_percent_over_10_months_is_36_000():
    assert advance.amount(D("30"), D("120000"), 10) == D("36000.00")


def test_advance_at_30_percent_over_18_months_is_spread_to_24_000():
    # R2191-7: 30 % × 12 × 120 000 / 18
    assert advance.amount(D("30"), D("120000"), 18) == D("24000.00")


def test_the_advance_is_required_above_50_000_excl_tax_and_two_months():
    assert advance.is_required(D("100000"), 10)
    assert not advance.is_required(D("50000"), 10)  # not above 50 000
    assert not advance.is_required(D("100000"), 2)  # not more than two months


def _repayments(advance_amount, rate):
    repaid, deductions = D("0"), []
    executed = D("0")
    for instalment in INSTALMENTS:
        executed += instalment
        due = advance.repayment_due(advance_amount, rate, executed, D("120000"))
        cut = advance.deduction(instalment, due, repaid)
        repaid += cut
        deductions.append(cut)
    return deductions


def test_repayment_of_a_36_000_advance_runs_from_65_to_80_percent():
    deductions = _repayments(D("36000"), D("30"))
    assert deductions == [D("0"), D("0"), D("0"), D("30000"), D("6000")]
    nets = [i - d for i, d in zip(INSTALMENTS, deductions, strict=True)]
    assert nets == [D("12000"), D("30000"), D("30000"), D("0"), D("12000")]


def test_repayment_of_a_40_percent_advance_runs_from_the_first_payment_to_80_percent():
    deductions = _repayments(D("48000"), D("40"))
    assert deductions == [D("6000"), D("15000"), D("15000"), D("12000"), D("0")]
    nets = [i - d for i, d in zip(INSTALMENTS, deductions, strict=True)]
    assert nets == [D("6000"), D("15000"), D("15000"), D("18000"), D("18000")]


def test_syntec_revision_of_30_000_with_300_then_309_gives_30_765():
    result = revision.revise(
        D("30000.00"),
        fixed_part=D("0.15"),
        variable_part=D("0.85"),
        base_index=D("300.0"),
        index=D("309.0"),
        base_month=datetime.date(2027, 3, 1),
        month=datetime.date(2027, 6, 1),
    )
    assert result.coefficient == D("1.0255")
    assert result.revised == D("30765.00")


def test_the_coefficient_is_rounded_half_up_to_four_decimals():
    # 0.15 + 0.85 × 301.1 / 300 = 1.0031166… → 1.0031
    # 0.15 + 0.85 × 300.3 / 300 = 1.00085 exactly → 1.0009 (half-up)
    assert revision.coefficient(D("0.15"), D("0.85"), D("301.1"), D("300")) == D("1.0031")
    assert revision.coefficient(D("0.15"), D("0.85"), D("300.3"), D("300")) == D("1.0009")


# --- the same numbers through the services ------------------------------------------------------


def test_the_contract_takes_the_sme_rate_and_its_advance_is_36_000(agreement, pilot35, buyer):
    contract = make_contract(pilot35, buyer, "notified")
    assert contract.total_excl_tax == D("100000.00")
    assert contract.total_incl_tax == D("120000.00")
    assert [p.amount_incl_tax for p in contract.phases.order_by("position")] == INSTALMENTS
    assert contract.advance_rate == D("30.00")  # the holder is an SME: the agreement's SME rate
    assert contract.advance_amount == D("36000.00")


def test_a_consortium_whose_lead_is_not_an_sme_takes_the_standard_rate(agreement, pilot35, buyer):
    for holding in agreement.lots.get().holdings.all():
        company = holding.holder.company
        company.is_sme = False
        company.save()
    contract = make_contract(pilot35, buyer, "awarded")
    assert contract.advance_rate == agreement.advance_rate_standard == D("5.00")
    assert contract.advance_amount == D("6000.00")


def test_instalments_deduct_the_repayment_of_a_36_000_advance(agreement, pilot35, buyer, finance):
    contract = make_contract(pilot35, buyer, "in_execution", indices=False)
    SyntecIndex.objects.bulk_create(  # flat index: no revision, the numbers exactly
        SyntecIndex(month=datetime.date(2027, m, 1), value=D("300.0")) for m in range(3, 11)
    )
    invoice_advance(contract, finance)
    rows = execute_and_invoice(contract, pilot35, finance)
    assert [i.amount_incl_tax for i in rows] == INSTALMENTS
    assert [i.advance_repayment for i in rows] == [D(0), D(0), D(0), D(30000), D(6000)]
    assert [i.net_amount for i in rows] == [D(12000), D(30000), D(30000), D(0), D(12000)]
    assert [i.payment.amount for i in rows] == [D(12000), D(30000), D(30000), D(0), D(12000)]


def test_instalments_deduct_the_repayment_of_a_40_percent_advance(
    agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "in_execution", advance_rate="40", indices=False)
    SyntecIndex.objects.bulk_create(
        SyntecIndex(month=datetime.date(2027, m, 1), value=D("300.0")) for m in range(3, 11)
    )
    assert contract.advance_amount == D("48000.00")
    invoice_advance(contract, finance)
    rows = execute_and_invoice(contract, pilot35, finance)
    assert [i.advance_repayment for i in rows] == [D(6000), D(15000), D(15000), D(12000), D(0)]
    assert [i.net_amount for i in rows] == [D(6000), D(15000), D(15000), D(18000), D(18000)]


def test_what_an_instalment_cannot_deduct_carries_to_the_next(agreement, pilot35, buyer, finance):
    """Kick-off, diagnosis, strategy and roadmap accepted before any is invoiced: the
    kick-off's instalment (12 000) cannot carry the 36 000 due at 85 %; the rest follows."""
    contract = make_contract(pilot35, buyer, "in_execution", accepted=4)
    invoice_advance(contract, finance)
    first = invoice_phase(contract, "kickoff", finance)
    assert first.advance_repayment == first.amount_incl_tax  # all of it, net 0
    second = invoice_phase(contract, "diagnosis", finance)
    assert first.advance_repayment + second.advance_repayment == D("36000.00")


def test_a_revised_instalment_shows_p0_s0_s_and_commits_the_raise(
    agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "completed", indices=False)
    seed_indices({datetime.date(2027, 3, 1): D("300.0"), datetime.date(2027, 6, 1): D("309.0")})
    held = ceiling.held_by(contract.source_key, contract.agreement)
    invoice = invoice_phase(contract, "diagnosis", finance)  # accepted in June 2027
    rev = PriceRevision.objects.get(phase__contract=contract, phase__phase="diagnosis")
    assert (rev.price_excl_tax, rev.base_index, rev.index) == (D("25000"), D("300.0"), D("309.0"))
    assert rev.coefficient == D("1.0255")
    assert rev.revised_excl_tax == D("25637.50")
    assert invoice.amount_excl_tax == D("25637.50")
    assert invoice.amount_incl_tax == D("30765.00")
    assert ceiling.held_by(contract.source_key, contract.agreement) == held + D("637.50")
    assert fresh(contract).expected_commitment() == held + D("637.50")
    # The page sums the same raise from the phases it read with their revision.
    from orders.views.contracts import DETAIL_QUERYSET

    shown = DETAIL_QUERYSET.get(pk=contract.pk)
    assert shown.expected_commitment(list(shown.phases.all())) == held + D("637.50")


def test_a_missing_index_blocks_the_instalment_with_a_clear_message(
    agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=1)
    SyntecIndex.objects.filter(month=datetime.date(2027, 5, 1)).delete()
    with pytest.raises(services.ActionRefused, match="indice Syntec de 05/2027 n'est pas saisi"):
        invoice_phase(contract, "kickoff", finance, paid=False)
    assert not Invoice.objects.filter(subsequent_contract=contract).exists()  # nothing written


def test_a_raise_beyond_the_maximum_is_refused_with_the_remaining_amount(
    agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "in_execution", accepted=2, indices=False)
    type(agreement).objects.filter(pk=agreement.pk).update(
        maximum_amount=D("100100.00"), minimum_amount=None
    )
    seed_indices({datetime.date(2027, 6, 1): D("330.0")})  # +10 %: a raise of 2 125 € HT
    with pytest.raises(services.ActionRefused, match=r"Reste disponible : 100,00"):
        invoice_phase(contract, "diagnosis", finance, paid=False)
    assert not PriceRevision.objects.exists()
    assert ceiling.agreement_figures(agreement).committed == D("100000.00")


def test_the_advance_delay_runs_from_the_notification_or_the_guarantee(
    agreement, pilot35, buyer, finance
):
    contract = make_contract(pilot35, buyer, "notified")
    invoice = invoice_advance(contract, finance, paid=False)
    notified = clock.local_date(contract.notified_at)
    assert invoice.delay_start == notified  # R2192-24, whatever the invoice's date
    assert invoice.due_date == notified + datetime.timedelta(days=30)
    contract.guarantee_required = True
    contract.save()
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.due_date is None  # R2192-25: not before the guarantee is received
    with clock.frozen(notified + datetime.timedelta(days=20)):
        services.guarantee_record(
            contract=fresh(contract), by=finance, on=notified + datetime.timedelta(days=20)
        )
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.due_date == notified + datetime.timedelta(days=50)


def test_the_closing_statement_adds_up_with_no_cent_lost(agreement, pilot35, buyer, finance):
    contract = make_contract(pilot35, buyer, "in_execution", indices=False)
    # Odd indices: revised amounts with cents in every line.
    seed_indices(
        {
            datetime.date(2027, m, 1): (D("300.0") + D(m) / 3).quantize(D("0.1"))
            for m in range(4, 11)
        }
    )
    SyntecIndex.objects.filter(month=datetime.date(2027, 3, 1)).update(value=D("299.7"))
    invoice_advance(contract, finance)
    rows = execute_and_invoice(contract, pilot35, finance)
    with clock.frozen(datetime.date(2027, 12, 1)):
        services.contract_close(contract=fresh(contract), by=finance)
    result = statement.statement(fresh(contract))
    assert result.owed == sum(i.amount_incl_tax for i in rows)
    assert result.owed == result.revised_total + result.vat_total
    assert result.revised_total == result.price_total + result.revision_total
    assert result.owed == result.repaid + result.net_total
    assert result.paid == contract.advance_amount + sum(i.payment.amount for i in rows)
    assert result.repaid == contract.advance_amount  # fully repaid at 80 %
    assert result.balance == D("0.00")
    assert result.revision_total != 0
    doc = fresh(contract).documents.get(kind="closing_statement")
    assert doc.size > 1000
