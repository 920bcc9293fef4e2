"""The dashboard's panels are kept in the cache under their change markers: an unchanged
dashboard reads no panel, and any change a panel shows is on the next view."""

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications import outbox
from notifications.models import MessageStatus, OutgoingMessage
from orders import kept_panels
from orders.enums import OrderState
from orders.models import PurchaseOrder
from procurement import clock
from tests.factories import make_agreement
from tests.fast_factories import fast_order

# The session, the user, and the agreements with every change marker.
UNCHANGED = 3


def _view(client):
    """(the panel titled « title » → the text of its rows, the number of queries)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    sections = re.findall(r'<h3 class="fr-h6">(.*?) <span.*?</h3>(.*?)</section>', html, re.S)
    return {title: body for title, body in sections}, len(ctx.captured_queries)


def test_an_unchanged_dashboard_reads_no_panel_and_a_change_shows_at_once(
    client, pilot35, buyer, finance
):
    make_agreement()
    first = fast_order(pilot35, buyer, finance, state=OrderState.DELIVERED)
    client.force_login(buyer)
    panels, cold = _view(client)
    assert first.display_number in panels["Livrables à réceptionner (service fait)"]
    panels, warm = _view(client)
    assert warm == UNCHANGED < cold
    assert first.display_number in panels["Livrables à réceptionner (service fait)"]
    # A new order, then a change of state: each writes a history row, which moves a marker.
    second = fast_order(pilot35, buyer, finance, state=OrderState.DELIVERED)
    panels, count = _view(client)
    assert second.display_number in panels["Livrables à réceptionner (service fait)"]
    assert count > UNCHANGED
    PurchaseOrder.objects.filter(pk=second.pk).update(state=OrderState.SERVICE_DONE)
    second.refresh_from_db()
    second.save()  # as a transition does: the history row moves the marker
    panels, _ = _view(client)
    assert second.display_number not in panels["Livrables à réceptionner (service fait)"]
    assert first.display_number in panels["Livrables à réceptionner (service fait)"]
    assert _view(client)[1] == UNCHANGED


def test_each_reader_has_their_own_panels(client, pilot35, pilot29, buyer, finance):
    make_agreement()
    mine = fast_order(pilot35, buyer, finance, state=OrderState.IN_PROGRESS)
    theirs = fast_order(pilot29, buyer, finance, state=OrderState.IN_PROGRESS)
    shown = {}
    for user in (pilot35, pilot29, pilot35, pilot29):
        client.force_login(user)
        shown[user.username] = _view(client)[0]["Ateliers Flash en cours sur mon territoire"]
    assert mine.display_number in shown[pilot35.username]
    assert theirs.display_number not in shown[pilot35.username]
    assert theirs.display_number in shown[pilot29.username]
    assert mine.display_number not in shown[pilot29.username]


def test_a_failed_email_shows_and_goes_once_sent_again(client, pilot35, buyer, finance):
    """E-mails keep no history: their panel follows the failures' count and latest time."""
    make_agreement()
    order = fast_order(pilot35, buyer, finance, state=OrderState.ISSUED)
    message = outbox.queue(
        kind="order_notification",
        about=order,
        to=["t@example.fr"],
        subject="Bon émis",
        by=buyer,
        paragraphs=["Bonjour."],
    )
    client.force_login(buyer)
    title = "Courriels en échec, à renvoyer"
    assert "Bon émis" not in _view(client)[0][title]
    message.status, message.failed_at = MessageStatus.FAILED, clock.now()
    message.save()
    assert "Bon émis" in _view(client)[0][title]
    assert _view(client)[1] == UNCHANGED
    outbox.resend(message=OutgoingMessage.objects.get(pk=message.pk), by=buyer)
    assert "Bon émis" not in _view(client)[0][title]


def test_the_panels_are_read_again_the_next_day(client, pilot35, buyer, finance):
    """A contract's next session is the next from today: the day is part of the key."""
    make_agreement()
    fast_order(pilot35, buyer, finance, state=OrderState.DELIVERED)
    client.force_login(pilot35)
    today = datetime.date(2027, 3, 1)
    with clock.frozen(today):
        _view(client)
        assert _view(client)[1] == UNCHANGED
    with clock.frozen(today + datetime.timedelta(days=1)):
        assert _view(client)[1] > UNCHANGED


# What a panel row shows of a table no marker follows: names and labels, which show within
# markers.KEPT_SECONDS (orders.kept_panels.rendered_panels).
NAMES_ONLY = {
    "framework_agreements.holder",
    "framework_agreements.frameworkagreement",
    "procurement.department",
    "procurement.service",
    "contenttypes.contenttype",
}


def test_a_marker_follows_every_table_the_panels_read(pilot35, buyer, finance, admin_user):
    """Every table a panel reads has its marker: a table keeping history is FOLLOWED, the
    e-mails by their failures; a new panel over another table fails here until it has one."""
    from django.apps import apps

    from procurement.markers import history_model

    make_agreement()
    for state in (OrderState.DRAFT, OrderState.DELIVERED, OrderState.INVOICED, OrderState.PAID):
        fast_order(pilot35, buyer, finance, state=state)
    tables = {model._meta.db_table: model for model in apps.get_models()}
    read = set()
    for user in (buyer, finance, pilot35, admin_user):
        with CaptureQueriesContext(connection) as ctx:
            kept_panels.rendered_panels(user, None)
        for query in ctx.captured_queries:
            read |= {tables[t] for t in re.findall(r'(?:FROM|JOIN) "(\w+)"', query["sql"])}
    followed = {history_model(model) for model in kept_panels.FOLLOWED}
    assert {model for model in read if model in followed} == set()  # the live tables are read
    unfollowed = {
        model._meta.label_lower
        for model in read
        if model not in kept_panels.FOLLOWED and model is not OutgoingMessage
    }
    assert unfollowed <= NAMES_ONLY, unfollowed - NAMES_ONLY
    assert set(kept_panels.FOLLOWED) <= read
