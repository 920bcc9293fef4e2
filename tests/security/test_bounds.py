"""Bad input, bounded: texts, dates, days and quantities have limits in the form and in the
model; a document that cannot be laid out refuses its action cleanly."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from framework_agreements.models import NumberSequence
from orders import services
from orders.models import Collectivity, PurchaseOrder, TeamRequest
from procurement.fields import TEXT_MAX
from teams import services as team_services
from tests.factories import ExpertFactory, make_agreement, make_order, make_request

FORM = {
    "format": "flash",
    "coll-TOTAL_FORMS": "1",
    "coll-INITIAL_FORMS": "0",
    "coll-MIN_NUM_FORMS": "0",
    "coll-MAX_NUM_FORMS": "1000",
    "coll-0-name": "Redon",
    "coll-0-kind": "commune",
    "coll-0-siren": "213502362",
}


def _post_request(client, pilot, **fields):
    data = {
        **FORM,
        "title": "Atelier",
        "department": pilot.service.department_id,
        "problem_statement": "Un centre-bourg.",
        **fields,
    }
    return client.post(reverse("orders:request_create"), data)


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("title", "x" * 201, "200 caractères"),
        ("problem_statement", "x" * (TEXT_MAX + 1), "10000 caractères"),
        ("local_partners", "x" * (TEXT_MAX + 1), "10000 caractères"),
        ("desired_start", "9999-12-31", "Date invalide : elle doit être antérieure"),
        ("desired_end", "1999-12-31", "est déjà passée"),
    ],
)
def test_the_request_form_refuses_out_of_bounds_input(client, pilot35, field, value, message):
    client.force_login(pilot35)
    response = _post_request(client, pilot35, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode().replace("\u202f", " ")
    assert not TeamRequest.objects.exists()


def test_the_model_refuses_them_too(pilot35):
    request = make_request(pilot35)
    request.problem_statement = "x" * (TEXT_MAX + 1)
    request.desired_start = datetime.date(9999, 12, 31)
    with pytest.raises(ValidationError) as excinfo:
        request.full_clean(exclude=["state"])  # the FSM field is protected
    assert {"problem_statement", "desired_start"} <= set(excinfo.value.error_dict)


def test_an_action_date_in_year_9999_is_refused_by_the_form(client, pilot35, buyer, finance):
    make_agreement()
    order = make_order(pilot35, buyer, finance, state="invoiced")
    invoice = order.invoices.get()
    client.force_login(finance)
    response = client.post(
        reverse("orders:invoice_transition", args=[invoice.pk, "pay"]),
        {"expected_state": "accepted", "on": "9999-12-31"},
        follow=True,
    )
    assert "Formulaire incomplet" in response.content.decode()
    assert PurchaseOrder.objects.get(pk=order.pk).state == "invoiced"
    assert order.invoices.get().state == "accepted"


def test_a_reason_over_ten_thousand_characters_is_refused(client, pilot35, buyer, finance):
    make_agreement()
    order = make_order(pilot35, buyer, finance, state="issued")
    client.force_login(buyer)
    response = client.post(
        reverse("orders:order_transition", args=[order.pk, "cancel"]),
        {"expected_state": "issued", "comment": "x" * (TEXT_MAX + 1)},
        follow=True,
    )
    assert "Formulaire incomplet" in response.content.decode()
    assert PurchaseOrder.objects.get(pk=order.pk).state == "issued"


def test_more_than_sixty_days_per_expert_and_phase_is_refused(client, pilot35, buyer, finance):
    make_agreement()
    order = make_order(pilot35, buyer, finance)
    expert = ExpertFactory(holder=order.holder)
    with pytest.raises(team_services.TeamRefused, match="Au plus 60 jours"):
        team_services.team_add_member(
            team=order.team, expert=expert, role="expert", days={"on_site": Decimal("9999.9")}
        )
    client.force_login(buyer)
    response = client.post(
        reverse("teams:member_add", args=[order.team.pk]),
        {"expert": expert.pk, "role": "expert", "days_on_site": "60.5"},
        follow=True,
    )
    assert "Membre non ajouté" in response.content.decode()
    assert not order.team.members.filter(expert=expert).exists()


def test_more_than_a_thousand_units_on_a_line_is_refused(pilot35, buyer, finance):
    make_agreement()
    order = make_order(pilot35, buyer, finance)
    line = order.lines.get().price_line_id
    with pytest.raises(services.ActionRefused, match="Au plus 1000"):
        services.order_update_draft(
            order=order, by=buyer, quantities={line: Decimal("1000.01")}, fields={}
        )


def test_a_document_too_long_to_lay_out_refuses_the_issue_without_a_500(
    client, pilot35, buyer, finance
):
    make_agreement()
    order = make_order(pilot35, buyer, finance)
    Collectivity.objects.bulk_create(
        Collectivity(
            request=order.request,
            name="Communauté " + "très longue " * 15,
            kind="epci",
            siren="213502362",
        )
        for _ in range(120)
    )
    client.force_login(buyer)
    response = client.post(
        reverse("orders:order_transition", args=[order.pk, "issue"]),
        {"expected_state": "draft", "confirmed": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Le contenu est trop long pour le document" in html
    order.refresh_from_db()
    assert order.state == "draft" and order.number == ""
    assert not NumberSequence.objects.filter(last__gt=0).exists()  # no number used up
