"""The audit log's and the expert directory's rows are kept under their change markers, as
the orders' are (test_pagination.py): unchanged, a page reads no row; a change shows at once."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from procurement import audit
from procurement.models import AuditEvent
from teams.models import Expert
from tests.factories import ExpertFactory


def _view(client, url, model):
    """(the table's body, whether the view read the page's keys or rows of `model`: not its
    count, nor its change marker, the latest row alone)."""
    table = f'FROM "{model._meta.db_table}"'
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    read = any(
        table in q["sql"] and re.search(r"LIMIT 25|\bIN \(", q["sql"]) for q in ctx.captured_queries
    )
    return re.search(r"<tbody>.*</tbody>", response.content.decode(), re.S).group(0), read


def test_the_audit_log_rows_are_kept_until_an_event_is_added(client, admin_user):
    audit.record("mail_resend", user=admin_user, message=1, subject="Premier courriel")
    client.force_login(admin_user)
    url = reverse("audit_log")
    rows, read = _view(client, url, AuditEvent)
    assert read and "Premier courriel" in rows
    again, read = _view(client, url, AuditEvent)
    assert not read and again == rows
    audit.record("mail_resend", user=admin_user, message=2, subject="Second courriel")
    rows, read = _view(client, url, AuditEvent)
    assert read and "Second courriel" in rows
    filtered, read = _view(client, url + "?event=login", AuditEvent)
    assert read and "Second courriel" not in filtered  # its own rows


def test_the_expert_directory_rows_are_kept_until_an_expert_changes(client, buyer):
    expert = ExpertFactory(last_name="Avant")
    client.force_login(buyer)
    url = reverse("teams:expert_list")
    rows, read = _view(client, url, Expert)
    assert read and "Avant" in rows
    assert _view(client, url, Expert) == (rows, False)
    expert.last_name = "Après"
    expert.save()  # a change writes its history row, which moves the marker
    rows, read = _view(client, url, Expert)
    assert read and "Après" in rows and "Avant" not in rows
    ExpertFactory(last_name="Nouveau")
    rows, read = _view(client, url, Expert)
    assert read and "Nouveau" in rows


def test_the_consultation_list_rows_are_kept_until_a_consultation_or_its_contract_changes(
    client, pilot35, buyer
):
    from orders.models import Consultation, SubsequentContract
    from tests.factories import make_local_agreement
    from tests.local_factories import make_consultation

    make_local_agreement(holders=3)
    consultation = make_consultation(pilot35, buyer, "awarded")
    contract = SubsequentContract.objects.get(consultation=consultation)
    client.force_login(buyer)
    url = reverse("orders:consultation_list")
    rows, read = _view(client, url, Consultation)
    assert read and consultation.subject in rows and contract.number in rows
    assert _view(client, url, Consultation) == (rows, False)
    Consultation.objects.filter(pk=consultation.pk).update(subject="Objet modifié")
    consultation.refresh_from_db()
    consultation.save()  # a change writes its history row, which moves the marker
    rows, read = _view(client, url, Consultation)
    assert read and "Objet modifié" in rows
    SubsequentContract.objects.filter(pk=contract.pk).update(number="LOCAL-2099-0042")
    contract.refresh_from_db()
    contract.save()
    rows, read = _view(client, url, Consultation)
    assert read and "LOCAL-2099-0042" in rows
