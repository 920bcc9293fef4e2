"""Production mode end to end: collectstatic, then gunicorn serves pages and DSFR assets."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_gunicorn_serves_the_app_and_its_static_files_with_debug_off(tmp_path):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE")
        },
        "DEBUG": "False",
        "SECRET_KEY": "a-long-random-production-secret-for-the-gunicorn-test-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "False",
        "DATABASE_URL": f"sqlite:///{tmp_path}/prod.sqlite3",
        "STATIC_ROOT": str(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "procurement.settings",
    }
    python = sys.executable
    create_user = (
        "from procurement.models import User, Service; "
        "User.objects.create_user('agent', password='Un-mot-de-passe-solide-2026', "
        "role='buyer', service=Service.objects.get(code='DGALN-AD1'))"
    )
    for args in (
        ["migrate", "--noinput"],
        ["collectstatic", "--noinput"],
        ["shell", "-c", create_user],
    ):
        subprocess.run(
            [python, "manage.py", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    port = _free_port()
    server = subprocess.Popen(
        [
            python,
            "-m",
            "gunicorn",
            "procurement.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=ROOT,
        env=env,
        stdout=(tmp_path / "stdout.log").open("w"),
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                login = urllib.request.urlopen(f"{base}/connexion/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("gunicorn did not answer")
        assert "Connexion à l'Atelier des territoires" in login
        css = [part.split('"')[0] for part in login.split('href="') if ".css" in part.split('"')[0]]
        dsfr_css = next(url for url in css if "dsfr" in url)
        response = urllib.request.urlopen(base + dsfr_css, timeout=5)
        assert response.status == 200 and b".fr-header" in response.read()
        # Hashed file names from the manifest storage, cached for ever by whitenoise.
        assert "max-age=315360000" in response.headers.get("Cache-Control", "")
        _check_signed_in_headers(base)
    finally:
        server.terminate()
        server.wait(timeout=10)
    # The audit log is one JSON object per line on stdout.
    events = [json.loads(line) for line in (tmp_path / "stdout.log").read_text().splitlines()]
    assert {"event": "login", "user": "agent"}.items() <= events[-1].items()


def _check_signed_in_headers(base):
    """Sign in through the real login form, then read the headers a signed-in page gets. The
    proxy's X-Forwarded-Proto marks the requests HTTPS, so the secure cookies apply."""
    https = {"X-Forwarded-Proto": "https", "Origin": base.replace("http:", "https:")}
    no_redirect = urllib.request.build_opener(_NoRedirect)
    first = no_redirect.open(urllib.request.Request(f"{base}/connexion/", headers=https))
    cookies = _cookies(first)
    form = urllib.parse.urlencode(
        {
            "username": "agent",
            "password": "Un-mot-de-passe-solide-2026",
            "csrfmiddlewaretoken": cookies["csrftoken"],
        }
    ).encode()
    try:
        no_redirect.open(
            urllib.request.Request(
                f"{base}/connexion/", data=form, headers={**https, "Cookie": _header(cookies)}
            )
        )
        raise AssertionError("the login did not redirect")
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302 and redirect.headers["Location"] == "/"
        cookies.update(_cookies(redirect))
    page = no_redirect.open(
        urllib.request.Request(f"{base}/", headers={**https, "Cookie": _header(cookies)})
    )
    assert page.status == 200 and "Tableau de bord" in page.read().decode()
    headers = page.headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "private, no-store"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "max-age=31536000" in headers["Strict-Transport-Security"]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(response):
    return dict(
        header.split(";")[0].split("=", 1)
        for header in response.headers.get_all("Set-Cookie") or []
    )


def _header(cookies):
    return "; ".join(f"{k}={v}" for k, v in cookies.items())
