import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from framework_agreements.models import Company, FrameworkAgreement
from orders.enums import OrderState, RequestState
from orders.models import PurchaseOrder, TeamRequest
from procurement.models import User


@pytest.fixture(autouse=True)
def development(settings):
    settings.DEBUG = True  # the demo is for development; production has its own guard


def test_seed_demo_is_idempotent_and_covers_every_state_for_both_pilots(db):
    call_command("seed_demo")
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


def test_seed_demo_agreements_and_holders_are_valid(db):
    call_command("seed_demo")
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


def test_all_five_demo_accounts_can_log_in(db):
    call_command("seed_demo")
    for username in ("acheteur", "pilote35", "pilote29", "finance", "admin"):
        client = Client()
        response = client.post(
            "/connexion/", {"username": username, "password": "Atelier-demo-2026"}
        )
        assert response.status_code == 302 and response["Location"] == "/", username
        assert client.get("/").status_code == 200


def test_seed_demo_refuses_production_without_the_explicit_flag(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=False"):
        call_command("seed_demo")
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", allow_production=True)
    assert not User.objects.exists() and not TeamRequest.objects.exists()


def test_in_production_the_demo_accounts_take_the_given_password(db, settings, monkeypatch):
    settings.DEBUG = False
    monkeypatch.setenv("DEMO_PASSWORD", "Un-mot-de-passe-choisi-2026")
    call_command("seed_demo", allow_production=True)
    admin = User.objects.get(username="admin")
    assert admin.check_password("Un-mot-de-passe-choisi-2026")
    assert not admin.check_password("Atelier-demo-2026")


def test_a_later_run_never_resets_an_account(db):
    call_command("seed_demo")
    buyer = User.objects.get(username="acheteur")
    buyer.set_password("Changé-par-son-titulaire-2026")
    buyer.role = "finance"
    buyer.save()
    call_command("seed_demo")
    buyer.refresh_from_db()
    assert buyer.check_password("Changé-par-son-titulaire-2026") and buyer.role == "finance"
