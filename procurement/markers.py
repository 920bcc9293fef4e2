"""Change markers: when a table last changed, read from the end of an index, so that a figure
computed over ten years of rows (a dashboard's map, a list's count) can be kept in the cache
under it and computed afresh as soon as a row changes.

A marker is a time rather than an id, as SQLite may reuse a rolled-back id. One case escapes
it: two changes committed in the reverse order of their ids, with a read in between. KEPT_SECONDS
bounds that lag: a kept figure lives no longer.
"""

import functools
import hashlib

from django.core.cache import cache
from django.db import connection
from django.db.models import Subquery
from django.utils.safestring import mark_safe

KEPT_SECONDS = 300


@functools.cache
def history_model(model):
    """`model`'s django-simple-history model. The `history` descriptor builds a new manager
    class on each access (a third of a millisecond, on every list view and dashboard)."""
    return model.history.model


def latest(model, order, value):
    """An expression: `value` of the row last in `order` (a history table's id and date, an
    append-only table's id and time), to ride on another query."""
    return Subquery(model.objects.order_by(f"-{order}").values(value)[:1])


@functools.cache
def _statement(sources, vendor):
    (model, order, value), *others = sources
    extra = {f"marker_{index}": latest(*source) for index, source in enumerate(others)}
    queryset = model.objects.order_by(f"-{order}").annotate(**extra)
    return queryset.values_list(value, *extra)[:1].query.sql_with_params()


def latest_change(*sources):
    """When each source (model, order field, value field) last changed, in one query. None
    when the first source is empty: no marker, nothing kept.

    The statement depends on the sources only: it is built once per process (building and
    compiling it cost as much as running it, on every list view). Its values are a key, not
    data: they are read as the driver gives them."""
    sql, params = _statement(tuple(sources), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return None if row is None else "|".join(map(str, row))


def reader(user):
    """Who reads, as a key: the user, their role and service (which every list's and every
    panel's visibility follows)."""
    return (user.pk, getattr(user, "role", None), getattr(user, "service_id", None))


def kept_html(kind, key, render):
    """render()'s HTML, kept as `kept` keeps a figure, and safe to insert as is."""
    return mark_safe(kept(kind, key, lambda: str(render())))


def kept(kind, key, compute):
    """compute(), kept in the cache for KEPT_SECONDS under `key` (what the result depends on,
    change markers included); computed on every call when `key` is None."""
    if key is None:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    return cache.get_or_set(f"{kind}|{digest}", compute, timeout=KEPT_SECONDS)
