"""Teams on their own: several on-site sessions, phases by format, pages keyed by the team."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from procurement.models import Service
from teams import services as team_services
from teams.models import Booking, PlannedDays, Team, TeamMember
from tests.factories import ExpertFactory, HolderFactory, make_agreement, make_order
from tests.fast_factories import fast_order

D = datetime.date


def _local_team(holder=None):
    holder = holder or HolderFactory()
    team = team_services.team_create(
        holder=holder,
        label="Atelier Local",
        service=Service.objects.get(code="DDTM-35"),
        required_professions=[],
        format="local",
    )
    lead = ExpertFactory(holder=holder)
    TeamMember.objects.create(team=team, expert=lead, role="lead")
    return team, lead


def test_a_local_team_holds_one_booking_per_session(db):
    team, lead = _local_team()
    team_services.team_book(team=team, session="diagnosis", start=D(2027, 3, 2), end=D(2027, 3, 3))
    team_services.team_book(team=team, session="strategy", start=D(2027, 6, 8), end=D(2027, 6, 9))
    team_services.team_book(team=team, session="roadmap", start=D(2027, 9, 14), end=D(2027, 9, 14))
    assert list(Booking.objects.filter(team=team).values_list("session", flat=True)) == [
        "diagnosis",
        "strategy",
        "roadmap",
    ]
    # Moving one session moves its bookings only.
    team_services.team_book(team=team, session="strategy", start=D(2027, 6, 15), end=D(2027, 6, 16))
    strategy = Booking.objects.get(team=team, session="strategy")
    assert (strategy.start, strategy.end) == (D(2027, 6, 15), D(2027, 6, 16))
    assert Booking.objects.filter(team=team).count() == 3


def test_a_team_cannot_be_on_two_of_its_own_sessions_at_once(db):
    team, _ = _local_team()
    team_services.team_book(team=team, session="diagnosis", start=D(2027, 3, 2), end=D(2027, 3, 3))
    with pytest.raises(team_services.TeamRefused, match="déjà sur site"):
        team_services.team_book(
            team=team, session="strategy", start=D(2027, 3, 3), end=D(2027, 3, 4)
        )


def test_a_local_session_conflicting_with_a_flash_atelier_is_refused(db, pilot35, buyer, finance):
    make_agreement()
    flash = make_order(pilot35, buyer, finance)
    expert = flash.team.members.get().expert
    team_services.team_book(team=flash.team, start=D(2027, 5, 3), end=D(2027, 5, 5))
    team, _ = _local_team(holder=flash.holder)
    TeamMember.objects.create(team=team, expert=expert, role="expert")
    with pytest.raises(team_services.TeamRefused, match="déjà sur site"):
        team_services.team_book(
            team=team, session="diagnosis", start=D(2027, 5, 5), end=D(2027, 5, 6)
        )
    assert not Booking.objects.filter(team=team).exists()


def test_the_phases_a_team_offers_depend_on_the_atelier_format(db, pilot35, buyer, finance):
    team, _ = _local_team()
    assert team.phases() == ["kickoff", "diagnosis", "strategy", "roadmap", "final_report"]
    expert = ExpertFactory(holder=team.holder)
    with pytest.raises(team_services.TeamRefused, match="Phase sans objet"):
        team_services.team_add_member(team=team, expert=expert, role="expert", days={"on_site": 2})
    team_services.team_add_member(
        team=team, expert=expert, role="expert", days={"diagnosis": 2, "strategy": 2}
    )
    make_agreement()
    flash = fast_order(pilot35, buyer)
    assert flash.team.phases() == ["preparation", "on_site", "synthesis"]


def test_planned_days_follow_the_orders_dates(db, pilot35, buyer, finance):
    from orders import services

    make_agreement()
    order = make_order(pilot35, buyer, finance)
    services.order_update_draft(
        order=order,
        by=buyer,
        quantities={order.lines.get().price_line_id: Decimal("1")},
        fields={
            "session_start": D(2027, 3, 10),
            "session_end": D(2027, 3, 12),
            "delivery_deadline": D(2027, 5, 20),
        },
    )
    expert = ExpertFactory(holder=order.holder)
    member = team_services.team_add_member(
        team=order.team, expert=expert, role="expert", days={"on_site": 2, "synthesis": 1}
    )
    months = dict(PlannedDays.objects.filter(member=member).values_list("phase", "month"))
    assert months == {"on_site": D(2027, 3, 1), "synthesis": D(2027, 5, 1)}
    # The session moves to April: the days planned on site move with it.
    services.order_update_draft(
        order=order,
        by=buyer,
        quantities={order.lines.get().price_line_id: Decimal("1")},
        fields={"session_start": D(2027, 4, 7), "session_end": D(2027, 4, 9)},
    )
    assert PlannedDays.objects.get(member=member, phase="on_site").month == D(2027, 4, 1)


# --- pages keyed by the team ---------------------------------------------------------------------


@pytest.fixture
def draft(db, pilot35, buyer, finance):
    make_agreement()
    return make_order(pilot35, buyer, finance)


def test_the_team_page_is_for_who_may_read_the_atelier(client, draft, pilot35, pilot29, finance):
    url = reverse("teams:team_detail", args=[draft.team.pk])
    for user, status in ((pilot35, 200), (finance, 200), (pilot29, 404)):
        client.force_login(user)
        assert client.get(url).status_code == status


def test_team_actions_come_back_to_the_page_they_came_from(client, draft, buyer):
    expert = ExpertFactory(holder=draft.holder)
    client.force_login(buyer)
    order_url = reverse("orders:order_detail", args=[draft.pk])
    response = client.post(
        reverse("teams:member_add", args=[draft.team.pk]),
        {"expert": expert.pk, "role": "expert", "days_on_site": "2", "next": order_url},
    )
    assert response.status_code == 302 and response["Location"] == order_url
    assert draft.team.members.filter(expert=expert).exists()


def test_an_outside_next_url_is_ignored(client, draft, buyer):
    member = draft.team.members.get()
    client.force_login(buyer)
    response = client.post(
        reverse("teams:member_remove", args=[draft.team.pk, member.pk]),
        {"next": "https://evil.example.com/"},
    )
    assert response["Location"] == reverse("teams:team_detail", args=[draft.team.pk])


def test_substitution_buttons_come_from_the_substitutions_own_transitions(
    client, db, pilot35, buyer, finance
):
    make_agreement()
    order = fast_order(pilot35, buyer, finance, state="accepted")
    team = Team.objects.get(pk=order.team.pk)
    substitution = team_services.substitution_request(
        team=team,
        outgoing=team.members.get(),
        incoming=ExpertFactory(holder=order.holder),
        reason="Départ",
        by=buyer,
    )
    accept = reverse("teams:substitution_decide", args=[team.pk, substitution.pk, "accept"])
    client.force_login(buyer)
    assert accept in client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    client.force_login(pilot35)
    assert (
        accept not in client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    )
    assert client.post(accept).status_code == 302
    substitution.refresh_from_db()
    assert substitution.state == "requested"  # refused: the pilot may not decide


def test_the_expert_page_is_bounded_to_what_is_ahead(client, buyer):
    """Ten years of ateliers stay in the XLSX: the page shows the latest 20 teams, the next 20
    sessions and the workload from a year back, with the totals named."""
    from procurement import clock
    from teams.views import SHOWN

    team, expert = _local_team()
    today = clock.today()
    teams = [
        Team.objects.create(holder=team.holder, label=f"Atelier {n}", service=team.service)
        for n in range(SHOWN + 2)
    ]
    for n, other in enumerate(teams):
        member = TeamMember.objects.create(
            team=other, expert=expert, role="expert", joined_on=today - datetime.timedelta(days=n)
        )
        # One session that has ended, the others ahead.
        start = today + datetime.timedelta(days=7 * n - 7)
        Booking.objects.create(expert=expert, team=other, start=start, end=start)
        month = today.replace(day=1) - datetime.timedelta(days=400 if n == 0 else 0)
        PlannedDays.objects.create(
            member=member, phase="on_site", days=1, month=month.replace(day=1)
        )
    client.force_login(buyer)
    page = client.get(reverse("teams:expert_detail", args=[expert.pk])).content.decode()
    assert f"Les {SHOWN} plus récentes sur {SHOWN + 3}" in page  # its own Local team too
    assert "Atelier 0 " in page or "Atelier 0<" in page  # the latest joined is shown
    assert f"Atelier {SHOWN + 1}" not in page.split("Équipes</h2>")[1]  # the oldest is not
    assert f"Les {SHOWN} prochaines sur {SHOWN + 1}" in page  # the ended one is left out
    # Workload: this month's 21 days (overloaded), not the one 13 months back.
    workload = page.split("Plan de charge")[1].split("</table>")[0]
    assert "21,0" in workload and "surcharge" in workload
    assert workload.count("<tr>") == 2  # header and this month
