"""No dead ends: a cancelled or declined order frees its experts, and a decline leads the buyer
to the next holder's draft, named."""

import datetime

import pytest
from django.urls import reverse

from orders import happy_path, services
from orders.enums import OrderState
from orders.models import PurchaseOrder
from procurement import clock
from teams import services as team_services
from teams.models import Booking, PlannedDays
from tests.factories import make_agreement, make_order, make_request


@pytest.fixture
def agreement(db):
    return make_agreement()


def test_cancelling_an_order_frees_its_experts(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    team_services.team_book(team=order.team, start=order.session_start, end=order.session_end)
    assert Booking.objects.filter(team=order.team).exists()
    day = datetime.date(2027, 1, 15)
    with clock.frozen(day):
        services.order_cancel(order=order, by=buyer, comment="Atelier reporté sine die")
    assert not Booking.objects.filter(team=order.team).exists()
    members = list(order.team.members.all())
    assert members and all(m.left_on == max(day, m.joined_on) for m in members)
    assert order.team.active_members() == []
    last = order.team.history.latest()  # the disbanding is kept in the team's history
    assert last.disbanded_on == day and last.history_change_reason.startswith("Équipe dissoute")


def test_a_decline_frees_the_team_and_leads_to_the_next_holders_draft(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    client.force_login(buyer)
    url = reverse("orders:order_transition", args=[order.pk, "decline"])
    response = client.post(
        url,
        {
            "expected_state": "notified",
            "comment": "Équipe indisponible",
            # The Paris date: between 23:00 and midnight UTC, the UTC date is the day before.
            "on": clock.local_date(order.notified_at).isoformat(),
        },
    )
    draft = PurchaseOrder.objects.get(request=order.request, state=OrderState.DRAFT)
    assert draft.holder != order.holder
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    page = client.get(response["Location"]).content.decode()
    assert f"titulaire suivant, {draft.holder.name}" in page
    assert order.team.active_members() == []


def test_an_order_with_an_empty_team_is_not_issued(agreement, pilot35, buyer):
    request = make_request(pilot35, state="accepted", buyer=buyer)
    order = services.order_create(team_request=request, by=buyer)
    order = happy_path.drive_order(order, OrderState.DRAFT, buyer=buyer, finance=None)
    with pytest.raises(services.ActionRefused, match="équipe proposée par le titulaire est vide"):
        services.order_issue(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
    assert PurchaseOrder.objects.get(pk=order.pk).state == OrderState.DRAFT
    assert not order.agreement.commitments.exists()


def test_the_workload_follows_a_moved_session_and_forgets_a_cancelled_order(
    agreement, pilot35, buyer, finance
):
    from decimal import Decimal

    from teams.models import TeamMember

    order = make_order(pilot35, buyer, finance, state=OrderState.ACCEPTED)
    expert = TeamMember.objects.filter(team=order.team).first().expert
    team_services.team_schedule(team=order.team, months={"on_site": order.session_start})
    months = [row[0] for row in team_services.workload(expert)]
    # The session moves two months later when execution starts: its days move with it.
    later = order.session_start + datetime.timedelta(days=62)
    services.order_start(
        order=order,
        by=buyer,
        session_start=later,
        session_end=later,
        delivery_deadline=later + datetime.timedelta(days=30),
    )
    moved = [row[0] for row in team_services.workload(expert)]
    assert later.replace(day=1) in moved and moved != months
    # Each planned-days row that moved keeps its old month in its history.
    planned = PlannedDays.objects.get(
        member__team=order.team, member__expert=expert, phase="on_site"
    )
    assert [h.month for h in planned.history.all()[:2]] == [
        later.replace(day=1),
        order.session_start.replace(day=1),
    ]
    assert all(total > Decimal("0") for _m, _t, total, _o in team_services.workload(expert))

    other = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    member = TeamMember.objects.filter(team=other.team).first()
    before = {m: t for m, _teams, t, _o in team_services.workload(member.expert)}
    with clock.frozen(datetime.date.today()):
        services.order_cancel(order=other, by=buyer, comment="Reporté")
    after = team_services.workload(member.expert)
    assert all(other.team not in dict(teams) for _m, teams, _t, _o in after), (before, after)


def test_the_workload_page_marks_a_proposed_team_and_drops_a_cancelled_one(
    client, agreement, pilot35, buyer, finance
):
    from django.urls import reverse as url_for

    from teams.models import TeamMember

    proposed = make_order(pilot35, buyer, finance)
    expert = TeamMember.objects.get(team=proposed.team).expert
    client.force_login(buyer)
    page = client.get(url_for("teams:expert_detail", args=[expert.pk])).content.decode()
    assert "(équipe proposée, pas encore confirmée)" in page
    services.order_cancel(order=proposed, by=buyer, comment="Doublon")
    page = client.get(url_for("teams:expert_detail", args=[expert.pk])).content.decode()
    assert "Aucun jour prévu." in page
