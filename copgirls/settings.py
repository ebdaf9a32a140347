"""Settings for the copgirls portal, read from environment variables only.

With no variables set the portal runs embedded: SQLite and a file-system Celery
broker under ``var/``, the database cache, e-mails printed to the console.
``DJANGO_ENV=production`` refuses to start with an insecure configuration.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from copgirls import env, log_redaction
from copgirls.env import ConfigurationError

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.string("COPGIRLS_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env.string("DJANGO_ENV", "development").lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ConfigurationError(f"DJANGO_ENV must be development or production, not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.boolean("DEBUG", default=False)

_WEAK_KEY_MARKERS = ("django-insecure", "changeme", "change-me", "secret", "dev-key")


def _secret(name: str) -> str:
    """A secret from the environment; in development, a random one kept under var/ (so
    sessions, and the participant keys of celebrations in progress, survive restarts)."""
    key = env.string(name)
    if key:
        return key
    if PRODUCTION:
        return ""
    path = VAR_DIR / name.lower()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    try:  # created once, readable by its owner only; whoever starts second reads it
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):  # the first one may still be writing it
            key = path.read_text().strip()
            if key:
                return key
            time.sleep(0.02)
        raise ConfigurationError(f"{path} is empty: delete it to draw a new {name}") from None
    key = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w") as file:
        file.write(key)
    return key


SECRET_KEY = _secret("SECRET_KEY")
#: Every new celebration's participant keys depend on it (assessments.pairing): kept outside
#: the database, so a copy of the database alone cannot test guesses of memorable codes.
PARTICIPANT_KEY_PEPPER = _secret("PARTICIPANT_KEY_PEPPER")
ALLOWED_HOSTS = env.string_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.string_list("CSRF_TRUSTED_ORIGINS", [])

if PRODUCTION:
    if DEBUG:
        raise ConfigurationError("DEBUG must be off when DJANGO_ENV=production")
    if (
        len(SECRET_KEY) < 50
        or len(set(SECRET_KEY)) < 5
        or any(marker in SECRET_KEY.lower() for marker in _WEAK_KEY_MARKERS)
    ):
        raise ConfigurationError(
            "SECRET_KEY must be a random string of at least 50 characters when "
            "DJANGO_ENV=production (python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if len(PARTICIPANT_KEY_PEPPER) < 32 or len(set(PARTICIPANT_KEY_PEPPER)) < 5:
        raise ConfigurationError(
            "PARTICIPANT_KEY_PEPPER must be a random string of at least 32 characters when "
            "DJANGO_ENV=production, kept outside the database and its backups, and never "
            "changed while celebrations collect answers "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))')"
        )
    if not ALLOWED_HOSTS:
        raise ConfigurationError(
            "ALLOWED_HOSTS must list the portal's host names when DJANGO_ENV=production"
        )

INSTALLED_APPS = [
    "copgirls",
    "events",
    "policies",
    "assessments",
    "reports",
    "api",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "copgirls.urls"
WSGI_APPLICATION = "copgirls.wsgi.application"
AUTH_USER_MODEL = "copgirls.User"

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
                "django.template.context_processors.i18n",
                "copgirls.context_processors.portal",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASE_URL = env.url(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'copgirls.sqlite3'}",
    schemes={
        "sqlite": "sqlite:///path/to/file.sqlite3",
        "postgres": "postgres://user:password@host:5432/name",
        "postgresql": "postgresql://user:password@host:5432/name",
    },
)
try:
    _database = dj_database_url.parse(DATABASE_URL, conn_max_age=env.integer("DB_CONN_MAX_AGE", 60))
except ValueError as exc:
    raise ConfigurationError(f"DATABASE_URL is malformed: {exc}") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] and _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _database["CONN_MAX_AGE"] = 0
    # SQLite keeps the key of a covering index and drops its INCLUDE columns: fine.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    # WAL and immediate transactions let the web server and the worker share the file.
    _database["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif not _database.get("NAME"):
    raise ConfigurationError("DATABASE_URL names no database (postgres://host:5432/<name>)")
else:
    _database["CONN_HEALTH_CHECKS"] = True
    _database.setdefault("OPTIONS", {})["connect_timeout"] = 5
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, sessions of MFA, …): Redis when configured, else the database.
CACHE_URL = env.url(
    "CACHE_URL",
    "db://",
    schemes={"db": "db://", "redis": "redis://host:6379/1", "rediss": "rediss://host:6380/1"},
)
if CACHE_URL.startswith("db://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "copgirls_cache",
        }
    }
else:
    CACHES = {
        "default": {
            # Redis, and the process's memory while Redis fails (copgirls.cache): a Redis
            # restart never turns a staff sign-in into a Server Error.
            "BACKEND": "copgirls.cache.FailoverRedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that hangs costs a page one second, not the worker's whole timeout;
            # the participant pages then count their limits in-process (assessments.ratelimit).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }

# --- Celery -------------------------------------------------------------------
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL",
    "filesystem://",
    schemes={
        "filesystem": "filesystem:// (embedded, under var/broker)",
        "redis": "redis://host:6379/0",
        "rediss": "rediss://host:6380/0",
    },
)
#: The longest task (a global CWG-COP report) must finish within these limits.
CELERY_TASK_SOFT_TIME_LIMIT = env.integer("CELERY_TASK_SOFT_TIME_LIMIT", 900, minimum=10)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 60
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _folder in ("queue", "control", "processed"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    # A message not acknowledged within this time is redelivered: it must outlast
    # the hard time limit of the longest task, or a running task runs twice.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 4}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.string("CELERY_QUEUE", "copgirls")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "copgirls.tasks.worker_heartbeat", "schedule": 60.0},
}
#: Each worker records itself alive (for /healthz) and runs the apps' sweeps this often,
#: from a thread of its own: neither waits for beat (see copgirls.tasks.worker_tick).
WORKER_WATCH_SECONDS = env.integer("WORKER_WATCH_SECONDS", 15, minimum=1)

# --- Files --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.string("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:  # development serves from the finders; WhiteNoise still wants the folder
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o640

# --- E-mail -------------------------------------------------------------------
EMAIL_BACKEND = env.string("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.string("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # filebased backend
EMAIL_HOST = env.string("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.string("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.string("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "copgirls <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation: the six UN languages ------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("en", _("English")),
    ("fr", _("French")),
    ("ru", _("Russian")),
    ("es", _("Spanish")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
#: Content-Security-Policy (django-csp) on every response: the portal's own files only, no
#: inline script or style (htmx is told not to inject its indicator styles, base.html), no
#: framing. The one exception: data: images (the QR code of two-factor set-up, allauth).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if env.boolean("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

#: No secret that travels in a URL (invitation token, collection code, allauth key) is written
#: to any log line: every record of the process is redacted when it is created, whichever
#: logger or handler (gunicorn, Celery, runserver) writes it (copgirls.log_redaction).
log_redaction.install()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "copgirls.log_redaction.RedactSecrets"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    "root": {"handlers": ["console"], "level": env.string("LOG_LEVEL", "INFO").upper()},
}

# --- The portal ---------------------------------------------------------------------
#: Seconds /healthz waits for the database and the broker before calling them down.
HEALTHCHECK_TIMEOUT = env.integer("HEALTHCHECK_TIMEOUT", 2, minimum=1)
#: /healthz names the failing parts only to the secretariat or to a monitor sending
#: "Authorization: Bearer <HEALTHZ_TOKEN>"; empty: no token is accepted.
HEALTHZ_TOKEN = env.string("HEALTHZ_TOKEN", "")
if HEALTHZ_TOKEN and (len(HEALTHZ_TOKEN) < 32 or len(set(HEALTHZ_TOKEN)) < 5):
    raise ConfigurationError(
        "HEALTHZ_TOKEN must be a random string of at least 32 characters "
        "(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    )
#: Every spreadsheet import (celebrations, paper answers) reads at most this many columns,
#: expands an XLSX archive to at most this many bytes and gives up after this many seconds
#: (copgirls.spreadsheets); each import has its own limits of upload size and rows.
IMPORT_MAX_COLUMNS = env.integer("IMPORT_MAX_COLUMNS", 60, minimum=30)
IMPORT_MAX_UNCOMPRESSED_BYTES = env.integer(
    "IMPORT_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024, minimum=1024 * 1024
)
IMPORT_MAX_SECONDS = env.integer("IMPORT_MAX_SECONDS", 15, minimum=1)
#: /healthz calls the workers down when none has said it is alive (and connected to the
#: broker) for this many seconds; a running worker says so every WORKER_WATCH_SECONDS.
HEALTHCHECK_WORKER_SECONDS = env.integer("HEALTHCHECK_WORKER_SECONDS", 60, minimum=5)

LOGIN_URL = "/accounts/login/"

# --- Accounts and roles (copgirls) ------------------------------------------------------
INSTALLED_APPS += ["allauth", "allauth.account", "allauth.mfa"]
# After authentication: allauth's flow state, then the session check and the MFA gate.
MIDDLEWARE += [
    "allauth.account.middleware.AccountMiddleware",
    "copgirls.middleware.MfaRequiredMiddleware",
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_REDIRECT_URL = "/dashboard/"
ACCOUNT_ADAPTER = "copgirls.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "copgirls.account_forms.InvitedSignupForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[copgirls] "
#: Login failures: 10 a minute per client IP, 5 within 5 minutes per account *from one IP*
#: (copgirls.adapters: the key is the account and the address), so a stranger cannot lock
#: anyone out. Rate limits live in the default cache (Redis, or the database cache).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
#: Proxies in front of the portal that append to X-Forwarded-For. 0: the header is ignored
#: and the client IP (for rate limits) is the connection's address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0, minimum=0)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "copgirls"
#: Secretariat, regional officers and coordinators must set up TOTP before anything else.
#: Only `make run` (the embedded demo) turns it off; production refuses to.
MFA_REQUIRED = env.boolean("MFA_REQUIRED", default=True)
if PRODUCTION and not MFA_REQUIRED:
    raise ConfigurationError("MFA_REQUIRED must stay on when DJANGO_ENV=production")
#: Days an invitation to a role stays valid.
INVITATION_VALID_DAYS = env.integer("INVITATION_VALID_DAYS", 7, minimum=1)


# --- Celebrations and COP sessions (events) ------------------------------------------
#: Largest events import accepted (bytes and rows).
EVENTS_IMPORT_MAX_BYTES = env.integer("EVENTS_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
EVENTS_IMPORT_MAX_ROWS = env.integer("EVENTS_IMPORT_MAX_ROWS", 20_000, minimum=1)

# --- Assessments ----------------------------------------------------------------------------
#: Raw responses older than this are erased by the scheduled job; issued reports stay.
RESPONSE_RETENTION_DAYS = env.integer("RESPONSE_RETENTION_DAYS", 3 * 365, minimum=1)
#: Days after a celebration's last collection link closed before its pairing secret is
#: discarded (assessments.services.pairing_secrets): no key can be recomputed after.
PAIRING_WINDOW_DAYS = env.integer("PAIRING_WINDOW_DAYS", 30, minimum=1)
#: Requests per minute to the participant pages (assessments.ratelimit): per client (its
#: signed cookie), per address for requests without one (a school's router: each girl's first
#: page), and a ceiling per collection link far above a class, counting only what the clients'
#: own limits let through.
ASSESSMENTS_RATE_PER_CLIENT = env.integer("ASSESSMENTS_RATE_PER_CLIENT", 400, minimum=10)
ASSESSMENTS_RATE_PER_ADDRESS = env.integer("ASSESSMENTS_RATE_PER_ADDRESS", 400, minimum=10)
ASSESSMENTS_RATE_PER_LINK = env.integer("ASSESSMENTS_RATE_PER_LINK", 20_000, minimum=10)
#: Submissions to one link beyond these, from one client (a phone passed round a few girls)
#: or one address (a school's router), are held for the facilitator to release or void
#: (assessments.ratelimit.submission_hold_batch).
ASSESSMENTS_PLAUSIBLE_PER_CLIENT = env.integer("ASSESSMENTS_PLAUSIBLE_PER_CLIENT", 10, minimum=1)
ASSESSMENTS_PLAUSIBLE_PER_ADDRESS = env.integer("ASSESSMENTS_PLAUSIBLE_PER_ADDRESS", 120, minimum=1)
#: Largest participant submission accepted (bytes); a questionnaire with free text needs ~10 KB.
ASSESSMENTS_MAX_SUBMISSION_BYTES = env.integer(
    "ASSESSMENTS_MAX_SUBMISSION_BYTES", 64 * 1024, minimum=4096
)
#: Largest paper-answers CSV accepted (bytes and rows).
ASSESSMENTS_IMPORT_MAX_BYTES = env.integer(
    "ASSESSMENTS_IMPORT_MAX_BYTES", 1024 * 1024, minimum=1024
)
ASSESSMENTS_IMPORT_MAX_ROWS = env.integer("ASSESSMENTS_IMPORT_MAX_ROWS", 2000, minimum=1)
CELERY_BEAT_SCHEDULE.update(
    {
        "assessments-erase-expired-responses": {
            "task": "assessments.tasks.erase_expired_responses",
            "schedule": 24 * 60 * 60.0,
        },
        "assessments-discard-pairing-secrets": {
            "task": "assessments.tasks.discard_pairing_secrets",
            "schedule": 24 * 60 * 60.0,
        },
        "assessments-rekey-unpeppered-pairing": {
            "task": "assessments.tasks.rekey_unpeppered_pairing",
            "schedule": 24 * 60 * 60.0,
        },
        "events-repair-cop-session-counts": {
            "task": "events.tasks.repair_cop_session_counts",
            "schedule": 24 * 60 * 60.0,
        },
    }
)

# --- Reports ------------------------------------------------------------------------------------
#: A cell built from fewer participants than this is shown as "<N" and its statistics withheld.
SMALL_CELL_THRESHOLD = env.integer("SMALL_CELL_THRESHOLD", 10, minimum=2)
#: Report languages: codes of LANGUAGES whose report catalogue is translated (reports/locale);
#: all six UN languages (the PDF fonts cover Arabic, Cyrillic and Chinese).
REPORTS_LANGUAGES = env.string_list("REPORTS_LANGUAGES", ["en", "fr", "es", "ar", "ru", "zh-hans"])
#: A report is attempted at most this many times (a killed worker counts), then it fails.
REPORTS_MAX_ATTEMPTS = env.integer("REPORTS_MAX_ATTEMPTS", 3, minimum=1)
#: Reports one person may have queued or in production at once (the workers are shared).
REPORTS_OPEN_PER_USER = env.integer("REPORTS_OPEN_PER_USER", 3, minimum=1)
#: Report requests one person may make in an hour (counted from the reports she asked for).
REPORTS_PER_USER_PER_HOUR = env.integer("REPORTS_PER_USER_PER_HOUR", 20, minimum=1)
REPORTS_RETRY_DELAY_SECONDS = env.integer("REPORTS_RETRY_DELAY_SECONDS", 30, minimum=0)
#: Celery queue for report tasks ("" = the default queue); dedicated report workers may use one.
REPORTS_QUEUE = env.string("REPORTS_QUEUE", "")
#: A running report whose claim is older than this is taken over (its worker is gone), even
#: if something kept its heartbeat going: no attempt may outlive the hard time limit.
REPORTS_LEASE_SECONDS = CELERY_TASK_TIME_LIMIT + 60
#: The attempt holding a report confirms its claim this often (a thread of the task's process).
REPORTS_HEARTBEAT_SECONDS = env.integer("REPORTS_HEARTBEAT_SECONDS", 5, minimum=1)
#: A claim not confirmed for this long is a dead worker's: the report is taken over.
REPORTS_CLAIM_STALE_SECONDS = env.integer(
    "REPORTS_CLAIM_STALE_SECONDS", 30, minimum=3 * REPORTS_HEARTBEAT_SECONDS
)
#: A report queued this long without a worker taking it has its message sent again.
REPORTS_QUEUED_RESEND_SECONDS = env.integer("REPORTS_QUEUED_RESEND_SECONDS", 120, minimum=10)
#: An attempt cut short by the database or the broker is tried again after this many seconds,
#: up to this many times (about REPORTS_FAULT_RETRIES × REPORTS_FAULT_RETRY_SECONDS of outage);
#: beyond, the sweep picks the report up once the services are back.
REPORTS_FAULT_RETRY_SECONDS = env.integer("REPORTS_FAULT_RETRY_SECONDS", 5, minimum=1)
REPORTS_FAULT_RETRIES = env.integer("REPORTS_FAULT_RETRIES", 36, minimum=1)
#: Tests only: the worker pauses this long while rendering, so a test can kill it mid-render.
REPORTS_RENDER_DELAY_SECONDS = env.integer("REPORTS_RENDER_DELAY_SECONDS", 0, minimum=0)
if PRODUCTION and REPORTS_RENDER_DELAY_SECONDS:
    raise ConfigurationError("REPORTS_RENDER_DELAY_SECONDS is for tests: unset it in production")
CELERY_BEAT_SCHEDULE["reports-requeue-stale"] = {
    "task": "reports.tasks.reports_requeue_stale",
    "schedule": 300.0,
}
#: A closed year's response-derived figures are frozen within the hour it closes (issue 20).
CELERY_BEAT_SCHEDULE["reports-freeze-closed-years"] = {
    "task": "reports.tasks.years_freeze_closed",
    "schedule": 60 * 60.0,
}
#: WeasyPrint logs every rendering step at INFO; keep its warnings (a refused URL) only.
LOGGING.setdefault("loggers", {})["weasyprint.progress"] = {"level": "WARNING"}
#: Never below INFO, whatever LOG_LEVEL says: its DEBUG records (a variable missing in a
#: template) dump the page's whole context — the CSRF token, a facilitator's collection codes,
#: a girl's answers on her page.
LOGGING["loggers"]["django.template"] = {"level": "INFO"}

# --- Internationalisation: number formats (issue 8) -------------------------------------------
#: Per-language overrides of Django's number formats (thousands grouping in Arabic and Chinese).
FORMAT_MODULE_PATH = ["copgirls.formats"]

# --- The REST API (api/, issue 21) ------------------------------------------------------------
#: Personal access tokens only (``Authorization: Bearer cgpat_…``), JSON in and out; the open
#: data routes take no token. No browsable API: the reference page is drf-spectacular's.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.AccessTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScopes"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.BoundedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.string("API_RATE_PER_TOKEN", "600/min"),
        "open_data": env.string("API_RATE_OPEN_DATA", "120/min"),
    },
    "DEFAULT_SCHEMA_CLASS": "api.schema.PortalAutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_VERSIONING_CLASS": None,
    "URL_FORMAT_OVERRIDE": "format",  # ?format=csv on the open data
}
#: The largest JSON body the API reads (a bulk upsert of API_BULK_MAX_ITEMS celebrations fits).
API_MAX_BODY_BYTES = env.integer("API_MAX_BODY_BYTES", 5 * 1024 * 1024, minimum=64 * 1024)
API_BULK_MAX_ITEMS = env.integer("API_BULK_MAX_ITEMS", 5000, minimum=10)
API_PAGE_SIZE = env.integer("API_PAGE_SIZE", 100, minimum=10)
#: A token lives at most this long; the account page offers 30, 90, 180 and 365 days.
API_TOKEN_MAX_DAYS = 365
#: Failed token sign-ins per client address and minute before it is refused for the minute.
API_FAILED_TOKENS_PER_ADDRESS = env.integer("API_FAILED_TOKENS_PER_ADDRESS", 30, minimum=5)
#: The licence of the open data (the ITU's own terms for its statistics pages).
API_OPEN_DATA_LICENCE = env.string(
    "API_OPEN_DATA_LICENCE", "CC-BY-4.0 (https://creativecommons.org/licenses/by/4.0/)"
)
SPECTACULAR_SETTINGS = {
    "TITLE": "copgirls API",
    "DESCRIPTION": (
        "Girls in ICT celebrations, COP sessions and CWG-COP reports for member states' own "
        "systems, and open data of the public aggregates. Authenticate with a personal access "
        "token from your account page: `Authorization: Bearer cgpat_…`."
    ),
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "AgeBandEnum": "events.models.AgeBand",
        "CelebrationStatusEnum": "events.models.EventStatus",
        "ReportStatusEnum": "reports.models.ReportStatus",
    },
}
