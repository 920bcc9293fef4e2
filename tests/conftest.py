import importlib

import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the dashboard keeps its aggregates there)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def buyer(db):
    return UserFactory(buyer=True, username="buyer")


@pytest.fixture
def finance(db):
    return UserFactory(finance=True, username="fin")


@pytest.fixture
def admin_user(db):
    return UserFactory(admin=True, username="adm")


@pytest.fixture
def pilot35(db):
    return UserFactory(username="p35")


@pytest.fixture
def pilot29(db):
    return UserFactory(pilot29=True, username="p29")


@pytest.fixture
def all_users(buyer, finance, admin_user, pilot35, pilot29):
    return {
        "buyer": buyer,
        "finance": finance,
        "admin": admin_user,
        "pilot35": pilot35,
        "pilot29": pilot29,
    }


DATA_MIGRATIONS = [
    "procurement.migrations.0002_reference_data",
    "teams.migrations.0002_professions",
    "orders.migrations.0003_late_payment_rates",
]


@pytest.fixture
def reference_data(transactional_db):
    """Transactional tests flush the database after each test: reload the reference data
    that the data migrations provide (departments, services, professions, rates)."""
    from django.apps import apps

    for module in DATA_MIGRATIONS:
        importlib.import_module(module).load(apps, None)


# The slowest tests first, measured with --durations on PostgreSQL (the data-migration tests take
# minutes each). `make test` runs the suite with --dist worksteal: a worker that runs out of tests
# takes over the rest of the other's queue, so the suite ends when the work does instead of with
# one long test started last and running alone.
SLOWEST_FIRST = (
    "tests/test_migrations.py",
    "tests/procurement/test_production.py",
    "tests/security/test_state_machine.py",
    "tests/orders/test_seed",
    "tests/browser/",
    "tests/security/test_contract_machine.py",
)


def _rank(item):
    for index, prefix in enumerate(SLOWEST_FIRST):
        if item.nodeid.startswith(prefix):
            return index
    return len(SLOWEST_FIRST)


def pytest_collection_modifyitems(items):
    items.sort(key=_rank)  # stable: the rest keeps pytest's order
