"""The team allocation export: the order's state and session dates on every row, and an exit
date for the experts of a cancelled or declined order."""

import datetime

from django.urls import reverse

from orders.enums import OrderState
from orders.models import PurchaseOrder
from teams.models import Team, TeamMember
from tests.exports.sheets import parameters_of, rows_of, workbook_of
from tests.factories import make_agreement
from tests.fast_factories import fast_order


def test_each_row_has_its_orders_state_and_session_and_ended_orders_an_exit_date(
    client, pilot35, buyer, finance
):
    make_agreement()
    running = fast_order(pilot35, buyer, finance, state=OrderState.ACCEPTED)
    PurchaseOrder.objects.filter(pk=running.pk).update(
        session_start=datetime.date(2026, 6, 8), session_end=datetime.date(2026, 6, 10)
    )
    cancelled = fast_order(pilot35, buyer, finance, state=OrderState.CANCELLED)
    # A team dissolved before exit dates were recorded: the dissolution date stands in.
    TeamMember.objects.filter(team=cancelled.team).update(left_on=None)
    Team.objects.filter(pk=cancelled.team_id).update(disbanded_on=datetime.date(2026, 3, 9))
    client.force_login(finance)
    workbook = workbook_of(client.get(reverse("teams:allocation_xlsx")))
    _, rows, totals = rows_of(workbook["Affectation"])
    by_order = {r["Commande ou marché"]: r for r in rows}
    row = by_order[running.number]
    assert row["État"] == "Accepté par le titulaire" and row["Sorti le"] is None
    assert row["Session ou exécution du"].date() == datetime.date(2026, 6, 8)
    assert row["au"].date() == datetime.date(2026, 6, 10)
    ended = by_order[cancelled.number]
    assert ended["État"] == "Annulé" and ended["Sorti le"].date() == datetime.date(2026, 3, 9)
    assert totals["Jours prévus"].startswith("=SUBTOTAL(109,")
    assert parameters_of(workbook)["Export"] == "Affectation des équipes"


def test_an_experts_workload_file_holds_that_expert_only(client, pilot35, buyer, finance):
    make_agreement()
    first = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    expert = first.team.members.get().expert
    client.force_login(finance)
    workbook = workbook_of(client.get(reverse("teams:expert_workload_xlsx", args=[expert.pk])))
    _, rows, _ = rows_of(workbook["Affectation"])
    assert [r["Commande ou marché"] for r in rows] == [first.number]
    assert parameters_of(workbook)["Filtre : Expert"] == str(expert)
