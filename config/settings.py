"""Serumpun settings, read from the environment.

Development needs no environment at all: an SQLite file, a secret key and a field-encryption
key are created under var/. Production (SERUMPUN_ENV=production) refuses to start its checks
without a real SECRET_KEY, FIELD_ENCRYPTION_KEY and ALLOWED_HOSTS (see serumpun.core.checks).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_list, generated_secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SERUMPUN_VAR_DIR", BASE_DIR / "var"))
DATA_DIR = BASE_DIR / "data"

SERUMPUN_ENV = os.environ.get("SERUMPUN_ENV", "development").strip().lower()
PRODUCTION = SERUMPUN_ENV == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
else:
    SECRET_KEY = os.environ.get("SECRET_KEY") or generated_secret(VAR_DIR, "secret_key")
    FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY") or generated_secret(
        VAR_DIR, "field_encryption_key", nbytes=32
    )

ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS",
    default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"],
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # API docs from its own static files: no CDN, no inline script
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "serumpun.core",
    "serumpun.accounts",
    "serumpun.exporters",
    "serumpun.labour",
    "serumpun.readiness",
    "serumpun.logistics",
    "serumpun.trade",
    "serumpun.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "serumpun.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "serumpun.accounts.middleware.StaffIdleTimeoutMiddleware",
    "serumpun.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "serumpun.core.middleware.PrivateCacheMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "serumpun.core.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'serumpun.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while the task worker writes; FULL keeps the last commits on power
    # loss (research/security-reliability.md REL-04). IMMEDIATE avoids "database is locked"
    # upgrades from read to write transactions.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        # BSSN 4/2021 asks for at least 12 characters (research/security-reliability.md §1.1).
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock on username + IP so an office behind one NAT address is not locked out
# by one person's typos (SEC-06); well under ASVS 2.2.1's 100 failures per hour.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Axes would read the USERNAME_FIELD ("email"); the sign-in form and authenticate() say
# "username", and without this every failure is recorded with no username at all.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "serumpun.accounts.lockout.client_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "serumpun.accounts.views.lockout_response"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "0")) or None

# Two-factor authentication (TOTP) for officers, attachés and admins (SEC-07).
SERUMPUN_REQUIRE_2FA = env_bool("SERUMPUN_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = "Serumpun"

# Staff roles are logged out after 30 minutes idle (ASVS 3.3.2, shared PCs at labour offices).
SERUMPUN_STAFF_IDLE_SECONDS = int(os.environ.get("SERUMPUN_STAFF_IDLE_SECONDS", "1800"))
# ...measured to within this many seconds (the session is not re-saved on every page).
SERUMPUN_STAFF_IDLE_REFRESH_SECONDS = 60
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# API tokens (POST /api/v1/auth/token).
SERUMPUN_API_TOKEN_TTL = timedelta(
    hours=int(os.environ.get("SERUMPUN_API_TOKEN_HOURS", "12"))
)
# Invitation links (an officer inviting an MSME owner) stay valid this long.
SERUMPUN_INVITATION_TTL = timedelta(
    days=int(os.environ.get("SERUMPUN_INVITATION_DAYS", "7"))
)

# API lists: ?limit= (default 20, max 100) and ?offset= (API.md conventions).
NINJA_PAGINATION_PER_PAGE = 20
NINJA_PAGINATION_MAX_LIMIT = 100
NINJA_PAGINATION_CLASS = "serumpun.core.pagination.LimitOffset"

# --- Internationalisation ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [
    ("id", _("Bahasa Indonesia")),
    ("en", _("English")),
    ("ms", _("Bahasa Melayu")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "serumpun_language"
LANGUAGE_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files -----------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = (
    VAR_DIR / "media"
)  # uploads live outside the web root; served through views
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Background tasks -------------------------------------------------------------------------
# The demo runs tasks immediately in the web process unless SERUMPUN_TASKS=database, in which
# case `manage.py db_worker` runs beside the server (production always uses the database queue).
TASKS_MODE = os.environ.get("SERUMPUN_TASKS", "database" if PRODUCTION else "immediate")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASKS_MODE == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}

# --- E-mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Serumpun <noreply@serumpun.id>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers -------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(
        os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600))
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "serumpun.core.middleware.RequestIdLogFilter"}},
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # weasyprint logs every rendering step at INFO; only its warnings matter here
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

# --- Uploads ----------------------------------------------------------------------------------
# Photos, certificate documents and registry files: one cap, checked by the apps (413 above it).
# Django's own limits stay in step so an oversized form is refused before it is read.
SERUMPUN_MAX_UPLOAD_BYTES = int(
    os.environ.get("SERUMPUN_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))
)
# Registry imports (exporters/importing.py): file cap, rows above which the work runs as a
# background task with a progress bar, the row cap, how many row errors are kept, batch size.
SERUMPUN_IMPORT_MAX_BYTES = int(
    os.environ.get("SERUMPUN_IMPORT_MAX_BYTES", str(30 * 1024 * 1024))
)
SERUMPUN_IMPORT_BACKGROUND_ROWS = 2000
SERUMPUN_IMPORT_MAX_ROWS = 200_000
SERUMPUN_IMPORT_MAX_ERRORS = 1000
SERUMPUN_IMPORT_WRITE_BATCH = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger uploads spill to a temporary file
FILE_UPLOAD_PERMISSIONS = 0o640
