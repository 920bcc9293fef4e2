"""The benchmark's database and server: a PostgreSQL database of its own, filled once per size
and kept for the next run, and gunicorn serving it with the production settings on loopback."""

import http.client
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.getenv("BENCH_PORT", "8799"))
SERVER_URL = os.getenv("BENCH_SERVER_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def database_url(rows):
    parsed = urlparse(SERVER_URL)
    return parsed._replace(path=f"/procurement_bench_{rows}").geturl()


def environment(rows):
    """Production settings (DEBUG off, persistent connections) on the benchmark database."""
    static = Path(tempfile.gettempdir()) / "procurement-bench-static"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "DATABASE_URL": database_url(rows),
        "DEBUG": "False",
        "SECRET_KEY": "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(static),
        "MEDIA_ROOT": str(Path(tempfile.gettempdir()) / "procurement-bench-media"),
        "TASKS_BACKEND": "immediate",
        "DEMO_PASSWORD": "bench-only-demo-password-2026",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }


def database_ready(rows):
    """True when the database for this size exists and holds its rows (kept between runs)."""
    name = f"procurement_bench_{rows}"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    if not exists:
        return False
    try:
        with psycopg.connect(database_url(rows)) as conn:
            done = conn.execute("SELECT value FROM bench_marker").fetchone()
    except psycopg.Error:
        return False
    return done is not None and done[0] == marker(rows)


def marker(rows):
    from benchmarks.data import VERSION

    return f"{rows} orders, data version {VERSION}"


def recreate_database(rows):
    name = f"procurement_bench_{rows}"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def tune(rows):
    """The database as production runs it (README « Production sur PostgreSQL »): the planner
    told that reading a page at random costs about what reading it in sequence does (data on
    SSD or in memory), and statistics fresh. A kept database has taken the rows each run adds
    (the issuing drafts, their teams and planned days) since its last ANALYZE; autovacuum
    would catch up in production, here the next run must not be planned on stale figures."""
    name = f"procurement_bench_{rows}"
    with psycopg.connect(SERVER_URL, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{name}" SET random_page_cost = 1.1')
    with psycopg.connect(database_url(rows), autocommit=True) as conn:
        conn.execute("ANALYZE")


def mark_ready(rows):
    with psycopg.connect(database_url(rows), autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_marker")
        conn.execute("CREATE TABLE bench_marker (value text)")
        conn.execute("INSERT INTO bench_marker VALUES (%s)", [marker(rows)])


def manage(rows, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment(rows), check=True
    )


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py, on 127.0.0.1 only."""

    def __init__(self, rows):
        self.rows = rows
        self.process = None

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "procurement.wsgi",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{PORT}",
                "--env",
                "DJANGO_SETTINGS_MODULE=benchmarks.settings",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=environment(self.rows),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                get("/connexion/")
                return self
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def get(path, cookie=None):
    """One GET on a fresh connection; returns (status, milliseconds, body length)."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    try:
        headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    return response.status, (time.perf_counter() - start) * 1000, len(body)


def session_cookie(username):
    """A signed-in session for this demo user, stored where gunicorn reads it."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client.cookies["sessionid"].value
