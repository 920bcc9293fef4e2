"""Settings for the Atelier des territoires procurement app.

Everything that differs between a laptop and production comes from environment
variables, read through the small helpers below. SQLite is the default; set
DATABASE_URL=postgres://user:pass@host:port/name to use PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    return os.getenv(name, default).lower() in ("1", "true", "yes", "on")


def envint(name, default):
    return int(os.getenv(name, default))


def envlist(name, default):
    return [item.strip() for item in os.getenv(name, default).split(",") if item.strip()]


def postgresql_options():
    """Parameters bound by the server, and a statement that a connection runs again kept
    prepared (from its second run): after five runs PostgreSQL keeps a generic plan instead of
    planning the statement anew on every page. A detail page's main query joins 13 tables:
    planning it took 8 ms, running it 1 (README « Performances »). DB_PREPARED_STATEMENTS=False
    turns preparing off, for a pooler that cannot keep them (PgBouncer in transaction mode
    before 1.21)."""
    prepared = envbool("DB_PREPARED_STATEMENTS", "True")
    return {"server_side_binding": True, "prepare_threshold": 1 if prepared else None}


def database_from_url(url, debug=True):
    """Turn DATABASE_URL into a DATABASES entry (postgres:// or sqlite:///path)."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            # Persistent connections in production (a new PostgreSQL connection per request
            # costs more than most pages), checked before reuse; none in development and tests.
            # Ten minutes, so that the statements a connection keeps prepared (below) serve
            # many pages before the connection is renewed.
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", "0" if debug else "600"),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": postgresql_options(),
        }
    if parsed.scheme == "sqlite":
        # sqlite:///relative.db or sqlite:////absolute/path.db, as dj-database-url reads them.
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": parsed.path[1:] or ":memory:"}
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


DEBUG = envbool("DEBUG", "True")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # dsfr must come before django.forms so its widget templates win (TemplatesSetting renderer).
    "dsfr",
    "django.forms",
    "widget_tweaks",
    "simple_history",
    # List filters (search, sort) shared by each list page and its export.
    "django_filters",
    # Login throttling (account and IP pair locked after repeated failures).
    "axes",
    # Background tasks (django.tasks API backport) and their database queue.
    "django_tasks",
    "django_tasks_db",
    "procurement",
    "notifications",
    "exports",
    "framework_agreements",
    "teams",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "procurement.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "procurement.middleware.IdleTimeoutMiddleware",
    "procurement.middleware.PendingActionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "procurement.urls"
WSGI_APPLICATION = "procurement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # Our own, query-free replacement for dsfr's site_config processor.
                "procurement.context_processors.site",
                "procurement.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "procurement.renderers.FormRenderer"  # <select> built in Python (speed)

DATABASES = {
    "default": database_from_url(
        os.getenv("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), debug=DEBUG
    )
}
# What the pages keep under change markers (procurement/markers.py): list counts, filter
# fields and rows, dashboard panels, the map and the chart. Each key carries its markers, so
# each process keeps its own and none is ever stale beyond markers.KEPT_SECONDS. Django's
# default of 300 entries would drop a dashboard's panels as soon as a few dozen users browse
# a few lists. The largest entry is a page's rows (about 30 kB): 2 000 of them would be 60 MB
# per process.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": envint("CACHE_MAX_ENTRIES", "2000")},
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "procurement.User"

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account and IP pair is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "procurement.backends.ModelBackend",  # Django's, with the user's service in one query
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(os.getenv("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"  # never served directly: documents go through permission-checked views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Whitenoise rewrites the CSS files, so dsfr's integrity hashes would no longer match.
DSFR_USE_INTEGRITY_CHECKSUMS = False

# Uploads: support letters and deliverables are PDF only, at most this many bytes.
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", str(10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024

EMAIL_BACKEND = os.getenv(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.getenv("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = os.getenv("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.getenv("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "False")
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "atelier-des-territoires@example.gouv.fr")
# Absolute links in e-mails point here.
SITE_URL = os.getenv("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Background tasks. The database queue needs no other service: `manage.py db_worker` runs them
# (`make run` starts one). TASKS_BACKEND=immediate runs them in the request (tests, one-off
# scripts). A larger deployment switches to RQ on Redis with settings only (see README).
TASKS_BACKEND = os.getenv("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "rq": "django_tasks_rq.RQBackend",
        }[TASKS_BACKEND],
        "QUEUES": ["default"],
    }
}
# An e-mail is tried this many times, the retries spaced by these delays (seconds).
MAIL_ATTEMPTS = envint("MAIL_ATTEMPTS", "3")
MAIL_RETRY_DELAYS = [60, 600]
# A list export above this many rows is built by a task and listed on « Mes exports ».
EXPORT_SYNC_MAX_ROWS = envint("EXPORT_SYNC_MAX_ROWS", "5000")
EXPORT_ATTEMPTS = 3
EXPORT_RETRY_DELAYS = [60, 600]

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "True")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Sessions: closed after IDLE_TIMEOUT_MINUTES without a request (procurement.middleware), and
# after a working day whatever happens.
IDLE_TIMEOUT_MINUTES = envint("IDLE_TIMEOUT_MINUTES", "30")
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", str(10 * 3600))

# Login throttling (django-axes): the account and IP pair is locked after AXES_FAILURE_LIMIT
# failures, for AXES_COOLOFF_MINUTES; the lockout page (HTTP 429) names no account.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = timedelta(minutes=envint("AXES_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "procurement.audit.client_ip"
# Behind the HTTPS proxy, the client is the address that proxy appended to X-Forwarded-For.
BEHIND_PROXY = envbool("BEHIND_PROXY", "False")

# Content-Security-Policy (django-csp): everything from this origin, no inline script or style
# (the DSFR's own data: images aside), never framed.
DSFR_HEADER_STYLE_HASH = "'sha256-LCYO6aZgIIKUnjcSr4gFsHQ6Y4vrxnN7Ev5la8a4W4Y='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # One exact inline style is allowed, by its hash: the DSFR header script copies the
        # header's tool links into the mobile menu through innerHTML, and a style attribute the
        # design system itself set on them is then re-parsed (seen in Chromium under load).
        # 'unsafe-hashes' with a hash allows that string only, never 'unsafe-inline'.
        "style-src": [SELF, "'unsafe-hashes'", DSFR_HEADER_STYLE_HASH],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Browser features this application never uses (procurement.middleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)

# django-dsfr renders alerts and messages through mark_safe unless told otherwise: every
# message may quote stored text (titles, names), so it is always escaped.
DSFR_CONTENT_IS_SAFE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "procurement.audit.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # One JSON object per line on stdout, for whatever collector runs the service.
        "audit": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        },
    },
    "loggers": {
        "audit": {"handlers": ["audit"], "level": "INFO", "propagate": False},
        # django-axes logs every login at INFO; the audit log already records them.
        "axes": {"level": "WARNING"},
        # django-tasks logs each task's start and end at INFO; the outbox records each e-mail.
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": os.getenv("TASKS_LOG_LEVEL", "INFO")},
    },
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "INFO")},
}
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
