import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from framework_agreements import ceiling
from framework_agreements.models import Company, FrameworkAgreement, Holder, Lot
from tests.factories import CompanyFactory, make_agreement, valid_siret


def _agreement(**overrides):
    data = dict(
        reference="AC-X",
        title="Test",
        number_prefix="X",
        mechanism="purchase_orders",
        procedure="open",
        notification_date=datetime.date(2025, 8, 1),
        start_date=datetime.date(2025, 9, 1),
        duration_months=48,
        maximum_amount=Decimal("100000.00"),
        allocation_rule="cascade",
    )
    data.update(overrides)
    return FrameworkAgreement(**data)


def test_a_duration_over_48_months_is_refused_with_a_clear_message(db):
    with pytest.raises(ValidationError) as excinfo:
        _agreement(duration_months=49).full_clean()
    message = " ".join(excinfo.value.message_dict["duration_months"])
    assert "4 ans (48 mois)" in message and "L2125-1" in message


def test_the_database_also_refuses_a_duration_over_48_months(db):
    with pytest.raises(IntegrityError):
        _agreement(duration_months=60).save()


def test_48_months_is_accepted(db):
    _agreement(duration_months=48).full_clean()


def test_the_maximum_is_mandatory(db):
    with pytest.raises(ValidationError) as excinfo:
        _agreement(maximum_amount=None).full_clean()
    assert "R2162-4" in " ".join(excinfo.value.message_dict["maximum_amount"])


def test_the_minimum_cannot_exceed_the_maximum(db):
    with pytest.raises(ValidationError) as excinfo:
        _agreement(minimum_amount=Decimal("200000")).full_clean()
    assert "minimum_amount" in excinfo.value.message_dict


def test_a_purchase_order_agreement_needs_an_allocation_rule(db):
    with pytest.raises(ValidationError) as excinfo:
        _agreement(allocation_rule="").full_clean()
    assert "allocation_rule" in excinfo.value.message_dict


def test_end_date_and_in_force_period_include_renewals(db):
    agreement = _agreement()
    assert agreement.end_date == datetime.date(2029, 8, 31)
    assert agreement.is_in_force(datetime.date(2029, 8, 31))
    assert not agreement.is_in_force(datetime.date(2029, 9, 1))
    assert not agreement.is_in_force(datetime.date(2025, 8, 31))


def test_an_invalid_siret_is_refused(db):
    company = Company(name="X", siret="12345678901234", address="a", postcode="35000", city="R")
    with pytest.raises(ValidationError) as excinfo:
        company.full_clean()
    assert "SIRET" in " ".join(excinfo.value.message_dict["siret"])


def test_a_valid_siret_is_accepted(db):
    Company(name="X", siret=valid_siret(), address="a", postcode="35000", city="R").full_clean()


def test_la_poste_sirets_follow_their_own_rule(db):
    # La Poste's establishments (SIREN 356000000) use a digit-sum rule, not Luhn.
    Company(
        name="La Poste", siret="35600000000048", address="a", postcode="75015", city="Paris"
    ).full_clean()


def test_a_consortium_must_say_whether_it_is_joint_or_jointly_liable(db):
    holder = Holder(
        name="G",
        kind="consortium",
        company=CompanyFactory(),
        contact_name="c",
        contact_email="c@example.fr",
    )
    with pytest.raises(ValidationError):
        holder.full_clean()
    holder.consortium_type = "joint"
    holder.full_clean()


# --- ceiling ---------------------------------------------------------------------------------


def test_ceiling_figures_sum_the_ledger(db, buyer):
    agreement = make_agreement(maximum=Decimal("1000.00"))
    lot = agreement.lots.get()
    ceiling.commit(
        agreement=agreement,
        lot=lot,
        amount=Decimal("250.10"),
        source="t:1",
        reference="A",
        by=buyer,
    )
    ceiling.commit(
        agreement=agreement,
        lot=lot,
        amount=Decimal("149.90"),
        source="t:2",
        reference="B",
        by=buyer,
    )
    figures = ceiling.agreement_figures(agreement)
    assert figures.committed == Decimal("400.00")
    assert figures.remaining == Decimal("600.00")
    assert figures.percent_used == Decimal("40.0")
    listed = dict(ceiling.with_figures(FrameworkAgreement.objects.filter(pk=agreement.pk)))
    assert listed[agreement] == figures
    assert ceiling.verify(agreement) == []  # the running totals equal the ledger


def test_a_commitment_over_the_maximum_is_refused_with_the_remaining_amount(db, buyer):
    agreement = make_agreement(maximum=Decimal("1000.00"))
    lot = agreement.lots.get()
    ceiling.commit(
        agreement=agreement, lot=lot, amount=Decimal("900"), source="t:1", reference="A", by=buyer
    )
    with pytest.raises(ceiling.CeilingExceeded) as excinfo:
        ceiling.commit(
            agreement=agreement,
            lot=lot,
            amount=Decimal("100.01"),
            source="t:2",
            reference="B",
            by=buyer,
        )
    assert "100,00\u00a0€" in str(excinfo.value)
    assert ceiling.agreement_figures(agreement).committed == Decimal("900.00")


def test_committing_exactly_the_remaining_amount_is_allowed(db, buyer):
    agreement = make_agreement(maximum=Decimal("1000.00"))
    ceiling.commit(
        agreement=agreement,
        lot=None,
        amount=Decimal("1000.00"),
        source="t:1",
        reference="A",
        by=buyer,
    )
    assert ceiling.agreement_figures(agreement).is_reached


def test_a_lot_with_its_own_maximum_is_checked_too(db, buyer):
    agreement = make_agreement(maximum=Decimal("10000.00"), lot_maximum=Decimal("500.00"))
    lot = agreement.lots.get()
    with pytest.raises(ceiling.CeilingExceeded) as excinfo:
        ceiling.commit(
            agreement=agreement,
            lot=lot,
            amount=Decimal("600"),
            source="t:1",
            reference="A",
            by=buyer,
        )
    assert "du lot 1" in str(excinfo.value)
    assert ceiling.lot_figures(lot).committed == Decimal("0.00")


def test_a_lot_without_its_own_maximum_has_no_figures(db):
    assert ceiling.lot_figures(make_agreement().lots.get()) is None


def test_release_gives_back_what_a_source_holds_once(db, buyer):
    agreement = make_agreement(maximum=Decimal("1000.00"))
    ceiling.commit(
        agreement=agreement, lot=None, amount=Decimal("300"), source="t:1", reference="A", by=buyer
    )
    ceiling.release(agreement=agreement, source="t:1", reference="A", by=buyer)
    assert ceiling.release(agreement=agreement, source="t:1", reference="A", by=buyer) is None
    assert ceiling.agreement_figures(agreement).committed == Decimal("0.00")
    assert agreement.commitments.count() == 2


def test_the_ledger_refuses_a_release_with_a_positive_amount(db, buyer):
    agreement = make_agreement()
    with pytest.raises(IntegrityError):
        agreement.commitments.create(
            kind="release", amount=Decimal("5"), source="x", reference="x", created_by=buyer
        )


def test_lots_are_numbered_once_per_agreement(db):
    agreement = make_agreement()
    with pytest.raises(IntegrityError):
        Lot.objects.create(agreement=agreement, number=1, title="bis")


def test_the_minimum_shows_its_progress_and_warns_in_the_last_six_months(client, buyer):
    from tests.factories import make_local_agreement

    agreement = make_local_agreement()  # minimum 200 000 €
    ceiling.commit(
        agreement=agreement,
        lot=None,
        amount=Decimal("50000.00"),
        source="x",
        reference="X",
        by=buyer,
    )
    figures = ceiling.agreement_figures(agreement)
    assert figures.minimum_percent == Decimal("25.0") and not figures.minimum_at_risk
    client.force_login(buyer)
    page = client.get(f"/accords-cadres/{agreement.pk}/").content.decode()
    assert "Minimum" in page and "25,0 %" in page.replace(".", ",")
    # Five months before the end, 25 % of the minimum: a warning, on the page and the dashboard.
    near_end = agreement.end_date - datetime.timedelta(days=150)
    assert agreement.minimum_at_risk(Decimal("50000.00"), near_end)
    assert not agreement.minimum_at_risk(Decimal("200000.00"), near_end)
    from framework_agreements.models import add_months

    # The agreement now ends in five months.
    FrameworkAgreement.objects.filter(pk=agreement.pk).update(
        start_date=add_months(datetime.date.today(), 5 - 48)
    )
    for url in (f"/accords-cadres/{agreement.pk}/", "/"):
        assert "Minimum non atteint à moins de six mois" in client.get(url).content.decode(), url
