import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from framework_agreements import ceiling
from notifications import outbox
from orders import services
from orders.enums import OrderState
from orders.models import PurchaseOrder
from tests.factories import make_agreement, make_order, make_request, step_data
from tests.fast_factories import fast_order


@pytest.fixture
def agreement(db):
    return make_agreement()


# (action, source, target) for every order transition.
ORDER_TRANSITIONS = [
    ("issue", "draft", "issued"),
    ("notify", "issued", "notified"),
    ("holder_accept", "notified", "accepted"),
    ("decline", "notified", "declined"),
    ("start", "accepted", "in_progress"),
    ("deliver", "in_progress", "delivered"),
    ("certify", "delivered", "service_done"),
    ("close", "paid", "closed"),
    ("cancel", "draft", "cancelled"),
    ("cancel", "issued", "cancelled"),
    ("cancel", "notified", "cancelled"),
]
ALLOWED = {(a, s) for a, s, _ in ORDER_TRANSITIONS}
FINANCE_ACTIONS = set()  # invoices and payments are orders/services/invoices.py


def _run(order, action, user, comment="motif"):
    order = PurchaseOrder.objects.get(pk=order.pk)
    result = services.ORDER_ACTIONS[action].run(
        order, by=user, comment=comment, **step_data(action, order)
    )
    if action == "notify":  # the e-mail leaves: the system notifies the order
        outbox.deliver_about(order)
    return result


@pytest.mark.parametrize("action,source,target", ORDER_TRANSITIONS)
def test_every_order_transition_from_its_source_state(
    action, source, target, agreement, pilot35, buyer, finance
):
    order = fast_order(pilot35, buyer, finance, state=source)
    actor = finance if action in FINANCE_ACTIONS else buyer
    _run(order, action, actor)
    order.refresh_from_db()
    assert order.state == target
    row = order.history.filter(state=target).first()
    if action == "notify":  # queued by the buyer, notified by the system when the e-mail left
        assert row.history_user is None and "courriel parti le" in row.history_change_reason
        queued = order.history.filter(history_change_reason__contains="mis en file").get()
        assert queued.history_user == actor
    else:
        assert row.history_user == actor
        assert services.ORDER_ACTIONS[action].label in row.history_change_reason


FORBIDDEN_PAIRS = [
    (action, state)
    for action in services.ORDER_ACTIONS.names()
    for state in OrderState.values
    if (action, state) not in ALLOWED
]


@pytest.mark.parametrize("action,state", FORBIDDEN_PAIRS)
def test_no_order_transition_from_any_other_state(
    action, state, agreement, pilot35, buyer, finance
):
    order = fast_order(pilot35, buyer, finance, state=state)
    actor = finance if action in FINANCE_ACTIONS else buyer
    with pytest.raises(services.ActionRefused):
        _run(order, action, actor)
    assert PurchaseOrder.objects.get(pk=order.pk).state == state


ROLE_ALLOWED = {
    "issue": {"buyer", "pilot35"},
    "notify": {"buyer", "pilot35"},
    "holder_accept": {"buyer", "pilot35"},
    "decline": {"buyer", "pilot35"},
    "cancel": {"buyer", "pilot35"},
    "start": {"buyer", "pilot35"},
    "deliver": {"buyer", "pilot35"},
    "certify": {"buyer", "pilot35"},
    "close": {"buyer", "finance"},
}
SOURCE_FOR = {a: s for a, s, _ in ORDER_TRANSITIONS}


@pytest.mark.parametrize("role", ["buyer", "finance", "admin", "pilot35", "pilot29"])
@pytest.mark.parametrize("action", services.ORDER_ACTIONS.names())
def test_each_role_may_or_may_not_perform_each_order_transition(action, role, agreement, all_users):
    u = all_users
    order = fast_order(u["pilot35"], u["buyer"], u["finance"], state=SOURCE_FOR[action])
    user = u[role]
    if role in ROLE_ALLOWED[action]:
        if action == "issue":
            services.order_issue(order=order, by=user)
        else:
            _run(order, action, user)
        assert PurchaseOrder.objects.get(pk=order.pk).state != SOURCE_FOR[action]
    else:
        with pytest.raises(services.ActionRefused):
            _run(order, action, user)
        assert PurchaseOrder.objects.get(pk=order.pk).state == SOURCE_FOR[action]


def test_a_pilot_whose_service_is_not_an_authorised_buyer_cannot_issue(db, buyer, finance):
    from tests.factories import UserFactory

    make_agreement(authorised=("DGALN-AD1",))
    pilot = UserFactory()
    order = make_order(pilot, buyer, finance)
    with pytest.raises(services.ActionRefused, match="R2162-6"):
        services.order_issue(order=order, by=pilot)
    assert PurchaseOrder.objects.get(pk=order.pk).state == "draft"


def test_a_pilot_of_an_authorised_service_issues_their_own_order(
    agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance)
    services.order_issue(order=order, by=pilot35)
    order.refresh_from_db()
    assert order.issuing_service == pilot35.service and order.number


# --- numbering, ceiling, in force ---------------------------------------------------------------


def test_numbers_are_gapless_per_agreement_and_year_and_kept_on_cancel(
    agreement, pilot35, buyer, finance
):
    year = datetime.date.today().year
    first = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    cancelled = make_order(pilot35, buyer, finance, state=OrderState.CANCELLED)
    third = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    assert [first.number, cancelled.number, third.number] == [
        f"FLASH-{year}-0001",
        f"FLASH-{year}-0002",
        f"FLASH-{year}-0003",
    ]
    draft = make_order(pilot35, buyer, finance)
    assert draft.number == ""


def test_issuing_over_the_ceiling_is_refused_with_the_remaining_amount(db, pilot35, buyer, finance):
    make_agreement(maximum=Decimal("30000.00"))
    make_order(pilot35, buyer, finance, state=OrderState.ISSUED)  # 18 100,00 €
    order = make_order(pilot35, buyer, finance)
    with pytest.raises(services.ActionRefused) as excinfo:
        services.order_issue(order=order, by=buyer)
    assert "11\u00a0900,00\u00a0€" in str(excinfo.value)
    order.refresh_from_db()
    assert order.state == "draft" and order.number == ""
    assert ceiling.agreement_figures(order.agreement).committed == Decimal("18100.00")


def test_cancelling_releases_the_ceiling_and_keeps_the_number(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    assert ceiling.agreement_figures(agreement).committed == order.total_excl_tax
    services.order_cancel(order=order, by=buyer, comment="Retrait")
    order.refresh_from_db()
    assert order.state == "cancelled" and order.number and order.end_reason == "Retrait"
    assert ceiling.agreement_figures(agreement).committed == Decimal("0.00")


def test_issuing_is_refused_when_the_agreement_is_not_in_force(db, pilot35, buyer, finance):
    agreement = make_agreement(start=datetime.date.today() - datetime.timedelta(days=30))
    order = make_order(pilot35, buyer, finance)
    later = agreement.end_date + datetime.timedelta(days=1)
    with pytest.raises(services.ActionRefused, match="pas en vigueur"):
        services.order_issue(order=order, by=buyer, today=later)
    assert PurchaseOrder.objects.get(pk=order.pk).state == "draft"


def test_amounts_are_decimal_and_rounded_per_line_half_up(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    lines = {pl.code: pl for pl in order.price_schedule()}
    order = services.order_update_draft(
        order=order,
        by=buyer,
        quantities={lines["F01"].pk: Decimal("1"), lines["F02"].pk: Decimal("1.5")},
        fields={},
    )
    # 1 333,33 × 1,5 = 1 999,995 → 2 000,00 ; VAT 20 % of 2 000,00 = 400,00
    f02 = order.lines.get(code="F02")
    assert f02.amount_excl_tax == Decimal("2000.00") and f02.amount_vat == Decimal("400.00")
    assert order.total_excl_tax == Decimal("20100.00")
    assert order.total_vat == Decimal("4020.00")
    assert order.total_incl_tax == Decimal("24120.00")
    assert isinstance(order.total_incl_tax, Decimal)


def test_a_draft_without_lines_cannot_be_saved(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    with pytest.raises(services.ActionRefused, match="au moins une ligne"):
        services.order_update_draft(order=order, by=buyer, quantities={}, fields={})


# --- stale and repeated POSTs --------------------------------------------------------------------


def test_a_repeated_post_gets_a_message_and_no_double_transition(
    client, agreement, pilot35, buyer, finance, django_capture_on_commit_callbacks
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    url = reverse("orders:order_transition", args=[order.pk, "notify"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"expected_state": "issued", "confirmed": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"expected_state": "issued", "confirmed": "1"}, follow=True)
    assert response.status_code == 200
    assert "état a changé" in response.content.decode()
    assert order.history.filter(state="notified").count() == 1
    assert len([m for m in mail.outbox if m.to == [order.holder.contact_email]]) == 1


def test_a_post_without_the_expected_state_is_refused_cleanly(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(buyer)
    url = reverse("orders:order_transition", args=[order.pk, "notify"])
    response = client.post(url, {"confirmed": "1"}, follow=True)
    assert response.status_code == 200
    assert "Formulaire incomplet" in response.content.decode()
    assert PurchaseOrder.objects.get(pk=order.pk).state == "issued"


def test_an_unknown_action_is_forbidden(client, agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    client.force_login(buyer)
    url = reverse("orders:order_transition", args=[order.pk, "delete"])
    assert client.post(url, {"expected_state": "draft"}).status_code == 403


def test_transitions_require_post(client, agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    client.force_login(buyer)
    assert (
        client.get(reverse("orders:order_transition", args=[order.pk, "issue"])).status_code == 405
    )


def test_transitions_require_csrf(agreement, pilot35, buyer, finance):
    from django.test import Client

    order = make_order(pilot35, buyer, finance)
    client = Client(enforce_csrf_checks=True)
    client.force_login(buyer)
    response = client.post(
        reverse("orders:order_transition", args=[order.pk, "issue"]), {"expected_state": "draft"}
    )
    assert response.status_code == 403
    assert PurchaseOrder.objects.get(pk=order.pk).state == "draft"


def test_the_page_offers_only_the_transitions_the_user_may_perform(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.SERVICE_DONE)
    record_invoice = reverse("orders:invoice_record", args=[order.pk])
    client.force_login(buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert record_invoice not in page and "/action/cancel/" not in page
    client.force_login(finance)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert record_invoice in page
    assert "/action/" + "certify/" not in page


def test_preparing_and_issuing_refuse_a_service_the_agreement_does_not_name_alike(
    db, buyer, finance
):
    from tests.factories import UserFactory

    agreement = make_agreement(authorised=("DGALN-AD1",))
    pilot = UserFactory()
    request = make_request(pilot, state="accepted", buyer=buyer)
    with pytest.raises(services.ActionRefused) as on_create:
        services.order_create(team_request=request, by=pilot)
    order = make_order(pilot, buyer, finance, request=request)
    with pytest.raises(services.ActionRefused) as on_issue:
        services.order_issue(order=order, by=pilot)
    assert str(on_create.value) == str(on_issue.value)
    assert "R2162-6" in str(on_issue.value) and agreement.reference in str(on_issue.value)
    assert not agreement.may_order(pilot.service) and agreement.may_order(buyer.service)


# What issuing writes while it holds the agreement's numbering lock (from the number to the
# commit), in order: the ceiling's figures (the agreement's, then the lot's), the ledger row,
# the two running totals, the order and its history row, the e-mail to the pilot, the request
# and its history row, the team's reference and its history row, the document. The PDF is
# built between the team and the document; everything it prints was read before the number.
UNDER_THE_NUMBERING_LOCK = [
    ("SELECT", "framework_agreements_frameworkagreement"),
    ("SELECT", "framework_agreements_lot"),
    ("INSERT", "framework_agreements_commitmententry"),
    ("UPDATE", "framework_agreements_frameworkagreement"),
    ("UPDATE", "framework_agreements_lot"),
    ("UPDATE", "orders_purchaseorder"),
    ("INSERT", "orders_historicalpurchaseorder"),
    ("INSERT", "notifications_outgoingmessage"),
    ("UPDATE", "orders_teamrequest"),
    ("INSERT", "orders_historicalteamrequest"),
    ("UPDATE", "teams_team"),
    ("INSERT", "teams_historicalteam"),
    ("INSERT", "orders_document"),
]


def test_issuing_reads_nothing_under_the_numbering_lock_but_the_ceiling(
    db, pilot35, buyer, finance
):
    """Every statement under the lock is one more round trip that the other buyers of the
    agreement wait for: a read added there (a lazy relation the PDF prints, say) fails here."""
    make_agreement()
    order = make_order(pilot35, buyer, finance)
    # A running process has read the order's content type (the e-mail names it) long before.
    ContentType.objects.get_for_model(PurchaseOrder)
    with CaptureQueriesContext(connection) as captured:
        services.order_issue(order=order, by=buyer)
    statements = [
        q["sql"]
        for q in captured.captured_queries
        if not re.match(r"(RELEASE )?SAVEPOINT", q["sql"])
    ]
    numbered = next(
        i
        for i, sql in enumerate(statements)
        if sql.startswith('UPDATE "framework_agreements_numbersequence"')
    )
    under_lock = [
        re.match(r'(\w+) (?:INTO )?"(\w+)"', sql).groups() for sql in statements[numbered + 1 :]
    ]
    assert under_lock == UNDER_THE_NUMBERING_LOCK
