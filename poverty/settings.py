"""Settings for the extreme-poverty case-management system, read from the environment.

Defaults give a local SQLite demo; production sets SECRET_KEY, ALLOWED_HOSTS,
DATABASE_URL and HTTPS=1 (see README, "Production").
"""

import datetime
import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

_DEV_SECRET_KEY = "django-insecure-local-development-only-never-in-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("SECRET_KEY_FILE"):
    SECRET_KEY = Path(os.environ["SECRET_KEY_FILE"]).read_text().strip()
if not SECRET_KEY:
    if os.environ.get("ALLOWED_HOSTS"):
        # A deployment (it names its hosts) must never fall back to a public key.
        raise ImproperlyConfigured("SECRET_KEY or SECRET_KEY_FILE must be set when ALLOWED_HOSTS is set.")
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# Addresses (or networks) of the reverse proxies whose X-Forwarded-For names the client
# (`audit.services.client_ip`); from anyone else the header is ignored. nginx on the same host: 127.0.0.1.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "poverty",
    "core",
    "audit",
    "accounts",
    "households",
    "interventions",
    "cases",
    "imports",
    "coordination",
    "dashboard",
    "jobs",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Static files with far-future caching and their pre-compressed .gz copies (made by collectstatic).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed for phones on weak signal (Django adds random padding against BREACH; CSRF tokens
    # are masked per response).
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "poverty.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Moves the session's expiry (the idle timeout) forward at most once a minute, not on every request.
    "accounts.middleware.SessionRefreshMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "poverty.urls"
WSGI_APPLICATION = "poverty.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "poverty.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite, the embedded default, holding a small office's saves at the same moment: every transaction
    # (each request's, ATOMIC_REQUESTS) begins IMMEDIATE, taking the write lock up front, so requests queue
    # for up to `timeout` seconds instead of failing with "database is locked" when a read-then-write
    # transaction cannot be upgraded; WAL lets reads outside a transaction (streamed exports, other
    # processes) go on while one writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL;",
        transaction_mode="IMMEDIATE",
        timeout=20,
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in while a username or an address is locked out after failures.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.OpdAwareModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A password-reset link works once, for one day. Reset mail per hour: at most this many to one account
# and for this many requests from one address (`accounts.services.password_reset_recipients`).
PASSWORD_RESET_TIMEOUT = 24 * 3600
PASSWORD_RESET_LIMIT_PER_ACCOUNT = 3
PASSWORD_RESET_LIMIT_PER_ADDRESS = 10

# Sessions end after 30 minutes without activity and when the browser closes. The expiry moves forward
# when a request comes more than a minute after the session was last saved
# (`accounts.middleware.SessionRefreshMiddleware`), not on every request: idle for 29 to 30 minutes ends it.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "poverty.views.csrf_failure"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("Inggris"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
# dd/mm/yyyy dates and 1.250.000 numbers in both languages.
FORMAT_MODULE_PATH = ["poverty.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic writes each file under a name with its content hash (cached for a year) plus a gzip copy.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Served from the app folders while developing (`make run`, DEBUG on), where collectstatic has not run.
WHITENOISE_USE_FINDERS = DEBUG
# The field app's manifest (issue 17), with the media type browsers expect of it.
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}

# Long work (large exports, imports, recounts, reminders) runs on django-tasks' database backend: the queue is a
# table in the app's own database, so `make run` needs no other service and production adds worker processes
# (`manage.py db_worker`) on any machine that reaches the database. See README "Background work".
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Finished files: outside any public URL (only `jobs:download` serves them), kept this many days.
JOBS_ROOT = Path(os.environ.get("JOBS_ROOT", BASE_DIR / "var" / "jobs"))
JOBS_KEEP_DAYS = int(os.environ.get("JOBS_KEEP_DAYS", "7"))
# A running job writes its progress at most this often (seconds).
JOBS_PROGRESS_EVERY = float(os.environ.get("JOBS_PROGRESS_EVERY", "0.5"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@palangkaraya.go.id")

# Lockout after repeated failed sign-ins, per username and per address (django-axes); an admin
# unlocks from the user screen, or the lock lifts by itself after AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
AXES_ENABLE_ADMIN = False  # our own user screen shows and lifts lockouts

# Content-Security-Policy: only the app's own static files; no inline scripts or styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# The REST API (/api/v1/, api/): tokens of the OPDs' systems or the signed-in session (with CSRF), the app's
# one rule table, JSON only, problem details for every refusal. See docs/API.md.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.TokenAuthentication", "api.auth.BrowserSessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.http.ApiAccess"],
    "DEFAULT_PARSER_CLASSES": ["api.http.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_THROTTLE_CLASSES": ["api.http.PerCallerRateThrottle"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "api.problems.handle",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_MAX_BODY_BYTES = int(os.environ.get("API_MAX_BODY_BYTES", str(1024 * 1024)))
# Requests per minute of a signed-in browser session (a token has its own limit, set on the token screen).
API_SESSION_RATE_PER_MINUTE = int(os.environ.get("API_SESSION_RATE_PER_MINUTE", "600"))
# Offline work (docs/API.md "Offline"): at most this many households in one caseload a phone takes to the field
# (more is refused, never cut short), and the days the phone keeps it before wiping it.
OFFLINE_MAX_HOUSEHOLDS = int(os.environ.get("OFFLINE_MAX_HOUSEHOLDS", "300"))
OFFLINE_KEEP_DAYS = int(os.environ.get("OFFLINE_KEEP_DAYS", "7"))
SPECTACULAR_SETTINGS = {
    "TITLE": "API Sistem Kasus Kemiskinan Ekstrem — Kota Palangka Raya",
    "DESCRIPTION": "Data rumah tangga, kunjungan, rujukan dan intervensi untuk sistem OPD. Panduan: docs/API.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["api.http.ApiAccess"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "HouseholdStatusEnum": "households.models.Household.Status",
        "PersonStatusEnum": "households.models.Person.Status",
        "InterventionStatusEnum": "interventions.models.Intervention.Status",
        "ReferralStatusEnum": "coordination.models.Referral.Status",
    },
    # Swagger UI from the drf-spectacular-sidecar package's static files: no CDN, the CSP stays strict.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Security headers that hold everywhere.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS=1 in production (behind nginx terminating TLS): redirects, HSTS, secure cookies.
HTTPS = env_bool("HTTPS")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every sign-in at INFO; keep its warnings (lockouts) only.
    "loggers": {"axes": {"level": "WARNING"}},
}

# Spreadsheet imports (README "Import limits"): a file beyond any of these is refused with a message,
# checked before and while it is read, so a hostile file cannot exhaust the server's memory.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", "200000"))
IMPORT_MAX_COLUMNS = int(os.environ.get("IMPORT_MAX_COLUMNS", "200"))
IMPORT_MAX_CELL_CHARS = int(os.environ.get("IMPORT_MAX_CELL_CHARS", "32767"))  # Excel's own maximum
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("IMPORT_MAX_UNPACKED_BYTES", str(500 * 1024 * 1024)))
IMPORT_MAX_SHARED_STRINGS_BYTES = int(os.environ.get("IMPORT_MAX_SHARED_STRINGS_BYTES", str(100 * 1024 * 1024)))
# Uploads above 2.5 MB go to a temporary file, not memory; the request body may hold the file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The password of every demo account `seed_demo` creates (it refuses to run with DEBUG off).
DEMO_PASSWORD = "demo-palangka"  # noqa: S105 - documented demo-only password
