"""An export too large for a request is built by a task with retries, for its requester only,
from the same filters and scope as the page; « Mes exports » lists it with its file."""

import dataclasses
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exports import registry
from exports.models import ExportJob, ExportStatus
from orders.enums import OrderState
from procurement.models import AuditEvent
from tests.exports.sheets import rows_of
from tests.factories import make_agreement
from tests.fast_factories import fast_order


@pytest.fixture
def orders(db, pilot35, pilot29, buyer, finance, settings):
    settings.EXPORT_SYNC_MAX_ROWS = 1  # every export of two rows or more goes to the queue
    make_agreement()
    rows = [fast_order(pilot35, buyer, finance, state=OrderState.ISSUED) for _ in range(2)]
    rows.append(fast_order(pilot35, buyer, finance, state=OrderState.DRAFT))
    rows.append(fast_order(pilot29, buyer, finance, state=OrderState.ISSUED))
    return rows


def export(client, user, capture, **params):
    client.force_login(user)
    with capture(execute=True):
        return client.get(reverse("orders:order_list_xlsx"), params)


def test_a_large_export_is_queued_built_and_listed_for_its_requester(
    client, orders, finance, django_capture_on_commit_callbacks
):
    response = export(client, finance, django_capture_on_commit_callbacks, state="issued")
    assert response.status_code == 302 and response["Location"] == reverse("exports:list")
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.READY and job.rows == 3 and job.attempts == 1
    assert job.params == {"state": "issued"} and job.requested_by == finance
    page = client.get(reverse("exports:list")).content.decode()
    assert "en préparation" in page  # the message
    assert reverse("exports:download", args=[job.pk]) in page
    download = client.get(reverse("exports:download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    numbers = {row["Numéro"] for row in rows_of(sheet)[1]}
    assert numbers == {o.number for o in orders if o.state == OrderState.ISSUED}
    assert AuditEvent.objects.filter(event="export", user=finance).exists()


def test_a_pilots_large_export_holds_only_their_services_orders(
    client, orders, pilot35, django_capture_on_commit_callbacks
):
    export(client, pilot35, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.rows == 3  # the two issued and the draft of Ille-et-Vilaine, not the Finistère one


def test_nobody_else_downloads_or_sees_the_file(
    client, orders, finance, buyer, django_capture_on_commit_callbacks
):
    export(client, finance, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    client.force_login(buyer)
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert (
        reverse("exports:download", args=[job.pk])
        not in client.get(reverse("exports:list")).content.decode()
    )


def test_a_failing_export_is_retried_then_marked_failed_with_its_error(
    client, orders, finance, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(user, params, out):
        raise OSError("disque plein")

    spec = registry.get("orders")
    monkeypatch.setitem(registry.KINDS, "orders", dataclasses.replace(spec, write=broken))
    export(client, finance, django_capture_on_commit_callbacks)
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and job.attempts == 3
    assert "disque plein" in job.error
    assert client.get(reverse("exports:download", args=[job.pk])).status_code == 404
    assert "disque plein" in client.get(reverse("exports:list")).content.decode()


def test_a_small_export_is_still_sent_at_once(client, db, pilot35, buyer, finance, settings):
    make_agreement()
    fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    client.force_login(finance)
    response = client.get(reverse("orders:order_list_xlsx"))
    assert response.status_code == 200 and not ExportJob.objects.exists()
