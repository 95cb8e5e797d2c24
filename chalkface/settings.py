"""Django settings for Chalkface, read from the environment (see ``.env.example``)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from chalkface.env import env_bool, env_int, env_list, env_path, env_secret, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent

DEBUG = env_bool("CHALKFACE_DEBUG", False)
DEMO = env_bool("CHALKFACE_DEMO", False)
# Production is whatever is neither debug nor demo: every transport protection below is on by default there.
PRODUCTION = not (DEBUG or DEMO)

# Where the embedded database, generated data and uploads live.
DATA_DIR = env_path("CHALKFACE_DATA_DIR", Path.cwd() / "data")


def _secret_key() -> str:
    key = env_secret("SECRET_KEY")
    if key:
        return key
    if DEMO:
        # The demo keeps a generated key beside its database so sessions survive a restart.
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file = DATA_DIR / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
            key_file.chmod(0o600)
        return key_file.read_text(encoding="utf-8").strip()
    if DEBUG:
        return "insecure-debug-only-key"
    raise ImproperlyConfigured(
        "SECRET_KEY (or SECRET_KEY_FILE) must be set unless CHALKFACE_DEBUG or CHALKFACE_DEMO is on"
    )


SECRET_KEY = _secret_key()
# The key that access codes are stored under (an HMAC). Set it so that SECRET_KEY can be rotated without
# voiding codes already printed; without it, a key derived from SECRET_KEY is used.
CHALKFACE_CODE_KEY = env_secret("CHALKFACE_CODE_KEY") or ""

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if (DEBUG or DEMO) else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks.backends.database",
    "chalkface.web",
    "chalkface.accounts",
    "chalkface.workplaces",
    "chalkface.register",
    "chalkface.voice",
    "chalkface.jobs",
    "chalkface.limits",
    "chalkface.api",
    "chalkface.insights",
    "chalkface.governance",
    "chalkface.conversations",
    "chalkface.imports",
    "chalkface.demo",
    "chalkface.home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chalkface.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "chalkface.web.middleware.ChalkfaceErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "chalkface.urls"
WSGI_APPLICATION = "chalkface.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chalkface.web.context_processors.site",
            ],
        },
    },
]


def _database() -> dict[str, object]:
    url = env_str("DATABASE_URL", "")
    if not url:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{DATA_DIR / 'chalkface.sqlite3'}"
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a database URL Chalkface understands: {exc}"
        ) from None
    engine = str(config["ENGINE"])
    if engine.endswith("sqlite3"):
        # WAL lets readers carry on while one writer writes; IMMEDIATE avoids upgrade deadlocks.
        config["OPTIONS"] = {
            # secure_delete: deleted rows (mixed submissions) are overwritten, not left in free pages.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA secure_delete=ON;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        config["CONN_MAX_AGE"] = 0
    elif not engine.endswith("postgresql"):
        raise ImproperlyConfigured(f"DATABASE_URL names {engine}; Chalkface supports SQLite and PostgreSQL")
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Front-end packages installed from the npm registry (see package.json), served by the app itself.
NODE_MODULES_DIR = PROJECT_DIR / "node_modules"
if NODE_MODULES_DIR.is_dir():
    STATICFILES_DIRS.append(("vendor", NODE_MODULES_DIR))  # type: ignore[arg-type]
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # collectstatic also writes gzip copies, which WhiteNoise serves: a chart page's scripts travel
    # compressed (about 290 KB rather than 840 KB).
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if (DEBUG or DEMO)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "chalkface@localhost")

# Transport and browser protections (see docs/security.md). On by default in production; each can be
# turned off from the environment, e.g. on a loopback benchmark with no HTTPS in front.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("CHALKFACE_SSL_REDIRECT", PRODUCTION)
# A load balancer's health probe may come over plain HTTP from inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# Behind a reverse proxy that terminates HTTPS and sets X-Forwarded-Proto (and strips it from clients).
if env_bool("CHALKFACE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("CHALKFACE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CHALKFACE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("CHALKFACE_HSTS_PRELOAD", PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True

# Those who run campaigns or see workplace-level results confirm each log-in with a code from an
# authenticator app (or a single-use backup code): chalkface/accounts/second_factor.py.
SECOND_FACTOR_REQUIRED = env_bool("CHALKFACE_SECOND_FACTOR", PRODUCTION)
# How long a page may be served the figures last computed for it while the worker computes them afresh
# after new check-ins (chalkface.insights.precomputed); 0: always the figures of the check-ins as they are.
CHALKFACE_RESULTS_STALE_SECONDS = env_int("CHALKFACE_RESULTS_STALE_SECONDS", 600)
# A page with no figures kept for it computes them itself when they come from at most this many check-ins;
# above it, the task worker computes them and the page says so (chalkface.insights.precomputed).
CHALKFACE_COMPUTE_ON_VIEW_MAX = env_int("CHALKFACE_COMPUTE_ON_VIEW_MAX", 50_000)
OTP_TOTP_ISSUER = "Chalkface"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy: scripts, styles, fonts and images only from this server's own files; no inline
# script, no eval, no plug-ins, no framing by other sites, forms post only here. Every template loads its
# scripts with <script src> (tests/web/test_headers.py keeps it so).
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
    }
}

# Logging never records request bodies or client addresses (see docs/privacy.md).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # PDF rendering reports every step and every font it subsets; only its errors are worth a line.
    "loggers": {name: {"level": "ERROR"} for name in ("weasyprint", "fontTools")},
}

PAGE_SIZE = env_int("CHALKFACE_PAGE_SIZE", 25, minimum=5)

# The cache: "database" shares it between web processes (the table is made by `chalkface createcachetable`);
# "memory" keeps it per process and suits one process or tests. Rate limits do not live in the cache: they
# are atomic counters in the database (chalkface.limits), shared by every web process.
_CACHE = env_str("CHALKFACE_CACHE", "database")
if _CACHE == "database":
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "chalkface_cache"}
    }
elif _CACHE == "memory":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    raise ImproperlyConfigured(
        f"CHALKFACE_CACHE={_CACHE!r} is not a cache Chalkface knows; use database or memory"
    )
# Rate limits for anonymous answering (no address is ever used, so limits are per link, per campaign and
# global), counted in whole hours so that no counter tells a finer time of a submission.
if os.environ.get("CHALKFACE_OPEN_LINKS_PER_MINUTE"):  # retired: say so rather than ignore it
    raise ImproperlyConfigured(
        "CHALKFACE_OPEN_LINKS_PER_MINUTE is no longer read: open links are limited per hour, so that no "
        "counter keeps the minute of a submission; set CHALKFACE_OPEN_LINKS_PER_HOUR instead"
    )
CHALKFACE_OPEN_LINKS_PER_HOUR = env_int("CHALKFACE_OPEN_LINKS_PER_HOUR", 36000, minimum=1)
CHALKFACE_FAILED_CODES_PER_HOUR = env_int("CHALKFACE_FAILED_CODES_PER_HOUR", 300, minimum=1)
# Logging in: failed attempts per 15 minutes for one account and for one client address; password reset
# requests per hour for one e-mail address and for one client address. Addresses are kept only as a keyed
# hash, and only until the window ends.
CHALKFACE_LOGIN_FAILURES_PER_ACCOUNT = env_int("CHALKFACE_LOGIN_FAILURES_PER_ACCOUNT", 10, minimum=1)
CHALKFACE_LOGIN_FAILURES_PER_ADDRESS = env_int("CHALKFACE_LOGIN_FAILURES_PER_ADDRESS", 50, minimum=1)
CHALKFACE_PASSWORD_RESETS_PER_EMAIL = env_int("CHALKFACE_PASSWORD_RESETS_PER_EMAIL", 3, minimum=1)
CHALKFACE_PASSWORD_RESETS_PER_ADDRESS = env_int("CHALKFACE_PASSWORD_RESETS_PER_ADDRESS", 20, minimum=1)
# How many reverse proxies in front of Chalkface add themselves to X-Forwarded-For (0: none, use the
# connection's address). Used only to tell clients apart for the log-in limits.
CHALKFACE_PROXY_COUNT = env_int("CHALKFACE_PROXY_COUNT", 0, minimum=0)

# Submissions join the results in shuffled batches of at least this many per campaign and week (never
# below 5); a week's stragglers join when the week is over. See docs/privacy.md.
CHALKFACE_MIX_BATCH = env_int("CHALKFACE_MIX_BATCH", 10, minimum=5)

# Background work (imports, ...) runs on the task worker, `chalkface worker`, taking tasks from the database.
TASKS = {"default": {"BACKEND": "django_tasks.backends.database.DatabaseBackend"}}
# The largest file a campaign owner may import from the web, in megabytes. Default: 50
IMPORT_LIMIT_MB = env_int("CHALKFACE_IMPORT_LIMIT_MB", 50, minimum=1)
# What one import reads before refusing the file (chalkface/imports/tables.py, docs/security.md): rows,
# cells of a workbook (declared or read), characters in one cell, megabytes of a decompressed workbook,
# seconds spent reading.
IMPORT_MAX_ROWS = env_int("CHALKFACE_IMPORT_MAX_ROWS", 200_000, minimum=1)
IMPORT_MAX_CELLS = env_int("CHALKFACE_IMPORT_MAX_CELLS", 1_000_000, minimum=1)
IMPORT_MAX_CELL_CHARS = env_int("CHALKFACE_IMPORT_MAX_CELL_CHARS", 10_000, minimum=1)
IMPORT_MAX_UNZIPPED_MB = env_int("CHALKFACE_IMPORT_MAX_UNZIPPED_MB", 200, minimum=1)
IMPORT_MAX_SECONDS = env_int("CHALKFACE_IMPORT_MAX_SECONDS", 300, minimum=1)
# A background job still running after this many seconds is marked failed by the worker's sweep: its
# worker stopped, or it ran past its time limit. Keep it above CHALKFACE_IMPORT_MAX_SECONDS. Default: 900
JOB_TIMEOUT_SECONDS = env_int("CHALKFACE_JOB_TIMEOUT_SECONDS", 900, minimum=60)
