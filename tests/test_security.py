"""Security headers, production checks, MFA for staff, the health check."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprentissage.celery import app as celery_app

ROOT = Path(__file__).resolve().parent.parent


def test_check_deploy_passes_with_production_settings(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "apprentissage.settings",
        "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvw",
        "ALLOWED_HOSTS": "alternance.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr


def test_production_settings_refuse_to_start_without_secret_key(tmp_path):
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "apprentissage.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_offline_commands_run_without_the_secret_key(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "apprentissage.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_security_headers(client, db):
    response = client.get(reverse("accessibility"), secure=True)
    csp = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert int(response["Strict-Transport-Security"].split("max-age=")[1].split(";")[0]) >= 365 * 24 * 3600
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_is_secure_and_expires(settings, world, login):
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE <= 4 * 3600
    assert not settings.SESSION_SAVE_EVERY_REQUEST  # a write per request: see below
    assert "apprentissage.middleware.SessionRefreshMiddleware" in settings.MIDDLEWARE


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"] and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


class TestSessionExpiresAfterInactivity:
    """2 h of inactivity, counted from the last request, the session being written again at
    most every SESSION_REFRESH_SECONDS (5 min) instead of on every request."""

    def _get_home(self, client):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("home"))
        return response, _session_writes(queries.captured_queries)

    def test_a_request_within_five_minutes_writes_nothing(self, settings, world, login):
        client = login(world["apprentice"])
        with time_machine.travel(timezone.now() + datetime.timedelta(seconds=1), tick=False):
            response, writes = self._get_home(client)  # the first request stamps the session
            assert response.status_code == 200
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=4), tick=False):
            response, writes = self._get_home(client)
        assert response.status_code == 200 and writes == []
        assert settings.SESSION_COOKIE_NAME not in response.cookies  # the cookie is not resent

    def test_after_six_minutes_the_expiry_moves_on(self, world, login):
        client = login(world["apprentice"])
        self._get_home(client)
        key = client.session.session_key
        before = Session.objects.get(session_key=key).expire_date
        with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6), tick=False):
            response, writes = self._get_home(client)
        assert response.status_code == 200 and len(writes) == 1
        assert Session.objects.get(session_key=key).expire_date >= before + datetime.timedelta(minutes=6)

    def test_active_every_hour_the_user_stays_signed_in_for_three_hours(self, world, login):
        client = login(world["apprentice"])
        start = timezone.now()
        for hours in (1, 2, 3):
            with time_machine.travel(start + datetime.timedelta(hours=hours), tick=False):
                response, _writes = self._get_home(client)
            assert response.status_code == 200, hours

    def test_after_two_hours_without_a_request_the_user_is_signed_out(self, world, login):
        client = login(world["apprentice"])
        self._get_home(client)
        with time_machine.travel(timezone.now() + datetime.timedelta(hours=2, minutes=1), tick=False):
            response = client.get(reverse("home"))
        assert response.status_code == 302 and reverse("account_login") in response["Location"]

    def test_anonymous_visitors_get_no_session(self, client, db):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("accessibility"))
        assert response.status_code == 200 and _session_writes(queries.captured_queries) == []
        assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_no_inline_script_or_style_in_pages(world, login):
    html = login(world["scolarite"]).get(reverse("home")).content.decode()
    assert "<script>" not in html and " style=" not in html and "<style" not in html


def test_footer_links_to_accessibility_and_personal_data(client, db):
    html = client.get(reverse("accessibility")).content.decode()
    assert reverse("accessibility") in html and reverse("personal_data") in html


class TestMFARequiredForStaff:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.MFA_REQUIRED_FOR_STAFF = True

    @pytest.mark.parametrize("persona", ["scolarite", "midisup", "school_tutor", "option_lead", "admin"])
    def test_staff_without_totp_are_sent_to_enrol(self, world, login, persona):
        response = login(world[persona]).get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")

    def test_enrolment_pages_are_not_redirected_in_a_loop(self, world, login):
        response = login(world["scolarite"]).get(reverse("mfa_activate_totp"))
        # allauth may first ask to confirm the password (reauthentication): still its pages.
        assert response.status_code == 200 or response["Location"].startswith("/accounts/reauthenticate/")
        assert login(world["scolarite"]).get("/accounts/reauthenticate/").status_code == 200

    def test_staff_with_totp_get_through(self, world, login):
        from allauth.mfa.models import Authenticator

        Authenticator.objects.create(
            user=world["scolarite"], type=Authenticator.Type.TOTP, data={"secret": "x"}
        )
        assert login(world["scolarite"]).get(reverse("home")).status_code == 200

    # Every staff role is asked (tests/test_mfa.py); the others never.
    @pytest.mark.parametrize("persona", ["apprentice", "company_tutor", "company_contact", "candidate"])
    def test_other_roles_are_not_forced(self, world, login, persona):
        assert login(world[persona]).get(reverse("home")).status_code == 200


class TestHealthz:
    def test_healthy(self, client, db):
        response = client.get(reverse("healthz"))
        assert response.status_code == 200
        assert response.json()["database"] == "ok"

    def test_unreachable_broker_answers_503(self, client, db):
        celery_app.conf.task_always_eager = False
        old = celery_app.conf.broker_url
        celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
        try:
            response = client.get(reverse("healthz"))
        finally:
            celery_app.conf.task_always_eager = True
            celery_app.conf.broker_url = old
        assert response.status_code == 503
        assert response.json() == {"status": "error", "database": "ok", "broker": "error"}

    def test_database_down_answers_503_json_not_a_500_page(self, client, db, monkeypatch):
        from django.db import OperationalError
        from django.db.backends.base.base import BaseDatabaseWrapper

        def exhausted(self):
            raise OperationalError("FATAL: sorry, too many clients already")

        client.raise_request_exception = False
        with monkeypatch.context() as patch:
            patch.setattr(BaseDatabaseWrapper, "ensure_connection", exhausted)
            response = client.get(reverse("healthz"))
        assert response.status_code == 503
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"status": "error", "database": "error", "broker": "eager"}

    def test_connections_are_checked_before_reuse(self, db):
        from django.db import connection

        assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
