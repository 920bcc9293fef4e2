"""What the demo holds, read from one demo seeded for the whole module."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from framework_agreements.models import Company, FrameworkAgreement
from orders.enums import OrderState, RequestState
from orders.models import PurchaseOrder, TeamRequest
from procurement.models import User


@pytest.fixture(autouse=True)
def development(settings):
    settings.DEBUG = True  # the demo is for development; production has its own guard


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """One demo, seeded once for the tests that read it (a seed takes half a minute): each
    test runs in a savepoint inside this transaction, which is rolled back after the module."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(DEBUG=True, MEDIA_ROOT=media):
        with transaction.atomic():
            call_command("seed_demo")
            yield
            transaction.set_rollback(True)


def test_seed_demo_is_idempotent_and_covers_every_state_for_both_pilots(seeded, db):
    counts = (TeamRequest.objects.count(), PurchaseOrder.objects.count(), Company.objects.count())
    call_command("seed_demo")
    assert (
        TeamRequest.objects.count(),
        PurchaseOrder.objects.count(),
        Company.objects.count(),
    ) == counts
    for service in ("DDTM-35", "DDTM-29"):
        request_states = set(
            TeamRequest.objects.filter(service__code=service).values_list("state", flat=True)
        )
        assert request_states == set(RequestState.values)
        order_states = set(
            PurchaseOrder.objects.filter(request__service__code=service).values_list(
                "state", flat=True
            )
        )
        assert order_states == set(OrderState.values)


def test_seed_demo_agreements_and_holders_are_valid(seeded, db):
    flash = FrameworkAgreement.objects.get(number_prefix="FLASH")
    local = FrameworkAgreement.objects.get(number_prefix="LOCAL")
    assert flash.allocation_rule == "cascade" and flash.duration_months == 48
    assert flash.lots.get().holdings.count() >= 3
    local_holders = [h.holder for h in local.lots.get().holdings.all()]
    assert len(local_holders) >= 4 and any(h.is_consortium for h in local_holders)
    codes = set(flash.lots.get().holdings.first().price_lines.values_list("code", flat=True))
    assert {"F01", "F02", "F03"} <= codes
    for agreement in (flash, local):
        agreement.full_clean()
    for company in Company.objects.all():
        company.full_clean()
        assert "fictif" in company.name
    from framework_agreements.models.holders import validate_siret
    from orders import decp
    from procurement.models import Service

    for siret in Service.objects.exclude(siret="").values_list("siret", flat=True):
        validate_siret(siret)
    document, published = decp.build()  # the demo's open data validate against the schema
    assert len(document["marches"]["marche"]) == len(published) >= 3


def test_all_five_demo_accounts_can_log_in(seeded, db):
    for username in ("acheteur", "pilote35", "pilote29", "finance", "admin"):
        client = Client()
        response = client.post(
            "/connexion/", {"username": username, "password": "Atelier-demo-2026"}
        )
        assert response.status_code == 302 and response["Location"] == "/", username
        assert client.get("/").status_code == 200


def test_a_later_run_never_resets_an_account(seeded, db):
    buyer = User.objects.get(username="acheteur")
    buyer.set_password("Changé-par-son-titulaire-2026")
    buyer.role = "finance"
    buyer.save()
    call_command("seed_demo")
    buyer.refresh_from_db()
    assert buyer.check_password("Changé-par-son-titulaire-2026") and buyer.role == "finance"


def test_the_demo_timeline_makes_sense(seeded, db):

    from django.utils import timezone

    from orders import late_payment
    from orders.models import Invoice, Payment

    today = datetime.date.today()
    issued = [
        timezone.localtime(o.issued_at).date()
        for o in PurchaseOrder.objects.exclude(issued_at=None)
    ]
    # Orders issued over the months since the agreement started, none today for all.
    assert len({(d.year, d.month) for d in issued}) >= 6
    assert min(issued) >= FrameworkAgreement.objects.get(number_prefix="FLASH").start_date
    for order in PurchaseOrder.objects.exclude(issued_at=None):
        facts = [
            timezone.localtime(order.issued_at).date(),
            order.notified_at and timezone.localtime(order.notified_at).date(),
            order.holder_accepted_at,
            order.started_on,
        ]
        facts = [d for d in facts if d]
        assert facts == sorted(facts) and facts[-1] <= today, order.number
        if order.started_on:
            assert order.started_on <= order.session_start
        if order.delivered_at:  # sessions before deliveries, deliveries before certificates
            assert order.session_end <= order.delivered_at <= today
        if order.service_done_at:
            assert order.delivered_at <= order.service_done_at <= today
        for invoice in order.invoices.all():  # invoices after the work
            assert invoice.received_on >= order.service_done_at
            assert invoice.received_on >= timezone.localtime(order.issued_at).date()
    payments = list(Payment.objects.select_related("invoice__purchase_order"))
    assert any(p.days_late == 0 for p in payments)
    late = [p for p in payments if p.days_late > 0]
    assert late and all(p.interest_due and p.ecb_rate is not None for p in late)
    assert any(
        late_payment.half_year_start(p.invoice.due_date)
        != late_payment.half_year_start(p.invoice.due_date + datetime.timedelta(days=1))
        for p in late
    ), "a late payment whose interest starts in the next half-year"
    assert Invoice.objects.exclude(interrupted_on=None).exists()
    assert all(p.paid_on <= today for p in payments)
    # Declines spread the orders across the cascade.
    assert PurchaseOrder.objects.exclude(number="").values("holder").distinct().count() >= 2


def test_the_demo_has_local_consultations_in_every_state_for_both_pilots(seeded, db):
    from decimal import Decimal

    from orders.models import Consultation, SubsequentContract

    wanted = {"draft", "launched", "evaluating", "awarded", "unsuccessful", "cancelled"}
    for service in ("DDTM-35", "DDTM-29"):
        states = set(
            Consultation.objects.filter(request__service__code=service).values_list(
                "state", flat=True
            )
        )
        assert wanted <= states, service
    evaluating = Consultation.objects.filter(state="evaluating").first()
    assert evaluating.deadline_passed() and evaluating.offers.filter(scores__isnull=False).exists()
    assert SubsequentContract.objects.filter(total_excl_tax__gte=Decimal("40000")).exists()
    local = FrameworkAgreement.objects.get(number_prefix="LOCAL")
    assert not local.lots.get().holdings.filter(price_lines__isnull=False).exists()


def test_the_demo_runs_contracts_through_every_execution_state(seeded, db):
    from orders import invariants
    from orders.models import PriceRevision, SubsequentContract
    from procurement import clock

    states = set(SubsequentContract.objects.values_list("state", flat=True))
    assert states == {"awarded", "notified", "in_execution", "completed", "closed", "terminated"}
    # One advance paid and being repaid; revised instalments across index months; one
    # terminated early with its unexecuted part released; one closed with its statement.
    repaying = (
        SubsequentContract.objects.filter(invoices__kind="advance", invoices__state="paid")
        .filter(invoices__advance_repayment__gt=0)
        .distinct()
    )
    assert repaying.filter(state="in_execution").exists()
    months = PriceRevision.objects.values("phase__contract").distinct()
    assert any(
        PriceRevision.objects.filter(phase__contract=row["phase__contract"])
        .values("month")
        .distinct()
        .count()
        >= 2
        for row in months
    )
    terminated = SubsequentContract.objects.get(state="terminated")
    assert terminated.released_amount > 0 and terminated.advance_declined
    closed = SubsequentContract.objects.get(state="closed")
    assert closed.documents.filter(kind="closing_statement").exists()
    # Nothing in the future, and every invariant holds.
    today = clock.today()
    assert not SubsequentContract.objects.filter(phases__accepted_on__gt=today).exists()
    assert invariants.breaches() == []
