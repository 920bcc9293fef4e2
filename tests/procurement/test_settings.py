import os
import subprocess
import sys
from pathlib import Path

import pytest

from procurement.settings import database_from_url

ROOT = Path(__file__).resolve().parents[2]


def test_database_url_for_postgresql_is_parsed():
    db = database_from_url("postgres://app:s%40cret@db.local:5433/ateliers")
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "ateliers",
        "app",
        "s@cret",
        "db.local",
        "5433",
    )


def test_database_url_for_sqlite_is_parsed():
    assert database_from_url("sqlite:////tmp/x.sqlite3")["NAME"] == "/tmp/x.sqlite3"


def test_an_unknown_database_scheme_is_refused():
    with pytest.raises(ValueError):
        database_from_url("mysql://x@y/z")


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
            },
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="False",
        SECRET_KEY="a-long-random-production-secret-for-the-deploy-check-0123456789",
        ALLOWED_HOSTS="ateliers.example.gouv.fr",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="False", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
