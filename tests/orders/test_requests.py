import pytest
from django.urls import reverse

from orders import services
from orders.enums import RequestState
from orders.models import TeamRequest
from tests import pdfs
from tests.factories import make_request, tiny_pdf

# (action, source state, target state) for every transition of a request.
REQUEST_TRANSITIONS = [
    ("submit", "draft", "submitted"),
    ("submit", "returned", "submitted"),
    ("return_for_changes", "submitted", "returned"),
    ("accept", "submitted", "accepted"),
    ("reject", "submitted", "rejected"),
    ("withdraw", "draft", "withdrawn"),
    ("withdraw", "submitted", "withdrawn"),
    ("withdraw", "returned", "withdrawn"),
]
ALLOWED = {(a, s) for a, s, _ in REQUEST_TRANSITIONS}
PILOT_ACTIONS = {"submit", "withdraw"}


@pytest.mark.parametrize("action,source,target", REQUEST_TRANSITIONS)
def test_every_request_transition_from_its_source_state(action, source, target, pilot35, buyer):
    request = make_request(pilot35, state=source, buyer=buyer)
    actor = pilot35 if action in PILOT_ACTIONS else buyer
    services.REQUEST_ACTIONS[action].run(request, by=actor, comment="motif", expected_state=source)
    request.refresh_from_db()
    assert request.state == target
    last = request.history.first()
    assert last.history_user == actor and last.state == target
    assert services.REQUEST_ACTIONS[action].label in last.history_change_reason


FORBIDDEN_PAIRS = [
    (action, state)
    for action in services.REQUEST_ACTIONS.names()
    for state in RequestState.values
    if (action, state) not in ALLOWED
]


@pytest.mark.parametrize("action,state", FORBIDDEN_PAIRS)
def test_no_request_transition_from_any_other_state(action, state, pilot35, buyer):
    request = make_request(pilot35, state=state, buyer=buyer)
    actor = pilot35 if action in PILOT_ACTIONS else buyer
    with pytest.raises(services.ActionRefused):
        services.REQUEST_ACTIONS[action].run(request, by=actor, comment="motif")
    request.refresh_from_db()
    assert request.state == state


ROLE_ALLOWED = {
    "submit": {"pilot35"},
    "withdraw": {"pilot35"},
    "return_for_changes": {"buyer"},
    "accept": {"buyer"},
    "reject": {"buyer"},
}
SOURCE_FOR = {
    "submit": "draft",
    "withdraw": "draft",
    "return_for_changes": "submitted",
    "accept": "submitted",
    "reject": "submitted",
}


@pytest.mark.parametrize("role", ["buyer", "finance", "admin", "pilot35", "pilot29"])
@pytest.mark.parametrize("action", services.REQUEST_ACTIONS.names())
def test_each_role_may_or_may_not_perform_each_request_transition(action, role, all_users):
    request = make_request(all_users["pilot35"], state=SOURCE_FOR[action], buyer=all_users["buyer"])
    user = all_users[role]
    if role in ROLE_ALLOWED[action]:
        services.REQUEST_ACTIONS[action].run(request, by=user, comment="motif")
        assert TeamRequest.objects.get(pk=request.pk).state != SOURCE_FOR[action]
    else:
        with pytest.raises(services.ActionRefused):
            services.REQUEST_ACTIONS[action].run(request, by=user, comment="motif")
        assert TeamRequest.objects.get(pk=request.pk).state == SOURCE_FOR[action]


def test_returning_or_rejecting_requires_a_reason(pilot35, buyer):
    request = make_request(pilot35, state="submitted", buyer=buyer)
    for action in ("return_for_changes", "reject"):
        with pytest.raises(services.ActionRefused, match="motif est obligatoire"):
            services.REQUEST_ACTIONS[action].run(request, by=buyer, comment="  ")
    assert TeamRequest.objects.get(pk=request.pk).state == "submitted"


def test_a_request_without_collectivity_cannot_be_submitted(pilot35):
    request = make_request(pilot35)
    request.collectivities.all().delete()
    with pytest.raises(services.ActionRefused, match="collectivité"):
        services.request_submit(team_request=request, by=pilot35)


def test_the_buyers_comment_is_shown_to_the_pilot(client, pilot35, buyer):
    request = make_request(pilot35, state="submitted", buyer=buyer)
    services.request_return_for_changes(
        team_request=request,
        by=buyer,
        comment="Ajoutez la lettre du préfet.",
    )
    client.force_login(pilot35)
    response = client.get(reverse("orders:request_detail", args=[request.pk]))
    assert "Ajoutez la lettre du préfet." in response.content.decode()


def test_a_pilot_files_a_request_with_collectivities_through_the_form(client, pilot35):
    client.force_login(pilot35)
    response = client.post(
        reverse("orders:request_create"),
        {
            "title": "Atelier Redon",
            "format": "flash",
            "department": pilot35.service.department_id,
            "problem_statement": "Revitaliser le centre.",
            "themes": ["town_centre", "mobility"],
            "coll-TOTAL_FORMS": "1",
            "coll-INITIAL_FORMS": "0",
            "coll-MIN_NUM_FORMS": "0",
            "coll-MAX_NUM_FORMS": "1000",
            "coll-0-name": "Redon",
            "coll-0-kind": "commune",
            "coll-0-siren": "213502362",
        },
    )
    request = TeamRequest.objects.get()
    assert response.status_code == 302
    assert request.service == pilot35.service and request.themes == ["town_centre", "mobility"]
    assert request.collectivities.get().siren == "213502362"
    assert request.history.first().history_user == pilot35


def test_an_invalid_siren_is_refused_and_nothing_is_written(client, pilot35):
    client.force_login(pilot35)
    response = client.post(
        reverse("orders:request_create"),
        {
            "title": "Atelier Redon",
            "format": "flash",
            "department": pilot35.service.department_id,
            "problem_statement": "x",
            "coll-TOTAL_FORMS": "1",
            "coll-INITIAL_FORMS": "0",
            "coll-MIN_NUM_FORMS": "0",
            "coll-MAX_NUM_FORMS": "1000",
            "coll-0-name": "Redon",
            "coll-0-kind": "commune",
            "coll-0-siren": "123456789",
        },
    )
    assert response.status_code == 200
    assert "SIREN" in response.content.decode()
    assert not TeamRequest.objects.exists()


def test_a_pilot_cannot_file_for_another_department(client, pilot35):
    from procurement.models import Department

    client.force_login(pilot35)
    response = client.post(
        reverse("orders:request_create"),
        {
            "title": "x",
            "format": "flash",
            "department": Department.objects.get(code="29").pk,
            "problem_statement": "x",
            "coll-TOTAL_FORMS": "0",
            "coll-INITIAL_FORMS": "0",
            "coll-MIN_NUM_FORMS": "0",
            "coll-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert not TeamRequest.objects.exists()


@pytest.mark.parametrize("role", ["buyer", "finance", "admin"])
def test_only_pilots_create_requests(client, role, all_users):
    client.force_login(all_users[role])
    assert client.get(reverse("orders:request_create")).status_code == 403


# --- attachments -------------------------------------------------------------------------------


def _upload(client, request, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("orders:attachment_upload", args=[request.pk]),
        {"file": SimpleUploadedFile(name, content, "application/pdf")},
        follow=True,
    )


def test_a_pdf_support_letter_is_stored_under_a_server_generated_name(client, pilot35):
    request = make_request(pilot35)
    client.force_login(pilot35)
    _upload(client, request, "../../lettre du maire.pdf", tiny_pdf())
    attachment = request.attachments.get()
    assert attachment.original_name.endswith("lettre du maire.pdf")
    assert "maire" not in attachment.file.name and attachment.file.name.endswith(".pdf")
    download = client.get(reverse("orders:attachment_download", args=[request.pk, attachment.pk]))
    assert b"".join(download.streaming_content) == tiny_pdf()


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("lettre.docx", tiny_pdf(), "Seuls les fichiers PDF"),
        ("lettre.pdf", b"MZ\x90\x00 not a pdf", "pas un PDF valide"),
        ("lettre.pdf", b"%PDF-1.4 /JavaScript (app.alert(1))\n%%EOF", "pas un PDF valide"),
        ("lettre.pdf", pdfs.javascript(), "contenu actif"),
        ("lettre.pdf", pdfs.javascript_hex_escaped(), "contenu actif"),
        ("lettre.pdf", pdfs.javascript_in_object_stream(), "contenu actif"),
        ("lettre.pdf", pdfs.launch(), "contenu actif"),
        ("lettre.pdf", pdfs.uri(), "contenu actif"),
        ("lettre.pdf", pdfs.embedded_file(), "fichiers joints"),
    ],
    ids=["docx", "exe", "broken", "js", "js-hex", "js-objstm", "launch", "uri", "embedded"],
)
def test_a_bad_attachment_is_refused_with_a_clear_message(client, pilot35, name, content, message):
    request = make_request(pilot35)
    client.force_login(pilot35)
    response = _upload(client, request, name, content)
    assert message in response.content.decode()
    assert not request.attachments.exists()


def test_an_attachment_over_the_size_limit_is_refused(client, pilot35, settings):
    settings.MAX_UPLOAD_BYTES = 100
    request = make_request(pilot35)
    client.force_login(pilot35)
    response = _upload(client, request, "l.pdf", tiny_pdf() + b" " * 200)
    assert "taille maximale" in response.content.decode()
    assert not request.attachments.exists()


def test_another_service_cannot_download_an_attachment(client, pilot35, pilot29):
    request = make_request(pilot35)
    client.force_login(pilot35)
    _upload(client, request, "l.pdf", tiny_pdf())
    attachment = request.attachments.get()
    client.force_login(pilot29)
    url = reverse("orders:attachment_download", args=[request.pk, attachment.pk])
    assert client.get(url).status_code == 404
