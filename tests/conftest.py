import importlib
import os
import threading
import warnings

import pytest
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the dashboard keeps its aggregates there)."""
    from django.core.cache import cache

    cache.clear()


def _name_session(sender, connection, **kwargs):
    """Each PostgreSQL session says which thread opened it during which test (application_name,
    set on the driver's connection: no query of the test's own is added), so a session still
    open at the end of the run names the test that left it."""
    if connection.vendor == "postgresql":
        opened = f"{threading.current_thread().name} {os.getenv('PYTEST_CURRENT_TEST', '')}"
        connection.connection.execute(
            "SELECT set_config('application_name', %s, false)", [opened[:63]]
        )


connection_created.connect(_name_session, dispatch_uid="tests-name-session")


@pytest.fixture(scope="session", autouse=True)
def _no_session_left(django_db_setup, django_db_blocker):
    """At the end of a PostgreSQL run, no other session may still hold the test database: the
    test runner could not drop it. One that does is named in a warning (its last query tells
    which test left it), then ended, so the database goes."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, left(query, 200) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        left = cursor.fetchall()
        for pid, *_ in left:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    if left:
        warnings.warn(f"sessions left on the test database: {left}", stacklevel=1)


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


def _load_reference_data(apps=None):
    """The reference data the data migrations provide (departments, services, professions,
    rates), loaded again (each load is idempotent) with these models or the current ones."""
    from django.apps import apps as current

    for module in DATA_MIGRATIONS:
        importlib.import_module(module).load(apps or current, None)


@pytest.fixture
def reference_data(transactional_db):
    """A transactional test that reads the reference data. They are there: the data migrations
    put them in the new test database, and the receiver below puts them back after each flush."""


def _reload_reference_data(sender, apps=None, **kwargs):
    """A transactional test's flush empties every table, then sends post_migrate: the reference
    data go back in, so a test that runs after it on the same worker finds them in whatever
    order xdist hands the tests out (pytest-django's own order, transactional tests last,
    no longer holds once workers take over each other's queues)."""
    if sender.name == "procurement":
        _load_reference_data(apps)  # flush sends no `apps`: the models as they are


post_migrate.connect(_reload_reference_data, dispatch_uid="tests-reload-reference-data")


# The slowest tests, measured with --durations on PostgreSQL: the data-migration tests take
# minutes each. `make test` runs with --dist worksteal, which first gives each of the (two)
# workers one half of the collection, then lets an idle worker take over the rest of the
# other's queue. The slow tests are dealt alternately to the head of each half, so the two
# longest start at once on different workers and the suite ends when the work does.
SLOWEST = (
    "tests/test_migrations.py",
    "tests/procurement/test_production.py",
    "tests/security/test_state_machine.py",
    "tests/orders/test_seed",
    "tests/browser/",
    "tests/security/test_contract_machine.py",
)


def _rank(item):
    for index, prefix in enumerate(SLOWEST):
        if item.nodeid.startswith(prefix):
            return index
    return len(SLOWEST)


def pytest_collection_modifyitems(items):
    slow = sorted((item for item in items if _rank(item) < len(SLOWEST)), key=_rank)
    rest = [item for item in items if _rank(item) == len(SLOWEST)]
    first, second = slow[0::2], slow[1::2]
    cut = max(len(items) // 2 - len(first), 0)
    items[:] = first + rest[:cut] + second + rest[cut:]
