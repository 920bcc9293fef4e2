"""Forms keep what was typed and explain errors: each message next to its field, a DSFR error
summary at the top that links to each field and takes the focus, "Erreur :" in the page title.
Several collectivities at a time; attachments removed while the request is editable."""

import datetime
import re

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from orders.models import PurchaseOrder, RequestAttachment, TeamRequest
from tests.factories import make_agreement, make_order, make_request, tiny_pdf, valid_siren


@pytest.fixture
def draft(db, pilot35, buyer, finance):
    make_agreement()
    return make_order(pilot35, buyer, finance)


def title_of(html):
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def draft_post(order, **changes):
    today = datetime.date.today()
    data = {
        f"qty_{order.lines.get().price_line_id}": "1",
        "session_start": (today + datetime.timedelta(days=10)).isoformat(),
        "session_end": (today + datetime.timedelta(days=11)).isoformat(),
        "session_place": "Salle des fêtes de Redon",
        "delivery_deadline": (today + datetime.timedelta(days=40)).isoformat(),
        "budget_programme": "135",
        "ej_number": "2100000042",
    }
    data.update(changes)
    return data


def test_a_wrong_field_keeps_every_value_and_says_so_next_to_it(client, draft, buyer):
    client.force_login(buyer)
    qty = f"qty_{draft.lines.get().price_line_id}"
    response = client.post(
        reverse("orders:order_edit", args=[draft.pk]), draft_post(draft, **{qty: "-2"})
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert title_of(html).startswith("Erreur : Bon de commande")
    assert 'id="error-summary" tabindex="-1" autofocus' in html
    assert f'<a href="#id_{qty}">' in html  # the summary links to the field
    assert 'value="Salle des fêtes de Redon"' in html and 'value="2100000042"' in html
    assert 'value="-2"' in html  # even the wrong value, to correct it
    field_group = html.split(f'id="id_{qty}"')[1].split("</div>")[0:3]
    assert "supérieure ou égale à 0" in " ".join(field_group)
    assert PurchaseOrder.objects.get(pk=draft.pk).session_place != "Salle des fêtes de Redon"


def test_a_business_refusal_keeps_the_input_too(client, draft, buyer):
    client.force_login(buyer)
    past = (datetime.date.today() - datetime.timedelta(days=30)).isoformat()
    response = client.post(
        reverse("orders:order_edit", args=[draft.pk]), draft_post(draft, session_start=past)
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Le formulaire contient une erreur" in html
    assert f'value="{past}"' in html and 'value="Salle des fêtes de Redon"' in html
    assert PurchaseOrder.objects.get(pk=draft.pk).session_start != datetime.date.fromisoformat(past)


def test_a_good_draft_is_saved_and_the_page_has_no_error(client, draft, buyer):
    client.force_login(buyer)
    response = client.post(reverse("orders:order_edit", args=[draft.pk]), draft_post(draft))
    assert response.status_code == 302
    assert PurchaseOrder.objects.get(pk=draft.pk).session_place == "Salle des fêtes de Redon"
    html = client.get(response["Location"]).content.decode()
    assert "error-summary" not in html and not title_of(html).startswith("Erreur")


def request_post(**changes):
    data = {
        "format": "flash",
        "title": "Atelier des marais",
        "problem_statement": "Le littoral recule.",
        "department": "",
        "coll-TOTAL_FORMS": "3",
        "coll-INITIAL_FORMS": "0",
        "coll-MIN_NUM_FORMS": "0",
        "coll-MAX_NUM_FORMS": "1000",
    }
    for i, (name, siren) in enumerate(
        [
            ("Dol-de-Bretagne", valid_siren(1)),
            ("Cherrueix", valid_siren(2)),
            ("Mont-Dol", valid_siren(3)),
        ]
    ):
        data |= {f"coll-{i}-name": name, f"coll-{i}-kind": "commune", f"coll-{i}-siren": siren}
    data.update(changes)
    return data


def test_three_collectivities_are_added_at_once(client, db, pilot35):
    from procurement.models import Department

    client.force_login(pilot35)
    page = client.get(reverse("orders:request_create")).content.decode()
    assert 'name="coll-2-name"' in page  # three empty rows
    data = request_post(department=Department.objects.get(code="35").pk)
    response = client.post(reverse("orders:request_create"), data)
    assert response.status_code == 302
    request = TeamRequest.objects.get(title="Atelier des marais")
    assert [c.name for c in request.collectivities.all()] == [
        "Dol-de-Bretagne",
        "Cherrueix",
        "Mont-Dol",
    ]


def test_a_wrong_siren_is_shown_on_its_row_and_in_the_summary(client, db, pilot35):
    from procurement.models import Department

    client.force_login(pilot35)
    data = request_post(department=Department.objects.get(code="35").pk, **{"coll-1-siren": "123"})
    html = client.post(reverse("orders:request_create"), data).content.decode()
    assert title_of(html).startswith("Erreur : ")
    assert '<a href="#id_coll-1-siren">SIREN : ' in html
    assert 'value="Cherrueix"' in html and 'value="Atelier des marais"' in html
    assert not TeamRequest.objects.filter(title="Atelier des marais").exists()


@pytest.fixture
def attachment(db, pilot35, settings):
    request = make_request(pilot35)
    stored = default_storage.save("attachments/test/lettre.pdf", _file())
    return RequestAttachment.objects.create(
        request=request,
        file=stored,
        original_name="lettre-du-maire.pdf",
        size=10,
        sha256="0" * 64,
        uploaded_by=pilot35,
    )


def _file():
    from django.core.files.base import ContentFile

    return ContentFile(tiny_pdf())


def test_an_attachment_is_removed_from_a_draft_with_its_file_and_a_trace(
    client, attachment, pilot35, django_capture_on_commit_callbacks
):
    client.force_login(pilot35)
    url = reverse("orders:attachment_delete", args=[attachment.request_id, attachment.pk])
    assert url in client.get(attachment.request.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not RequestAttachment.objects.filter(pk=attachment.pk).exists()
    assert not default_storage.exists(attachment.file.name)
    last = attachment.request.history.first()
    assert last.history_change_reason == "Pièce jointe retirée : lettre-du-maire.pdf"
    assert last.history_user == pilot35


def test_an_attachment_stays_once_the_request_is_submitted_or_for_another_service(
    client, attachment, pilot35, pilot29, buyer
):
    url = reverse("orders:attachment_delete", args=[attachment.request_id, attachment.pk])
    client.force_login(pilot29)
    assert client.post(url).status_code == 404
    from orders import services

    services.request_submit(team_request=attachment.request, by=pilot35)
    client.force_login(pilot35)
    assert client.post(url).status_code == 403
    assert RequestAttachment.objects.filter(pk=attachment.pk).exists()


def test_an_action_form_posted_with_errors_comes_back_as_typed(client, db, pilot35, buyer):
    from orders.enums import OrderState

    make_agreement()
    order = make_order(pilot35, buyer, None, state=OrderState.NOTIFIED)
    client.force_login(buyer)
    url = reverse("orders:order_transition", args=[order.pk, "decline"])
    response = client.post(
        url, {"expected_state": "notified", "on": "31/02/2026", "comment": "Équipe indisponible"}
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    decline = html.split('aria-label="Enregistrer le refus du titulaire"')[1].split("</form>")[0]
    assert "Équipe indisponible</textarea>" in decline  # what was typed
    assert 'value="31/02/2026"' in decline and "Saisissez une date valide" in decline
    assert '<a href="#decline-on">' in decline  # the summary links to the field
    again = client.get(order.get_absolute_url()).content.decode()
    assert "Équipe indisponible" not in again  # shown once, then the form is fresh
    assert PurchaseOrder.objects.get(pk=order.pk).state == OrderState.NOTIFIED
