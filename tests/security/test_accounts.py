"""Login throttling, session idle timeout and the password-change page."""

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from procurement.models import AuditEvent
from tests.factories import UserFactory

PASSWORD = "pw-for-tests-2026"


@pytest.fixture
def agent(db):
    return UserFactory(username="claire.martin", buyer=True)


def _login(client, username, password, url="/connexion/"):
    return client.post(url, {"username": username, "password": password})


def test_five_failures_lock_the_account_and_ip_even_for_the_right_password(client, agent):
    for _ in range(4):
        assert _login(client, "claire.martin", "mauvais").status_code == 200
    assert _login(client, "claire.martin", "mauvais").status_code == 429  # the fifth locks
    response = _login(client, "claire.martin", PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Trop de tentatives de connexion" in html and "15 minutes" in html
    assert "claire.martin" not in html  # no account name in the lockout page
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event="locked_out", username="claire.martin").exists()
    assert AuditEvent.objects.filter(event="login_failed").count() >= 5


def test_four_failures_then_the_right_password_log_in(client, agent):
    for _ in range(4):
        _login(client, "claire.martin", "mauvais")
    response = _login(client, "claire.martin", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(event="login", user=agent).exists()


def test_the_lock_is_per_account_and_ip_and_lifts_after_the_cooloff(client, agent, settings):
    for _ in range(5):
        _login(client, "claire.martin", "mauvais")
    # Another address is not locked out of the same account…
    other = client.post(
        "/connexion/",
        {"username": "claire.martin", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302
    client.logout()
    # …and the locked pair may try again once the cool-off has passed.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "claire.martin", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(client, db):
    UserFactory(username="root", admin=True, is_superuser=True)
    for _ in range(5):
        client.post("/admin/login/", {"username": "root", "password": "mauvais"})
    response = client.post("/admin/login/", {"username": "root", "password": PASSWORD})
    assert response.status_code == 429


def test_an_idle_session_expires_with_a_message_and_activity_renews_it(client, agent, settings):
    client.force_login(agent)
    session = client.session
    session["last_activity"] = int(time.time()) - 20 * 60
    session.save()
    assert client.get("/").status_code == 200  # 20 minutes idle: still signed in, renewed
    assert client.session["last_activity"] > int(time.time()) - 5
    session = client.session
    session["last_activity"] = int(time.time()) - 31 * 60
    session.save()
    response = client.get(reverse("orders:order_list"), follow=True)
    assert response.redirect_chain[-1][0].startswith("/connexion/?next=/commandes/")
    assert "Votre session a expiré après 30 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event="session_expired", user=agent).exists()


def test_the_idle_timeout_is_configurable(client, agent, settings):
    settings.IDLE_TIMEOUT_MINUTES = 5
    client.force_login(agent)
    session = client.session
    session["last_activity"] = int(time.time()) - 6 * 60
    session.save()
    assert client.get("/").status_code == 302


def test_a_user_changes_their_password_with_the_validators_in_french(client, agent):
    client.force_login(agent)
    url = reverse("password_change")
    assert "Changer de mot de passe" in client.get(url).content.decode()
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"}
    )
    html = weak.content.decode()
    assert weak.status_code == 200 and "Erreur" in html
    assert "trop court" in html and "entièrement numérique" in html
    response = client.post(
        url,
        {
            "old_password": PASSWORD,
            "new_password1": "Atelier-nouveau-2027",
            "new_password2": "Atelier-nouveau-2027",
        },
    )
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("Atelier-nouveau-2027")
    assert AuditEvent.objects.filter(event="password_changed", user=agent).exists()
