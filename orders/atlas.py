"""The dashboard's map of the ateliers by department and its chart of each agreement's ceiling
consumption over time.

Both are SVG drawn on the server: no script, no inline style (the Content-Security-Policy holds),
colours as SVG presentation attributes. Each comes with a table that says the same in text.
The department outlines are those of the State design system's map component (@gouvfr/dsfr-chart
2.0.4, MIT licence: orders/data/LICENSE-france-departments.txt).

Both aggregate ten years of rows (every request, the whole ledger). Their results are kept in
the cache under a change marker: when the latest request change (its history row) or the
latest ledger row was written, and for the chart each agreement's running committed total too
(moved under the agreement's lock with every ledger row). The markers ride on the dashboard's
agreements query (read from the end of a primary-key index each), so a dashboard whose data
has not changed reads no aggregate, and one whose data has changed reads it afresh. One case
escapes the request marker: two changes committed in the reverse order of their history ids,
with a dashboard read in between; procurement.markers.KEPT_SECONDS bounds that delay.
"""

import datetime
import functools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.core.cache import cache
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.template.loader import render_to_string
from django.urls import reverse

from framework_agreements.models import CommitmentEntry
from procurement import clock, roles
from procurement.markers import KEPT_SECONDS, history_model, kept_html, latest

from .enums import AtelierFormat, RequestState
from .models import TeamRequest

GEOMETRY_FILE = Path(__file__).parent / "data" / "france_departments.json"
# Blue France shades, lightest to darkest, and the bins they stand for.
SHADES = [("#f5f5fe", 0, 0), ("#cacafb", 1, 1), ("#8585f6", 2, 3), ("#313178", 4, None)]
# Ateliers on the map: requests a buyer has accepted or is examining, and those bought.
MAPPED_STATES = [
    RequestState.SUBMITTED,
    RequestState.RETURNED,
    RequestState.ACCEPTED,
    RequestState.ORDERED,
    RequestState.COMPLETED,
]


@functools.cache
def geometry():
    return json.loads(GEOMETRY_FILE.read_text())


@dataclass
class DepartmentRow:
    pk: int
    code: str
    name: str
    flash: int = 0
    local: int = 0
    states: dict = field(default_factory=dict)

    @property
    def total(self):
        return self.flash + self.local

    @property
    def url(self):
        return f"{reverse('orders:request_list')}?department={self.pk}"

    @property
    def label(self):
        return (
            f"{self.name} ({self.code}) : {self.total} atelier{'s' if self.total > 1 else ''} — "
            f"{self.flash} Flash, {self.local} Local"
        )


def with_markers(agreements):
    """The agreements queryset, each row carrying the change markers of the map and the chart:
    when the latest request change and the latest ledger row were written. Another row written
    since moves its marker (a later time, even where SQLite reuses a rolled-back id)."""
    return agreements.annotate(
        requests_marker=latest(history_model(TeamRequest), "history_id", "history_date"),
        ledger_marker=latest(CommitmentEntry, "pk", "created_at"),
    )


def _kept(key, marker, compute):
    """compute(), kept in the cache under this marker; computed afresh without one."""
    if marker is None:
        return compute()
    name = "|".join(["atlas", *map(str, key), marker.isoformat()])
    return cache.get_or_set(name, compute, timeout=KEPT_SECONDS)


def _readers(user):
    return "all" if roles.reads_everything(user) else f"service-{user.service_id}"


def ateliers_by_department(user, marker=None):
    """One row per department with ateliers this user may see (one query, none when the
    requests have not changed since the last count for the same readers)."""

    def compute():
        return list(
            TeamRequest.objects.visible_to(user)
            .filter(state__in=MAPPED_STATES)
            .values("department_id", "department__code", "department__name", "format", "state")
            .annotate(n=Count("pk"))
            .order_by("department__code")
        )

    rows = {}
    for c in _kept(("departments", _readers(user)), marker, compute):
        row = rows.setdefault(
            c["department__code"],
            DepartmentRow(c["department_id"], c["department__code"], c["department__name"]),
        )
        if c["format"] == AtelierFormat.FLASH:
            row.flash += c["n"]
        else:
            row.local += c["n"]
        row.states[c["state"]] = row.states.get(c["state"], 0) + c["n"]
    return list(rows.values())


def shade(total):
    for colour, low, high in SHADES:
        if total >= low and (high is None or total <= high):
            return colour
    return SHADES[0][0]


def france_map(rows):
    """What the map template draws: each department's outline, colour, label and link."""
    by_code = {row.code: row for row in rows}
    data = geometry()

    def area(code, d):
        row = by_code.get(code)
        return {
            "code": code,
            "d": d,
            "fill": shade(row.total if row else 0),
            "label": row.label if row else f"Département {code} : aucun atelier",
            "url": row.url if row else None,
        }

    return {
        "viewbox": data["metropole"]["viewBox"],
        "areas": [area(code, d) for code, d in sorted(data["metropole"]["paths"].items())],
        "overseas": [
            {"viewbox": o["viewBox"], "areas": [area(o["code"], d) for d in o["paths"]]}
            for o in data["overseas"]
        ],
        "legend": [
            (colour, f"{low}" if high == low else (f"{low} à {high}" if high else f"{low} et plus"))
            for colour, low, high in SHADES
        ],
        "states": [(s, RequestState(s).label) for s in MAPPED_STATES],
    }


# --- ceiling consumption over time --------------------------------------------------------


def month_range(first, last):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + datetime.timedelta(days=32)).replace(day=1)


def consumption(agreements, today=None):
    """For each agreement, its committed total at the end of each month since it started
    (one query over the ledger, summed per month; none when the ledger has not changed)."""
    today = today or clock.today()
    pks = [a.pk for a in agreements]

    def compute():
        sums = {}
        for row in (
            CommitmentEntry.objects.filter(agreement__in=pks)
            .annotate(month=TruncMonth("created_at"))
            .values("agreement_id", "month")
            .annotate(total=Sum("amount"))
            .order_by()
        ):
            month = row["month"]
            month = month.date() if isinstance(month, datetime.datetime) else month
            sums[(row["agreement_id"], month)] = row["total"]
        return sums

    marker = getattr(agreements[0], "ledger_marker", None) if agreements else None
    # Each ledger row moves its agreement's running total under the agreement's lock: with the
    # totals in the key, a row committed after a later-numbered one still shows at once.
    totals = [f"{a.pk}:{a.committed_amount}" for a in agreements]
    sums = _kept(("ledger-months", *totals), marker, compute)
    series = []
    for agreement in agreements:
        running, points = Decimal("0.00"), []
        for month in month_range(agreement.start_date, today):
            running += sums.get((agreement.pk, month), Decimal("0.00"))
            points.append((month, running))
        series.append(chart(agreement, points))
    return series


def rendered_picture(user, agreements):
    """The map and the chart's HTML (orders/_france_map.html, orders/_ceiling_chart.html),
    kept under the markers and the totals their figures are kept under (with_markers), and
    the day (the chart runs to this month): drawing a hundred departments and ten years of
    months took longer than reading their figures, which are read only to draw them."""
    first = agreements[0] if agreements else None
    markers = [getattr(first, name, None) for name in ("requests_marker", "ledger_marker")]

    def render():
        rows = ateliers_by_department(user, markers[0])
        context = {"atlas": france_map(rows), "atlas_rows": rows, "charts": consumption(agreements)}
        return render_to_string("orders/_national_picture.html", context)

    totals = [f"{a.pk}:{a.committed_amount}" for a in agreements]
    key = (
        None
        if None in markers
        else (_readers(user), *map(str, markers), *totals, clock.today().isoformat())
    )
    return kept_html("national-picture", key, render)


# The chart's drawing box (SVG user units) and its margins for the axes' labels.
WIDTH, HEIGHT, LEFT, RIGHT, BOTTOM, TOP = 640, 240, 70, 30, 30, 14


def chart(agreement, points):
    maximum = agreement.maximum_amount or Decimal("1")
    top = max([maximum, *(p[1] for p in points)])
    span = max(len(points) - 1, 1)

    # Coordinates as text: a French locale would print 14,0 where SVG wants 14.0.
    def x(i):
        return f"{LEFT + (WIDTH - LEFT - RIGHT) * i / span:.1f}"

    def y(value):
        return f"{TOP + (HEIGHT - TOP - BOTTOM) * (1 - float(value / top)):.1f}"

    step = max(len(points) // 6, 1)
    return {
        "agreement": agreement,
        "width": WIDTH,
        "height": HEIGHT,
        "polyline": " ".join(f"{x(i)},{y(v)}" for i, (_, v) in enumerate(points)),
        "maximum_y": y(maximum),
        "zero_y": y(0),
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "ticks": [(x(i), m) for i, (m, _) in enumerate(points) if i % step == 0],
        "label_y": HEIGHT - 8,
        "label_x": LEFT - 6,
        "rows": [(m, v, (v * 100 / maximum).quantize(Decimal("0.1"))) for m, v in points],
        "last": points[-1][1] if points else Decimal("0.00"),
    }
