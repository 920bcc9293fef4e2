from django.core.management import call_command
from django.test import Client

from framework_agreements.models import Company, FrameworkAgreement
from orders.enums import OrderState, RequestState
from orders.models import PurchaseOrder, TeamRequest


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
        assert client.login(username=username, password="Atelier-demo-2026"), username
        assert client.get("/").status_code == 200
