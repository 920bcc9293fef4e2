"""The dashboard's panels kept in the cache under change markers: an unchanged dashboard
reads none of its panels again, and any change a panel shows is on the next view."""

import functools

from django.db import connection
from django.db.models import F, Func, Subquery
from django.template.loader import render_to_string

from framework_agreements.models import FrameworkAgreement
from notifications.models import MessageStatus, OutgoingMessage
from procurement import clock
from procurement.markers import history_model, kept_html, latest, reader

from . import atlas
from .dashboard import dashboard_context
from .models import (
    Consultation,
    ContractPhase,
    Invoice,
    Payment,
    PurchaseOrder,
    SubsequentContract,
    TeamRequest,
)

# The tables the panels read whose every change writes a history row.
FOLLOWED = [
    PurchaseOrder,
    TeamRequest,
    Consultation,
    SubsequentContract,
    ContractPhase,
    Invoice,
    Payment,
]


MARKERS = [f"panels_marker_{model._meta.model_name}" for model in FOLLOWED] + [
    "panels_marker_failed",
    "panels_marker_failed_at",
]


def with_markers(queryset):
    """`queryset` (the dashboard's agreements, read anyway), each row carrying the change
    markers of the panels (panels_marker): the latest history row of each table they read,
    and the failed e-mails' count and latest failure (a message keeps no history; a failure
    sets failed_at, a resend clears it). An empty table's marker is None until its first
    row."""
    failed = OutgoingMessage.objects.filter(status=MessageStatus.FAILED).order_by()
    followed = [latest(history_model(model), "history_id", "history_date") for model in FOLLOWED]
    failures = [
        Subquery(failed.values(n=Func(F("pk"), function="COUNT"))),
        Subquery(failed.values(at=Func(F("failed_at"), function="MAX"))),
    ]
    return queryset.annotate(**dict(zip(MARKERS, followed + failures, strict=True)))


@functools.cache
def _agreements_statement(national, vendor):
    agreements = FrameworkAgreement.objects.order_by("-start_date")
    agreements = with_markers(atlas.with_markers(agreements) if national else agreements)
    return agreements.query.sql_with_params()


def dashboard_agreements(national):
    """The agreements, newest first, with the panels' markers and, for a national reader,
    the map's and the chart's (atlas.with_markers). The statement is the same on every view:
    it is built once per process; building and compiling its eleven subqueries took longer
    than running them (1.6 against 0.8 ms)."""
    sql, params = _agreements_statement(national, connection.vendor)
    return list(FrameworkAgreement.objects.raw(sql, params))


def panels_marker(row):
    """The panels' change marker, read off a row of with_markers()."""
    return "|".join(str(getattr(row, name)) for name in MARKERS)


def rendered_panels(user, marker):
    """The panels' HTML (orders/_dashboard_panels.html), kept in the cache under the reader
    (whose own work some panels show), the day (a contract's next session is the next from
    today) and the panels' change marker (with_markers): the panels' queries and their
    rendering, two thirds of a dashboard's time, run again only once something they read has
    changed. What no marker follows (a holder's or a department's name) shows within
    markers.KEPT_SECONDS."""

    def render():
        context = dashboard_context(user)
        context["todo_total"] = sum(rows.total for _title, _kind, rows in context["todo"])
        return render_to_string("orders/_dashboard_panels.html", context)

    key = None if marker is None else (reader(user), clock.today(), marker)
    return kept_html("dashboard-panels", key, render)
