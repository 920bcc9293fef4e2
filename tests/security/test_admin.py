"""The admin: business records read-only for everyone, reference data edited by its owner,
and the ceiling invariant kept when a maximum is edited there or in a shell."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from framework_agreements import ceiling
from framework_agreements.models import FrameworkAgreement, Lot
from procurement.models import AuditEvent
from tests.factories import UserFactory, make_agreement
from tests.fast_factories import fast_order

STAFF = {
    "buyer": dict(buyer=True, is_staff=True),
    "finance": dict(finance=True, is_staff=True),
    "admin": dict(admin=True, is_superuser=True),
}
# model admin url name: roles that may change it (everyone may not add business records).
REFERENCE = {
    "framework_agreements_frameworkagreement": {"buyer", "admin"},
    "framework_agreements_holder": {"buyer", "admin"},
    "framework_agreements_company": {"buyer", "admin"},
    "framework_agreements_lotholding": {"buyer", "admin"},
    "orders_latepaymentrate": {"finance", "admin"},
    "procurement_user": {"admin"},
    "procurement_service": {"admin"},
    "teams_expert": {"admin"},
    "teams_profession": {"admin"},
}
BUSINESS = [
    "orders_teamrequest",
    "orders_purchaseorder",
    "orders_document",
    "teams_team",
    "teams_substitution",
    "framework_agreements_commitmententry",
]


@pytest.fixture
def staff(db):
    return {role: UserFactory(username=f"staff-{role}", **kw) for role, kw in STAFF.items()}


@pytest.mark.parametrize("model", REFERENCE)
@pytest.mark.parametrize("role", STAFF)
def test_reference_data_is_edited_by_the_role_that_owns_it(client, staff, role, model):
    client.force_login(staff[role])
    status = client.get(reverse(f"admin:{model}_add")).status_code
    assert (status == 200) is (role in REFERENCE[model]), (role, model, status)


@pytest.mark.parametrize("model", BUSINESS)
@pytest.mark.parametrize("role", STAFF)
def test_business_records_are_read_only_for_everyone(client, staff, role, model, pilot35):
    make_agreement()
    order = fast_order(pilot35, staff["buyer"], state="issued")
    client.force_login(staff[role])
    assert client.get(reverse(f"admin:{model}_add")).status_code == 403
    assert client.get(reverse(f"admin:{model}_changelist")).status_code == 200
    if model == "orders_purchaseorder":
        url = reverse(f"admin:{model}_change", args=[order.pk])
        response = client.post(url, {"ej_number": "9999999999"})
        assert response.status_code == 403
        order.refresh_from_db()
        assert order.ej_number != "9999999999"


def test_lowering_a_maximum_below_what_is_committed_is_refused_in_the_admin(client, staff, pilot35):
    agreement = make_agreement(maximum=Decimal("1000000.00"))
    fast_order(pilot35, staff["buyer"], state="issued")  # 18 100 € committed
    client.force_login(staff["buyer"])
    url = reverse("admin:framework_agreements_frameworkagreement_change", args=[agreement.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "maximum_amount": "1000.00",
            "notification_date": agreement.notification_date.isoformat(),
            "start_date": agreement.start_date.isoformat(),
            "authorised_services": [s.pk for s in agreement.authorised_services.all()],
            "lots-TOTAL_FORMS": "0",
            "lots-INITIAL_FORMS": "0",
        }
    )
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200 and "ne peut être inférieur au montant déjà engagé" in html
    assert "18\u00a0100,00\u00a0€" in html and "R2162-4" in html
    agreement.refresh_from_db()
    assert agreement.maximum_amount == Decimal("1000000.00")


def test_the_shell_path_goes_through_the_same_check(db, staff, pilot35):
    agreement = make_agreement(lot_maximum=Decimal("50000.00"))
    fast_order(pilot35, staff["buyer"], state="issued")
    agreement = FrameworkAgreement.objects.get(pk=agreement.pk)
    agreement.maximum_amount = Decimal("1000.00")
    with pytest.raises(ValidationError, match="déjà engagé"):
        agreement.save()
    lot = Lot.objects.get(agreement=agreement)
    lot.maximum_amount = Decimal("18000.00")
    with pytest.raises(ValidationError, match="du lot"):
        lot.save()
    assert ceiling.agreement_figures(agreement).maximum == Decimal("1000000.00")
    # Raising it, or lowering it down to what is committed, is fine.
    agreement.maximum_amount = Decimal("18100.00")
    agreement.save()


def test_every_admin_change_is_in_the_audit_log(client, staff):
    client.force_login(staff["finance"])
    client.post(
        reverse("admin:orders_latepaymentrate_add"),
        {"valid_from": "2027-01-01", "ecb_rate": "2.15"},
    )
    event = AuditEvent.objects.get(event="admin_change")
    assert event.user == staff["finance"] and event.detail["action"] == "ajout"
    assert event.detail["model"] == "latepaymentrate"
