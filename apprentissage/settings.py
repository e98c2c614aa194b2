"""Settings, read from the environment (django-environ).

One module for every deployment; `test_settings.py` overrides what tests need.
Two switches matter:

* ``DEMO_MODE`` (``make demo``): SQLite, eager tasks, weak demo passwords allowed,
  the demo outbox page, plain HTTP on 127.0.0.1, no MFA requirement.
* otherwise production: HTTPS-only cookies, HSTS, MFA required for staff roles,
  ``SECRET_KEY`` and ``ALLOWED_HOSTS`` must be given.
"""

import os
import secrets
import sys
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEMO_MODE = env.bool("DEMO_MODE", default=False)
DEBUG = env.bool("DEBUG", default=DEMO_MODE)

# Commands that only read code and write files never sign anything: they may run
# without the production secret (e.g. a `makemigrations --check` on a developer's machine).
OFFLINE_COMMANDS = {"makemigrations", "makemessages", "compilemessages"}
if DEMO_MODE:
    SECRET_KEY = env("SECRET_KEY", default="demo-only-insecure-key-never-use-in-production-0123456789")
elif "SECRET_KEY" not in os.environ and len(sys.argv) > 1 and sys.argv[1] in OFFLINE_COMMANDS:
    SECRET_KEY = secrets.token_urlsafe(50)
else:
    SECRET_KEY = env("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEMO_MODE or DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the portal, used in e-mails sent from tasks (no request there).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "csp",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    # Ours
    "apprentissage",
    "recruitment",
    "lea",
    "planning",
    "evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "apprentissage.middleware.SessionRefreshMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "apprentissage.middleware.RequireMFAMiddleware",
]

ROOT_URLCONF = "apprentissage.urls"
WSGI_APPLICATION = "apprentissage.wsgi.application"
ASGI_APPLICATION = "apprentissage.asgi.application"

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
                "apprentissage.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
# A persistent connection is checked before reuse: a database restart gives no error page.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "apprentissage.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = (
    []
    if DEMO_MODE  # the demo logins use the password "demo"; never in production
    else [
        {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
        {
            "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
            "OPTIONS": {"min_length": 10},
        },
        {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
        {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    ]
)
# Invitation links are password-reset tokens: valid one week.
PASSWORD_RESET_TIMEOUT = 7 * 24 * 3600
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# django-allauth: e-mail login, no open sign-up (people are invited), login by code.
ACCOUNT_ADAPTER = "apprentissage.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portail alternance] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEMO_MODE else "https"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Portail alternance IMT Mines Albi"
# Roles that must enrol a TOTP device before using the portal (apprentissage.middleware):
# comma-separated among scolarite, midisup, school_tutor, option_lead, admin; by default
# every one of them (they read many people's personal data), none in demo mode.
MFA_REQUIRED_ROLES = [
    role.strip()
    for role in env.list(
        "MFA_REQUIRED_ROLES",
        default=[] if DEMO_MODE else ["scolarite", "midisup", "school_tutor", "option_lead", "admin"],
    )
    if role.strip()
]
# The master switch (false: nobody is asked, whatever MFA_REQUIRED_ROLES says).
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=not DEMO_MODE)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Internationalisation: French first, English complete.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our formats over Django's: French times as "9 h 00" (apprentissage/formats/fr/formats.py).
FORMAT_MODULE_PATH = ["apprentissage.formats"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    # Uploaded documents go through the storage API so they can move to object storage.
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# E-mail
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Portail alternance <alternance@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if DEMO_MODE:
    EMAIL_BACKEND = "apprentissage.mail.DemoOutboxBackend"
else:
    EMAIL_CONFIG = env.email("EMAIL_URL", default="smtp://localhost:25")
    vars().update(EMAIL_CONFIG)

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = env("REDIS_URL", default="")

# The cache every process shares (allauth's login throttling, the built calendar feeds):
# Redis when there is one, else the database (its table is made by migration 0008, or
# `manage.py createcachetable`). Never a per-process memory cache: with 4 gunicorn
# workers, each would count wrong passwords on its own.
CACHE_REDIS_URL = env("CACHE_REDIS_URL", default=REDIS_URL)
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "apprentissage.cache.SharedRedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": "portail",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},  # fails open: see cache.py
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "portail_cache",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# A page's costly fragment (the LEA boards) is cached this long at most (apprentissage.versions:
# a write to what it shows rebuilds it at once; the delay bounds what moves with the clock
# alone, such as a visit whose time has passed, and people's names). 0: never cached.
FRAGMENT_CACHE_SECONDS = env.int("FRAGMENT_CACHE_SECONDS", default=300)

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# Publishing from a request never waits for a broker that is down: one connection attempt
# with short timeouts, no retry; what was not published is in the database and the sweep
# (below) takes it up. Results are not kept (nothing reads them, but the ping's).
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True  # a worker waits for the broker instead
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 0,
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": 5.0,  # a broker that accepts connections but never answers (> BRPOP's 1 s)
}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The e-mails and jobs the broker never took, e-mails to retry, jobs of a dead worker.
    "sweep": {
        "task": "apprentissage.sweep",
        "schedule": 60.0,
        "options": {"expires": 50},  # a sweep not run within the minute is superseded
    },
    "daily-digest": {
        "task": "apprentissage.send_daily_digests",
        "schedule": crontab(hour=7, minute=30),
    },
    # The LEA: fiches de liaison follow the calendar, then reminders (before the digest).
    "lea-sync-fiches": {
        "task": "lea.sync_fiches",
        "schedule": crontab(hour=5, minute=0),
    },
    "lea-send-reminders": {
        "task": "lea.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
}

# Security
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=2 * 3600)  # 2 h of inactivity
# The expiry counts from the last request: SessionRefreshMiddleware saves the session again
# when its last save is older than this (not on every request, as SESSION_SAVE_EVERY_REQUEST).
SESSION_REFRESH_SECONDS = env.int("SESSION_REFRESH_SECONDS", default=5 * 60)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
HTTPS = env.bool("HTTPS", default=not (DEMO_MODE or DEBUG))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind our TLS proxy: trust its X-Forwarded-Proto, and the address it appends to
# X-Forwarded-For (recorded with signatures).
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

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
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Portal
# Days after which an invitation not yet accepted shows up in scolarité's to-do list.
INVITATION_REMINDER_DAYS = 7

# LEA follow-up (PRACTICE.md §1–§3): the school's rules as settings with the field's defaults.
# A fiche de liaison appears this many days before the return to school that ends its period.
LEA_FICHE_OPENS_DAYS_BEFORE = env.int("LEA_FICHE_OPENS_DAYS_BEFORE", default=14)
# The apprentice's part is due this many days after the return to school…
LEA_FICHE_APPRENTICE_DAYS = env.int("LEA_FICHE_APPRENTICE_DAYS", default=5)
# …and the company tutor's this many days after the apprentice submitted it.
LEA_FICHE_TUTOR_DAYS = env.int("LEA_FICHE_TUTOR_DAYS", default=10)
# Days after a missed due date: reminder, reminder, tell the school tutor, tell scolarité.
LEA_REMINDER_DAYS = (3, 10)
LEA_ESCALATE_SCHOOL_TUTOR_DAY = env.int("LEA_ESCALATE_SCHOOL_TUTOR_DAY", default=14)
LEA_ESCALATE_SCOLARITE_DAY = env.int("LEA_ESCALATE_SCOLARITE_DAY", default=21)
# A first visit within this many months of a 1A contract start; at least this many visits a year.
LEA_FIRST_VISIT_MONTHS = env.int("LEA_FIRST_VISIT_MONTHS", default=3)
LEA_VISITS_PER_YEAR = env.int("LEA_VISITS_PER_YEAR", default=1)
# (month, day) defaults of the yearly dates scolarité may set per school year and study year.
LEA_MISSIONS_DUE = (11, 15)  # the yearly missions description validated by
LEA_SUBJECT_DUE = (1, 31)  # the project subject proposed by (end of the first semester)

# Evaluation: the largest report (PDF) an apprentice may upload for the Unité Entreprise.
EVALUATION_REPORT_MAX_BYTES = env.int("EVALUATION_REPORT_MAX_BYTES", default=20 * 1024 * 1024)
