"""Login throttling is counted in a cache every worker process shares (issue 8, §2).

Each probe is a separate Python process with production's settings (DEBUG only for the
static files), as gunicorn's workers are: with a per-process cache, each one would allow
five wrong passwords of its own."""

import json
import os
import random
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 5  # settings.ACCOUNT_RATE_LIMITS["login_failed"]: "10/m/ip,5/5m/key"

PROBE = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment

call_command("createcachetable")
setup_test_environment()
email, ip, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = Client(REMOTE_ADDR=ip)
blocked = []
for _ in range(count):
    response = client.post("/accounts/login/", {"login": email, "password": "not-the-password"})
    codes = [error.code for error in response.context["form"].errors.as_data().get("__all__", [])]
    assert codes in (["email_password_mismatch"], ["too_many_login_attempts"]), codes
    blocked.append(codes == ["too_many_login_attempts"])
from django.conf import settings
print(json.dumps({"blocked": blocked, "cache": settings.CACHES["default"]["BACKEND"]}))
"""


def _database_url(tmp_path) -> str:
    """The test database, for other processes: a copy of SQLite's in-memory one."""
    if connection.vendor == "sqlite":
        path = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        return f"sqlite:///{path}"
    s = connection.settings_dict
    where = f"{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{where}"


def _probe(env, email, ip, count) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, email, ip, str(count)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def _env(database_url: str, redis_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="apprentissage.settings",
        SECRET_KEY="throttle-test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DEMO_MODE="0",
        DEBUG="1",  # static files without collectstatic's manifest
        HTTPS="0",
        MFA_REQUIRED_FOR_STAFF="0",
        ALLOWED_HOSTS="testserver",
        LOG_LEVEL="ERROR",
    )
    return env


def _two_workers(env) -> tuple[list[bool], list[bool], str]:
    email = f"intrus-{uuid.uuid4().hex[:8]}@example.com"
    ip = f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"
    first = _probe(env, email, ip, 3)
    second = _probe(env, email, ip, 4)
    return first["blocked"], second["blocked"], second["cache"]


def test_wrong_passwords_are_counted_across_processes_in_the_database_cache(db, tmp_path):
    first, second, backend = _two_workers(_env(_database_url(tmp_path), ""))
    assert backend == "django.core.cache.backends.db.DatabaseCache"
    assert first == [False, False, False]
    assert second == [False, False, True, True]  # the 6th attempt overall is refused
    assert (first + second).count(False) == LIMIT


@pytest.mark.redis
def test_wrong_passwords_are_counted_across_processes_in_redis(db, tmp_path):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the Redis cache test needs Redis (CI sets it).")
    first, second, backend = _two_workers(_env(_database_url(tmp_path), redis_url))
    assert backend == "apprentissage.cache.SharedRedisCache"
    assert (first + second).count(False) == LIMIT and second[-1]


def test_the_redis_cache_fails_open_when_redis_is_down(caplog):
    """With Redis down, sign-in still works (unthrottled) instead of answering 500."""
    import socket

    from apprentissage.cache import SharedRedisCache

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cache = SharedRedisCache(f"redis://127.0.0.1:{port}/0", {"OPTIONS": {"socket_connect_timeout": 1}})
    assert cache.get("key", "default") == "default"
    assert cache.get("key", default=3) == 3
    cache.set("key", [1, 2], 60)
    assert cache.add("key", 1) is False
    assert cache.get_many(["a", "b"]) == {}
    cache.delete("key")
    assert "Redis unreachable" in caplog.text
