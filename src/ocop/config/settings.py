"""Settings for the OCOP system. Every knob is an environment variable listed in .env.example."""

import sys
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from ocop.config.env import env_bool, env_int, env_list, env_str

SRC_DIR = Path(__file__).resolve().parent.parent  # src/ocop
BASE_DIR = SRC_DIR.parent.parent  # repository root
VAR_DIR = Path(env_str("OCOP_VAR_DIR", str(BASE_DIR / "var")))
TESTING = "pytest" in sys.modules or env_bool("OCOP_TESTING")
DEMO_MODE = env_bool("OCOP_DEMO", False)

SECRET_KEY = env_str(
    "DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-in-production-0123456789"
)
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("OCOP_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs' assets from static files (the CSP allows no CDN)
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "ocop.core",
    "ocop.geo",
    "ocop.accounts",
    "ocop.producers",
    "ocop.products",
    "ocop.criteria",
    "ocop.evaluation",
    "ocop.certificates",
    "ocop.stamps",
    "ocop.api",
    "ocop.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ocop.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop.web.middleware.LanguageMiddleware",
    "ocop.api.problems.ApiProblemMiddleware",
    "ocop.core.middleware.CommonMiddleware",
    "ocop.core.middleware.NulGuardMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ocop.core.access.AccessMiddleware",
    "ocop.core.middleware.DomainErrorMiddleware",
    "ocop.api.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "ocop.config.urls"
WSGI_APPLICATION = "ocop.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ocop.web.context.navigation",
            ],
        },
    }
]

# --- Database: embedded SQLite by default, PostgreSQL through DATABASE_URL -------------------
_db_url = env_str("DATABASE_URL", "")
if _db_url:
    DATABASES = {
        "default": dj_database_url.parse(_db_url, conn_max_age=60, conn_health_checks=True)
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 2
        # psycopg never prepares a cursor's statements by name: the one statement prepared
        # by name is the public verification's lookup, and only while
        # OCOP_DB_PREPARED_STATEMENTS is on (below; ADR 0007).
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "ocop.sqlite3"),
            # Kept open between requests, as on PostgreSQL: opening the file and running the
            # PRAGMAs below on every request cost more than the public verification's lookup.
            "CONN_MAX_AGE": 60,
            "OPTIONS": {
                # WAL + IMMEDIATE: readers never block, writers serialise at BEGIN (see quality targets).
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                " PRAGMA foreign_keys=ON;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Log-in throttling: attempts per window, per account and per client address.
OCOP_LOGIN_MAX_ATTEMPTS = env_int("OCOP_LOGIN_MAX_ATTEMPTS", 5)
OCOP_LOGIN_WINDOW_SECONDS = env_int("OCOP_LOGIN_WINDOW_SECONDS", 900)
# Offices share one address: 0 means 4 × the per-account limit (accounts.throttle).
OCOP_LOGIN_MAX_ATTEMPTS_PER_ADDRESS = env_int("OCOP_LOGIN_MAX_ATTEMPTS_PER_ADDRESS", 0)
# Reverse proxies whose X-Forwarded-For is trusted for the client address (empty: none).
OCOP_TRUSTED_PROXIES = env_list("OCOP_TRUSTED_PROXIES", [])

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_COOKIE_SECURE = env_bool("OCOP_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("OCOP_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("OCOP_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("OCOP_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("OCOP_HSTS_PRELOAD", True)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files (uploads live outside the web root, served by authorised views) --
STATIC_URL = "/static/"
STATICFILES_DIRS = [SRC_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = Path(env_str("OCOP_MEDIA_ROOT", str(VAR_DIR / "uploads")))
MEDIA_URL = "/files/"  # never served directly; see core.files
OCOP_UPLOAD_MAX_BYTES = env_int("OCOP_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Cache (rate limits, throttles); Redis when REDIS_URL is set -------------------------------
_redis = env_str("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis}
        if _redis
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ocop"}
    ),
}

# --- Background jobs -----------------------------------------------------------------------------
TASKS = {
    "default": (
        {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
        if TESTING
        else {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    )
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "ocop@localhost")

# --- API --------------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 200
OCOP_IDEMPOTENCY_TTL_HOURS = 24

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("OCOP_LOG_LEVEL", "WARNING")},
}
OCOP_ACTOR_BUILDER = "ocop.accounts.actors.actor_for_user"

# --- Certificates --------------------------------------------------------------------------------
OCOP_CERTIFICATE_LOOKUP_LIMIT = env_int("OCOP_CERTIFICATE_LOOKUP_LIMIT", 60)
OCOP_CERTIFICATE_LOOKUP_WINDOW = env_int("OCOP_CERTIFICATE_LOOKUP_WINDOW", 60)

# --- Stamps (ADR 0005) -----------------------------------------------------------------------------
# One-character key ids; keep retired ids so printed codes stay valid. Without a key, development
# derives one from SECRET_KEY (codes then change with it).
OCOP_STAMP_KEYS = {
    key_id: secret.encode()
    for key_id, secret in (
        ("A", env_str("OCOP_STAMP_KEY_A", "")),
        ("B", env_str("OCOP_STAMP_KEY_B", "")),
    )
    if secret
}
OCOP_STAMP_ACTIVE_KEY = env_str("OCOP_STAMP_ACTIVE_KEY", "")

# --- Public verification, scan log and anomaly rules (ADR 0006) --------------------------------------
# The verification's lookup is prepared by name once per database session (PostgreSQL parses
# and plans it once). Turn off behind a transaction-mode pooler that cannot carry named
# prepared statements (PgBouncer before 1.21, or with max_prepared_statements = 0).
OCOP_DB_PREPARED_STATEMENTS = env_bool("OCOP_DB_PREPARED_STATEMENTS", True)
OCOP_VERIFY_RATE_LIMIT = env_int("OCOP_VERIFY_RATE_LIMIT", 600)
OCOP_VERIFY_FAILURE_LIMIT = env_int("OCOP_VERIFY_FAILURE_LIMIT", 60)
OCOP_VERIFY_RATE_WINDOW_SECONDS = env_int("OCOP_VERIFY_RATE_WINDOW_SECONDS", 60)
OCOP_VERIFY_REPORT_LIMIT = env_int("OCOP_VERIFY_REPORT_LIMIT", 20)
OCOP_VERIFY_REPORT_WINDOW_SECONDS = env_int("OCOP_VERIFY_REPORT_WINDOW_SECONDS", 3600)
OCOP_SCAN_FLUSH_ROWS = env_int("OCOP_SCAN_FLUSH_ROWS", 500)
OCOP_SCAN_FLUSH_SECONDS = env_int("OCOP_SCAN_FLUSH_SECONDS", 1)
OCOP_SCAN_BUFFER_MAX_ROWS = env_int("OCOP_SCAN_BUFFER_MAX_ROWS", 100000)
OCOP_SCAN_HASH_KEY = env_str("OCOP_SCAN_HASH_KEY", "")
OCOP_SCAN_ALERT_MAX_SCANS = env_int("OCOP_SCAN_ALERT_MAX_SCANS", 50)
OCOP_SCAN_ALERT_PLACES_HOURS = env_int("OCOP_SCAN_ALERT_PLACES_HOURS", 24)
OCOP_SCAN_ALERT_FORGED_COUNT = env_int("OCOP_SCAN_ALERT_FORGED_COUNT", 20)
OCOP_SCAN_ALERT_FORGED_MINUTES = env_int("OCOP_SCAN_ALERT_FORGED_MINUTES", 10)
