"""Test settings: production behaviour, minus what a test client cannot do."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from apprentissage.settings import *  # noqa: F403
from apprentissage.settings import DATABASES

DEBUG = False
DEMO_MODE = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
MFA_REQUIRED_FOR_STAFF = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests are deterministic: tasks run in-process; the Redis test flips this for itself.
CELERY_TASK_ALWAYS_EAGER = True
DATABASES["default"]["CONN_MAX_AGE"] = 0
ACCOUNT_RATE_LIMITS = False
# Each test process its own cache (tests/test_throttle.py runs production's shared caches).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
FRAGMENT_CACHE_SECONDS = 0  # pages are built on each request; the cache's own tests turn it on
LANGUAGE_CODE = "fr"
