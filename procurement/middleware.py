"""Security middleware: browser policy headers, no caching of what a session sees, and the
idle timeout of sessions."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from . import audit

# Refresh the last-activity stamp at most this often, not on every request.
ACTIVITY_RESOLUTION_SECONDS = 60


class SecurityHeadersMiddleware:
    """Permissions-Policy everywhere; `Cache-Control: private, no-store` on every response to
    a signed-in user and on every download, so a shared workstation keeps nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        is_download = "attachment" in response.get("Content-Disposition", "")
        if is_download or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "private, no-store"
            response["Pragma"] = "no-cache"
        return response


class IdleTimeoutMiddleware:
    """Signs a user out after IDLE_TIMEOUT_MINUTES without a request, with a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.setdefault("last_activity", now)
            if now - last > settings.IDLE_TIMEOUT_MINUTES * 60:
                user = request.user
                logout(request)
                audit.record("session_expired", request=request, user=user)
                messages.info(
                    request,
                    f"Votre session a expiré après {settings.IDLE_TIMEOUT_MINUTES} minutes "
                    "d'inactivité. Reconnectez-vous pour continuer.",
                )
                return redirect_to_login(request.get_full_path())
            if now - last >= ACTIVITY_RESOLUTION_SECONDS:
                request.session["last_activity"] = now
        return self.get_response(request)


class PendingActionMiddleware:
    """An action form posted with errors comes back filled in: run_action keeps the POST in
    the session and redirects to the page; on that page's next GET this hands the data to
    action_forms (procurement.web), which binds the same form so each field keeps its value
    and shows its message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .web import PENDING_KEY, pending_action

        data = None
        session = getattr(request, "session", None)
        if request.method == "GET" and session is not None:
            stored = session.get(PENDING_KEY)
            if stored and stored.get("path") == request.path:
                data = session.pop(PENDING_KEY)
        token = pending_action.set(data)
        try:
            return self.get_response(request)
        finally:
            pending_action.reset(token)
