"""One env-driven settings file (DESIGN.md § Stack). A malformed value stops start-up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url

from gongzhi.env import (
    SettingError,
    env_bool,
    env_int,
    env_list,
    env_str,
    key_from_env_or_file,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("GONGZHI_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

DEBUG = env_bool("DEBUG", False)
# From the environment, else a key file made on first run under var/ (never committed).
SECRET_KEY = (
    env_str("SECRET_KEY")
    or key_from_env_or_file("GONGZHI_SECRET_KEY_B64", VAR_DIR / "secret_key", nbytes=48).hex()
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Field encryption key for ID and phone numbers (DOMAIN.md § Security: encrypted at rest).
FIELD_KEY = key_from_env_or_file("GONGZHI_FIELD_KEY", VAR_DIR / "field_key")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "gongzhi.core",
    "gongzhi.areas",
    "gongzhi.accounts",
    "gongzhi.orgs",
    "gongzhi.party",
    "gongzhi.volunteers",
    "gongzhi.metrics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gongzhi.core.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gongzhi.accounts.middleware.SessionLimitsMiddleware",
    "gongzhi.accounts.middleware.TwoFactorRequiredMiddleware",
    "gongzhi.accounts.middleware.PasswordExpiryMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gongzhi.urls"
WSGI_APPLICATION = "gongzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongzhi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gongzhi.core.context_processors.navigation",
            ],
        },
    }
]


def _database(var: str = "DATABASE_URL") -> Any:
    url = env_str(var, f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}")
    try:
        db = dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj-database-url raises several kinds
        raise SettingError(var, str(exc)) from None
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # Django's backend with a queued write turn (gongzhi/core/sqlite/base.py).
        db["ENGINE"] = "gongzhi.core.sqlite"
        # WAL lets readers run beside the writer; IMMEDIATE avoids upgrade deadlocks.
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
        }
        # Persistent per-thread connections (DB_CONN_MAX_AGE, 60 s), as on PostgreSQL: a
        # request no longer pays the open and the PRAGMAs (gunicorn threads each keep their
        # own; gongzhi/core/tests/test_sqlite_connections.py).
        # In memory unless named (":memory:" spelled out: pytest-django recognises the
        # default only under Django's own ENGINE name).
        db["TEST"] = {"NAME": env_str("SQLITE_TEST_NAME", "") or ":memory:"}
    elif db["ENGINE"] == "django.db.backends.postgresql":
        db.setdefault("OPTIONS", {})
        # Hot paths' hand-written statements (core.hotsql) are prepared on first use in a
        # connection; the ORM's client-side-bound statements never are. Off for a pooler
        # that cannot keep prepared statements (PgBouncer < 1.21 in transaction mode).
        if env_bool("DB_PREPARED_STATEMENTS", True):
            db["OPTIONS"].setdefault("prepare_threshold", 0)
    else:
        raise SettingError(var, "only sqlite:// and postgres:// are supported")
    return db


DATABASES = {"default": _database()}
# A PostgreSQL read replica (docs/scale.md § Read replicas): inert unless this is set.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _database("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    GONGZHI_READ_REPLICA = "replica"
    GONGZHI_REPLICA_PIN_SECONDS = env_int("GONGZHI_REPLICA_PIN_SECONDS", 5, minimum=1)
    DATABASE_ROUTERS = ["gongzhi.core.dbrouter.PrimaryReplicaRouter"]
    MIDDLEWARE.insert(1, "gongzhi.core.dbrouter.PinPrimaryMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "gongzhi.accounts.backends.RolePermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# MLPS 2.0 level 3 defaults (DOMAIN.md § Security); each is configurable.
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("GONGZHI_PASSWORD_MIN_LENGTH", 8, minimum=6)},
    },
    {
        "NAME": "gongzhi.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": env_int("GONGZHI_PASSWORD_MIN_CLASSES", 3, minimum=0)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
GONGZHI_PASSWORD_MAX_AGE_DAYS = env_int("GONGZHI_PASSWORD_MAX_AGE_DAYS", 90)  # 0 = never
GONGZHI_LOCKOUT_ATTEMPTS = env_int("GONGZHI_LOCKOUT_ATTEMPTS", 5, minimum=1)
GONGZHI_LOCKOUT_MINUTES = env_int("GONGZHI_LOCKOUT_MINUTES", 30, minimum=1)
GONGZHI_IDLE_TIMEOUT_MINUTES = env_int("GONGZHI_IDLE_TIMEOUT_MINUTES", 30, minimum=1)
GONGZHI_SESSION_MAX_HOURS = env_int("GONGZHI_SESSION_MAX_HOURS", 12, minimum=1)
# Roles that must log in with TOTP (the three separated administrators by law; others by choice).
GONGZHI_2FA_ROLES = env_list("GONGZHI_2FA_ROLES", ["system_admin", "security_admin", "audit_admin"])
# When the audit chain is sealed: by the worker every few seconds, or after each commit.
GONGZHI_AUDIT_SEAL = env_str("GONGZHI_AUDIT_SEAL", "worker")
if GONGZHI_AUDIT_SEAL not in ("worker", "commit"):
    raise SettingError("GONGZHI_AUDIT_SEAL", "expected 'worker' or 'commit'")
GONGZHI_AUDIT_SEAL_SECONDS = env_int("GONGZHI_AUDIT_SEAL_SECONDS", 2, minimum=1)
SESSION_COOKIE_AGE = GONGZHI_SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
OTP_TOTP_ISSUER = "gongzhi 共治"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gongzhi" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "gongzhi" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

TASKS = {"default": {"BACKEND": env_str("GONGZHI_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

if os.environ.get("GONGZHI_TESTING"):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
