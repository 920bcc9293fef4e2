"""Sessions of a subsequent contract: setting a session's dates books the contract team, moving
it moves the bookings, and a conflict with any other confirmed atelier (Flash included) is refused
without a write."""

import datetime

import pytest

from orders import services
from orders.models import ContractPhase
from procurement import clock
from teams import services as team_services
from teams.enums import AtelierFormat, MemberRole
from teams.models import Booking, TeamMember
from tests.contract_factories import make_contract
from tests.factories import make_local_agreement


@pytest.fixture
def agreement(db):
    return make_local_agreement(holders=3)


def test_setting_a_session_books_the_team_and_moving_it_moves_the_bookings(
    agreement, pilot35, buyer
):
    contract = make_contract(pilot35, buyer, "in_execution")
    phase = contract.phases.get(phase="diagnosis")
    members = len(contract.team.active_members())
    with clock.frozen(datetime.date(2027, 5, 1)):
        services.phase_schedule(
            phase=phase,
            by=buyer,
            start_on=datetime.date(2027, 6, 10),
            end_on=datetime.date(2027, 6, 11),
            place="Quimper",
        )
        bookings = Booking.objects.filter(team=contract.team, session="diagnosis")
        assert bookings.count() == members
        assert {(b.start, b.end) for b in bookings} == {
            (datetime.date(2027, 6, 10), datetime.date(2027, 6, 11))
        }
        services.phase_schedule(
            phase=ContractPhase.objects.get(pk=phase.pk),
            by=buyer,
            start_on=datetime.date(2027, 6, 17),
            end_on=datetime.date(2027, 6, 18),
            place="Quimper",
        )
    bookings = Booking.objects.filter(team=contract.team, session="diagnosis")
    assert {(b.start, b.end) for b in bookings} == {
        (datetime.date(2027, 6, 17), datetime.date(2027, 6, 18))
    }
    assert bookings.count() == members


def test_a_session_conflicting_with_a_flash_atelier_is_refused(agreement, pilot35, buyer):
    contract = make_contract(pilot35, buyer, "in_execution")
    expert = contract.team.active_members()[0].expert
    flash = team_services.team_create(
        holder=contract.holder,
        label="Atelier Flash de Vitré",
        service=pilot35.service,
        required_professions=[],
        reference="FLASH-2027-0042",
        format=AtelierFormat.FLASH,
    )
    TeamMember.objects.create(team=flash, expert=expert, role=MemberRole.LEAD)
    team_services.team_book(
        team=flash, start=datetime.date(2027, 6, 11), end=datetime.date(2027, 6, 12)
    )
    phase = contract.phases.get(phase="diagnosis")
    with clock.frozen(datetime.date(2027, 5, 1)):
        with pytest.raises(services.ActionRefused, match="FLASH-2027-0042"):
            services.phase_schedule(
                phase=phase,
                by=buyer,
                start_on=datetime.date(2027, 6, 10),
                end_on=datetime.date(2027, 6, 11),
                place="Quimper",
            )
    assert not Booking.objects.filter(team=contract.team, session="diagnosis").exists()
    assert ContractPhase.objects.get(pk=phase.pk).state == "planned"


def test_a_session_is_not_set_in_the_past_nor_without_a_place(agreement, pilot35, buyer):
    contract = make_contract(pilot35, buyer, "in_execution")
    phase = contract.phases.get(phase="strategy")
    with clock.frozen(datetime.date(2027, 5, 1)):
        with pytest.raises(services.ActionRefused, match="déjà passée"):
            services.phase_schedule(
                phase=phase,
                by=buyer,
                start_on=datetime.date(2027, 4, 20),
                end_on=datetime.date(2027, 4, 21),
                place="Quimper",
            )
        with pytest.raises(services.ActionRefused, match="lieu"):
            services.phase_schedule(
                phase=phase,
                by=buyer,
                start_on=datetime.date(2027, 6, 20),
                end_on=datetime.date(2027, 6, 21),
            )
