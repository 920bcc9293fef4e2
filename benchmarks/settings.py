"""Production settings, plus the floor page the benchmark compares every page against."""

from procurement.settings import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
