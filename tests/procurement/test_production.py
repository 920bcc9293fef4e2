"""Production mode end to end: collectstatic, then gunicorn serves pages and DSFR assets."""

import os
import socket
import subprocess
import sys
import time
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
    for args in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
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
        stdout=subprocess.DEVNULL,
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
    finally:
        server.terminate()
        server.wait(timeout=10)
