"""The order and contract pages: at most 15 queries (issue 14) in every state and for every
role, and the same count once the order has more lines, members, professions, substitutions,
e-mails and invoices. Each page reads what its state can hold, and reads it once."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from framework_agreements.models import FrameworkAgreement
from notifications.models import OutgoingMessage
from orders.enums import OrderState
from orders.models import Invoice
from teams.models import Profession, Substitution, TeamMember
from tests.factories import ExpertFactory, make_agreement
from tests.fast_factories import add_line, fast_order

DETAIL_BUDGET = 15


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def _grow(order, buyer, round_):
    """One more of everything the page lists (each round), as years of use bring them."""
    price = order.lines.first().price_line
    for code in (f"B{round_}a", f"B{round_}b"):
        add_line(order, price, code)
    team = order.team
    names = [f"{name} {round_}" for name in ("urbaniste", "paysagiste", "sociologue")]
    team.required_professions.add(*(Profession.objects.get_or_create(name=n)[0] for n in names))
    members = [
        TeamMember.objects.create(
            team=team, expert=ExpertFactory(holder=order.holder, professions=[name])
        )
        for name in names
    ]
    if team.confirmed_at is not None:
        for member in members[:2]:
            Substitution.objects.create(
                team=team,
                outgoing=member,
                incoming=ExpertFactory(holder=order.holder),
                reason="Indisponible",
                requested_by=buyer,
            )
    for kind in ("order_issue", "order_notification"):
        OutgoingMessage.objects.create(
            kind=kind,
            about=order,
            to=["pilote@example.gouv.fr"],
            subject="Bon de commande",
            body_text="texte",
            body_html="<p>texte</p>",
            queued_at=timezone.now(),
        )
    if order.notified_at:
        # An instalment received long ago and still unpaid: late, so the rates are read.
        Invoice.objects.create(
            purchase_order=order,
            kind="instalment",
            holder_number=f"F-0{round_}",
            received_on=datetime.date.today() - datetime.timedelta(days=90),
            amount_excl_tax=Decimal("10.00"),
            vat=Decimal("2.00"),
            amount_incl_tax=Decimal("12.00"),
            state="received",
            created_by=buyer,
        )


def test_the_order_page_stays_within_budget_in_every_state_for_every_role(
    client, pilot35, buyer, finance
):
    make_agreement()
    orders = [fast_order(pilot35, buyer, finance, state=state) for state in OrderState]
    users = {"acheteur": buyer, "pilote": pilot35, "finances": finance}

    def counts():
        result = {}
        for name, user in users.items():
            client.force_login(user)
            for order in orders:
                result[(order.state, name)] = _count(client, order.get_absolute_url())
        return result

    for order in orders:
        _grow(order, buyer, 1)
    counts()  # warm what a process reads once (content types)
    before = counts()
    assert max(before.values()) <= DETAIL_BUDGET, before
    for order in orders:
        _grow(order, buyer, 2)
    assert counts() == before


def test_the_order_page_of_a_service_not_named_in_the_agreement_offers_no_order_action(
    client, pilot35, buyer, finance
):
    """R2162-6 rides on the order's row: the pilot of a service the agreement does not name
    sees neither the issue button nor the team form; a named one sees both."""
    make_agreement()
    order = fast_order(pilot35, buyer, finance)
    client.force_login(pilot35)
    issue = reverse("orders:order_confirm", args=[order.pk, "issue"])
    member_add = reverse("teams:member_add", args=[order.team_id])
    html = client.get(order.get_absolute_url()).content.decode()
    assert issue in html and member_add in html
    FrameworkAgreement.objects.get(pk=order.agreement_id).authorised_services.remove(
        pilot35.service
    )
    html = client.get(order.get_absolute_url()).content.decode()
    assert issue not in html and member_add not in html


def test_the_contract_page_stays_within_budget_for_every_role(client, pilot35, buyer, finance):
    from tests.contract_factories import make_contract
    from tests.factories import make_local_agreement

    make_local_agreement(holders=3)
    contracts = [
        make_contract(pilot35, buyer, "notified"),
        make_contract(pilot35, buyer, "in_execution", accepted=1, shift=1),
    ]
    for user in (buyer, pilot35, finance):
        client.force_login(user)
        for contract in contracts:
            url = reverse("orders:contract_detail", args=[contract.pk])
            _count(client, url)
            assert _count(client, url) <= DETAIL_BUDGET, (user, contract.state)
