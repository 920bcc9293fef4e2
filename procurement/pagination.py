"""Numbered pages that stay fast deep into a long list (a « deferred join »), and a count
kept while nothing it counts has changed.

OFFSET makes the database walk every row before the page. With the rows' joins
(select_related) that walk builds every skipped row's holder, request and department. This
paginator first reads only the page's primary keys, in the list's order: the walk runs on
the sort's index (field, id), nothing joined. It then reads the page's 25 rows, joined, by
primary key. One query more than Django's Paginator, the same at page 1 and page 200;
the numbered DSFR pagination and the sortable columns are unchanged.

Counting ten years of rows for the caption and the page numbers is the list's slowest query
(every row of the user's scope, on each page view). Given a change marker
(`markers.latest_change`: when the rows the list filters on last changed), the count is kept
in the cache under the reader's scope, the filters and that marker (`count_key`): a change
moves the marker and the next view counts afresh. A page's rendered rows are kept under the
same key, the order and the page (`rows_key`, orders/templatetags/list_rows.py): the page's
rows are read only when rendered (`PageRows`). What no marker follows (a holder's or a
department's name) can lag, within the bound the markers give (procurement/markers.py).
"""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .markers import kept, kept_html, reader


class DeferredJoinPaginator(Paginator):
    """`count_key`: what the count depends on (who reads, which filters) and the list's change
    marker; given, the count is kept in the cache under it. None: counted on every view.

    `rows`: the queryset the page's rows are read from by primary key, with the joins and
    columns the page shows (the list's own queryset carries what its filters, its exports and
    its scope need). The keys come from the list's queryset, scope and filters applied, so
    reading them back needs neither again. None: the list's own queryset."""

    def __init__(self, object_list, per_page, *args, count_key=None, rows=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_key = count_key
        self.rows = rows

    @cached_property
    def count(self):
        key = None if self.count_key is None else (self.object_list.db, self.count_key)
        return kept("list-count", key, self.object_list.count)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(PageRows(self, bottom, top), number, self)

    def rows_key(self, number):
        """The key a page's rendered rows can be kept under: the count's (the reader, the
        filters, the change markers of what the rows show), the order and the page. None
        without a count key."""
        if self.count_key is None:
            return None
        order = tuple(map(str, self.object_list.query.order_by))
        return (self.object_list.db, self.count_key, order, number)


def kept_rows(page, render):
    """render()'s HTML (a page's rows), kept under the page's rows key
    (DeferredJoinPaginator.rows_key); rendered on every view for a page without one."""
    rows_key = getattr(page.paginator, "rows_key", None)
    return kept_html("list-rows", None if rows_key is None else rows_key(page.number), render)


class PageRows(Sequence):
    """A page's rows, read when first used: the page's keys in the list's order, then the
    rows by key. A page whose rendered rows are kept (list_rows) reads neither."""

    def __init__(self, paginator, bottom, top):
        self.paginator, self.bottom, self.top = paginator, bottom, top

    @cached_property
    def rows(self):
        paginator = self.paginator
        ids = list(paginator.object_list.values_list("pk", flat=True)[self.bottom : self.top])
        source = paginator.object_list if paginator.rows is None else paginator.rows
        rows = {row.pk: row for row in source.order_by().filter(pk__in=ids)}
        return [rows[pk] for pk in ids if pk in rows]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        return self.rows[index]


def count_key(name, user, data, *markers, ignore=("sort", "page")):
    """The key a list's count is kept under: the list, the reader's scope (who they are, their
    role and service, which every list's visibility follows), the filters as sent (the sort
    and the page do not change a count) and the change markers. None without a marker."""
    if any(marker is None for marker in markers):
        return None
    filters = sorted((k, tuple(data.getlist(k))) for k in data if k not in ignore)
    return (name, reader(user), tuple(filters), markers)
