import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from notifications import outbox
from orders import services
from orders.enums import OrderState
from orders.models import PurchaseOrder
from procurement.models import Service
from teams import availability
from teams import services as team_services
from teams.models import Booking, Profession, Team, TeamMember
from tests.factories import (
    CompanyFactory,
    ExpertFactory,
    HolderFactory,
    make_agreement,
    make_order,
    make_request,
)

D = datetime.date


@pytest.fixture
def agreement(db):
    return make_agreement()


def _order_requiring(pilot, buyer, finance, names):
    request = make_request(pilot, state="accepted", buyer=buyer)
    request.required_professions.set(Profession.objects.filter(name__in=names))
    return make_order(pilot, buyer, finance, request=request)


# --- coverage -----------------------------------------------------------------------------------


def test_missing_competencies_are_listed(agreement, pilot35, buyer, finance):
    order = _order_requiring(pilot35, buyer, finance, ["urbaniste", "paysagiste", "sociologue"])
    # The lead added by the factory is an urbaniste.
    assert sorted(p.name for p in order.team.missing_professions()) == ["paysagiste", "sociologue"]
    ExpertFactory(holder=order.holder, professions=["paysagiste", "sociologue"])
    expert = order.holder.experts.last()
    team_services.team_add_member(
        team=order.team, expert=expert, role="expert", days={"on_site": 2}
    )
    assert order.team.missing_professions() == []


def test_missing_competencies_block_issuing_until_justified(agreement, pilot35, buyer, finance):
    order = _order_requiring(pilot35, buyer, finance, ["urbaniste", "écologue"])
    with pytest.raises(services.ActionRefused, match="écologue"):
        services.order_issue(order=order, by=buyer)
    assert PurchaseOrder.objects.get(pk=order.pk).state == "draft"
    team_services.team_justify(team=order.team, text="L'écologue du CAUE participe.", by=buyer)
    services.order_issue(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
    assert PurchaseOrder.objects.get(pk=order.pk).state == "issued"


def test_the_holders_acceptance_needs_a_complete_team(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    order.team.members.all().delete()
    with pytest.raises(services.ActionRefused, match="chef de projet"):
        services.order_holder_accept(order=order, by=buyer)
    assert PurchaseOrder.objects.get(pk=order.pk).state == "notified"


def test_the_lead_comes_from_the_holder_or_the_consortium_lead(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    member_company = CompanyFactory()
    order.holder.members.add(member_company)
    order.team.members.all().delete()
    outsider = ExpertFactory(holder=order.holder, company=member_company)
    with pytest.raises(team_services.TeamRefused, match="mandataire"):
        team_services.team_add_member(team=order.team, expert=outsider, role="lead", days={})
    team_services.team_add_member(team=order.team, expert=outsider, role="expert", days={})


def test_only_the_holders_experts_join_its_teams(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    stranger = ExpertFactory(holder=HolderFactory())
    with pytest.raises(team_services.TeamRefused, match="n'est pas un expert"):
        team_services.team_add_member(team=order.team, expert=stranger, role="expert", days={})


def test_a_team_has_one_lead(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance)
    with pytest.raises(team_services.TeamRefused, match="déjà un chef"):
        team_services.team_add_member(
            team=order.team, expert=ExpertFactory(holder=order.holder), role="lead", days={}
        )


def test_a_confirmed_team_changes_only_by_substitution(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.ACCEPTED)
    with pytest.raises(team_services.TeamRefused, match="substitution"):
        team_services.team_add_member(
            team=order.team, expert=ExpertFactory(holder=order.holder), role="expert", days={}
        )
    with pytest.raises(team_services.TeamRefused, match="substitution"):
        team_services.team_remove_member(member=order.team.members.get())


# --- availability -------------------------------------------------------------------------------


def _team_with(expert, start, end):
    team = Team.objects.create(
        holder=expert.holder, label="Autre atelier", service=Service.objects.get(code="DDTM-29")
    )
    TeamMember.objects.create(team=team, expert=expert, role="expert")
    Booking.objects.create(team=team, expert=expert, start=start, end=end)
    return team


@pytest.mark.parametrize(
    "start,end,overlaps",
    [
        (D(2027, 3, 10), D(2027, 3, 10), True),  # same single day
        (D(2027, 3, 12), D(2027, 3, 14), True),  # shares the last day
        (D(2027, 3, 8), D(2027, 3, 10), True),  # shares the first day
        (D(2027, 3, 11), D(2027, 3, 11), True),  # inside a multi-day session
        (D(2027, 3, 5), D(2027, 3, 20), True),  # covers it entirely
        (D(2027, 3, 13), D(2027, 3, 15), False),  # adjacent day after
        (D(2027, 3, 7), D(2027, 3, 9), False),  # adjacent day before
        (D(2027, 4, 1), D(2027, 4, 3), False),  # far away
    ],
)
def test_overlap_detection(db, start, end, overlaps):
    expert = ExpertFactory()
    _team_with(expert, D(2027, 3, 10), D(2027, 3, 12))
    found = availability.overlapping(expert_ids=[expert.pk], start=start, end=end)
    assert bool(found) is overlaps


def test_a_conflict_is_shown_on_the_order_page_and_refused_at_confirmation(
    client, agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance)
    lead = order.team.members.get().expert
    _team_with(lead, D(2027, 3, 11), D(2027, 3, 11))
    services.order_update_draft(
        order=order,
        by=buyer,
        quantities={order.lines.get().price_line_id: Decimal("1")},
        fields={
            "session_start": D(2027, 3, 10),
            "session_end": D(2027, 3, 12),
            "delivery_deadline": D(2027, 4, 30),
            "session_place": "Mairie",
        },
    )
    client.force_login(buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert "Conflits de disponibilité" in page and "du 11/03/2027 au 11/03/2027" in page
    services.order_issue(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
    services.order_notify(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
    outbox.deliver_about(order)
    with pytest.raises(services.ActionRefused, match="déjà sur site"):
        services.order_holder_accept(order=PurchaseOrder.objects.get(pk=order.pk), by=buyer)
    assert PurchaseOrder.objects.get(pk=order.pk).state == "notified"
    assert not Booking.objects.filter(team=order.team).exists()


def test_confirmation_books_the_members_and_start_moves_the_booking(
    agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance, state=OrderState.ACCEPTED)
    assert order.team.confirmed_at is not None
    services.order_start(
        order=order,
        by=buyer,
        session_start=D(2027, 5, 3),
        session_end=D(2027, 5, 4),
        delivery_deadline=D(2027, 6, 30),
        session_place="Salle des fêtes",
    )
    booking = Booking.objects.get(team=order.team)
    assert (booking.start, booking.end, booking.place) == (
        D(2027, 5, 3),
        D(2027, 5, 4),
        "Salle des fêtes",
    )


def test_starting_on_dates_where_a_member_is_booked_is_refused(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.ACCEPTED)
    _team_with(order.team.members.get().expert, D(2027, 5, 4), D(2027, 5, 6))
    with pytest.raises(services.ActionRefused, match="déjà sur site"):
        services.order_start(
            order=order,
            by=buyer,
            session_start=D(2027, 5, 3),
            session_end=D(2027, 5, 4),
            delivery_deadline=D(2027, 6, 30),
            session_place="Mairie",
        )
    assert PurchaseOrder.objects.get(pk=order.pk).state == "accepted"


# --- substitution -------------------------------------------------------------------------------


@pytest.fixture
def confirmed(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.IN_PROGRESS)
    return order


def test_a_substitution_needs_an_equivalent_profession(confirmed, buyer):
    team = confirmed.team
    outgoing = team.members.get()
    other = ExpertFactory(holder=confirmed.holder, professions=["sociologue"])
    with pytest.raises(team_services.TeamRefused, match="profession équivalente"):
        team_services.substitution_request(
            team=team, outgoing=outgoing, incoming=other, reason="Départ", by=buyer
        )
    with pytest.raises(team_services.TeamRefused, match="motif"):
        team_services.substitution_request(
            team=team,
            outgoing=outgoing,
            incoming=ExpertFactory(holder=confirmed.holder),
            reason=" ",
            by=buyer,
        )


def test_an_accepted_substitution_replaces_the_member_and_keeps_who_was_there(confirmed, buyer):
    team = confirmed.team
    outgoing = team.members.get()
    incoming = ExpertFactory(holder=confirmed.holder, professions=["urbaniste", "architecte"])
    substitution = team_services.substitution_request(
        team=team, outgoing=outgoing, incoming=incoming, reason="Congé maternité", by=buyer
    )
    assert substitution.state == "requested"
    team_services.substitution_decide(
        substitution=substitution, accept=True, by=buyer, today=D(2027, 1, 15)
    )
    substitution.refresh_from_db()
    outgoing.refresh_from_db()
    assert substitution.state == "accepted" and substitution.decided_by == buyer
    assert outgoing.left_on == D(2027, 1, 15)
    newcomer = team.members.get(left_on__isnull=True)
    assert newcomer.expert == incoming and newcomer.role == "lead"
    assert Booking.objects.get(team=team).expert == incoming
    # Who was on the team, and when, stays readable.
    assert [m.expert for m in team.members.order_by("pk")] == [outgoing.expert, incoming]


def test_a_refused_substitution_changes_nothing(confirmed, buyer):
    team = confirmed.team
    outgoing = team.members.get()
    incoming = ExpertFactory(holder=confirmed.holder)
    substitution = team_services.substitution_request(
        team=team, outgoing=outgoing, incoming=incoming, reason="x", by=buyer
    )
    team_services.substitution_decide(
        substitution=substitution, accept=False, by=buyer, comment="Profil insuffisant"
    )
    substitution.refresh_from_db()
    assert substitution.state == "refused" and substitution.decision_comment
    assert team.members.get(left_on__isnull=True) == outgoing


@pytest.mark.parametrize("role", ["pilot35", "pilot29", "finance", "admin"])
def test_only_the_buyer_decides_a_substitution(confirmed, role, all_users):
    team = confirmed.team
    substitution = team_services.substitution_request(
        team=team,
        outgoing=team.members.get(),
        incoming=ExpertFactory(holder=confirmed.holder),
        reason="x",
        by=all_users["buyer"],
    )
    for accept in (True, False):
        with pytest.raises(team_services.TeamRefused):
            team_services.substitution_decide(
                substitution=substitution, accept=accept, by=all_users[role]
            )
    substitution.refresh_from_db()
    assert substitution.state == "requested"


@pytest.mark.parametrize("role", ["pilot29", "finance", "admin"])
def test_only_who_issues_the_order_records_a_substitution_request(confirmed, role, all_users):
    team = confirmed.team
    with pytest.raises(team_services.TeamRefused):
        team_services.substitution_request(
            team=team,
            outgoing=team.members.get(),
            incoming=ExpertFactory(holder=confirmed.holder),
            reason="x",
            by=all_users[role],
        )


def test_a_decided_substitution_cannot_be_decided_again(confirmed, buyer):
    team = confirmed.team
    substitution = team_services.substitution_request(
        team=team,
        outgoing=team.members.get(),
        incoming=ExpertFactory(holder=confirmed.holder),
        reason="x",
        by=buyer,
    )
    team_services.substitution_decide(substitution=substitution, accept=False, by=buyer)
    with pytest.raises(team_services.TeamRefused):
        team_services.substitution_decide(substitution=substitution, accept=True, by=buyer)


def test_no_substitution_before_the_team_is_confirmed(agreement, pilot35, buyer, finance):
    order = make_order(pilot35, buyer, finance, state=OrderState.NOTIFIED)
    with pytest.raises(team_services.TeamRefused, match="confirmation"):
        team_services.substitution_request(
            team=order.team,
            outgoing=order.team.members.get(),
            incoming=ExpertFactory(holder=order.holder),
            reason="x",
            by=buyer,
        )


def test_substitution_through_the_order_page(client, confirmed, buyer):
    incoming = ExpertFactory(holder=confirmed.holder)
    client.force_login(buyer)
    outgoing = confirmed.team.members.get()
    client.post(
        reverse("teams:substitution_request", args=[confirmed.team.pk]),
        {"outgoing": outgoing.pk, "incoming": incoming.pk, "reason": "Départ"},
    )
    substitution = confirmed.team.substitutions.get()
    response = client.post(
        reverse("teams:substitution_decide", args=[confirmed.team.pk, substitution.pk, "accept"]),
        follow=True,
    )
    assert "Substitution acceptée" in response.content.decode()
    assert confirmed.team.members.get(left_on__isnull=True).expert == incoming


# --- what pilots and documents show -------------------------------------------------------------


def test_the_pilot_sees_the_team_with_professions_and_contacts(client, confirmed, pilot35, pilot29):
    lead = confirmed.team.members.get().expert
    client.force_login(pilot35)
    page = client.get(reverse("orders:order_detail", args=[confirmed.pk])).content.decode()
    assert str(lead) in page and lead.email in page and "urbaniste" in page
    assert "Ajouter à l'équipe" not in page
    client.force_login(pilot29)
    assert client.get(reverse("orders:order_detail", args=[confirmed.pk])).status_code == 404


def test_the_team_sheet_appears_in_the_documents(confirmed):
    import io

    from pypdf import PdfReader

    lead = confirmed.team.members.get().expert
    for kind in ("purchase_order", "team_sheet"):
        content = bytes(confirmed.documents.get(kind=kind).content)
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
        assert "Équipe pluridisciplinaire" in text and str(lead) in text, kind
        assert "Chef de projet" in text and "urbaniste" in text, kind


def test_adding_and_removing_a_member_is_kept_in_history_with_the_user(
    agreement, pilot35, buyer, finance
):
    order = make_order(pilot35, buyer, finance)
    expert = ExpertFactory(holder=order.holder)
    member = team_services.team_add_member(
        team=order.team, expert=expert, role="expert", days={}, by=buyer
    )
    member_id = member.pk  # delete() clears it
    team_services.team_remove_member(member=member, by=buyer)
    rows = TeamMember.history.filter(id=member_id).order_by("history_date")
    assert [(r.history_type, r.history_user) for r in rows] == [("+", buyer), ("-", buyer)]
