"""Numbered pages that stay fast deep into a long list (a « deferred join »).

OFFSET makes the database walk every row before the page. With the rows' joins
(select_related) that walk builds every skipped row's holder, request and department. This
paginator first reads only the page's primary keys, in the list's order: the walk runs on
the sort's index (field, id), nothing joined. It then reads the page's 25 rows, joined, by
primary key. One query more than Django's Paginator, the same at page 1 and page 200;
the numbered DSFR pagination and the sortable columns are unchanged.
"""

from django.core.paginator import Paginator


class DeferredJoinPaginator(Paginator):
    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = {row.pk: row for row in self.object_list.order_by().filter(pk__in=ids)}
        return self._get_page([rows[pk] for pk in ids if pk in rows], number, self)
