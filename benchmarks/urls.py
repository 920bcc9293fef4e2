"""The application's URLs, plus the floor page: a trivial signed-in view rendering the base
template through the same middleware. Served by the benchmark only, never in production."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from procurement.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


@login_required
def floor(request):
    return render(request, "base.html", {"title": "Plancher"})


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *urlpatterns]
