"""The application's URLs, plus the floor page: a trivial signed-in view rendering the base
template through the same middleware, and the same page after n single-row reads (what a
detail page's query budget costs on its own). Served by the benchmark only, never in
production."""

from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.shortcuts import render
from django.urls import path

from procurement.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@login_required
def floor(request):
    return render(request, "base.html", {"title": "Plancher"})


@login_required
def floor_reads(request, count):
    """The floor page after `count` reads of one row each, by primary key, through the ORM,
    from the smallest table there is (content types: three columns), each a different row.
    The cheapest thing a detail page can do with its queries: no join, no prefetch, no
    template for what was read."""
    if count < 2:  # an empty slice reads nothing
        raise Http404("Au moins deux lectures.")
    # The first read lists the rows the others then read one by one: `count` reads in all.
    pks = ContentType.objects.order_by("pk").values_list("pk", flat=True)[: count - 1]
    rows = [ContentType.objects.get(pk=pk) for pk in pks]
    return render(request, "base.html", {"title": f"Plancher et {len(rows) + 1} lectures"})


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/floor/reads/<int:count>/", floor_reads, name="bench_floor_reads"),
    *urlpatterns,
]
