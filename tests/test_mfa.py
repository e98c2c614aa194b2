"""Two-factor authentication for every staff role (issue 8, §2): scolarité, MidiSup, school
tutors, option leads and administrators enrol a TOTP device before reaching anything but the
enrolment pages; a school chooses the roles (`MFA_REQUIRED_ROLES`); nobody in demo mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprentissage.middleware import MFA_STAFF_ROLES

from . import factories as f

ROOT = Path(__file__).resolve().parent.parent
STAFF = ["scolarite", "midisup", "school_tutor", "option_lead", "admin", "pure_option_lead"]
NOT_STAFF = ["candidate", "apprentice", "company_tutor", "company_contact", "outsider"]
# Every other page: the portal's, allauth's account pages, the Django admin.
ELSEWHERE = [
    lambda w: reverse("home"),
    lambda w: reverse("apprenticeship_list"),
    lambda w: reverse("apprenticeship_detail", args=[w.own.pk]),
    lambda w: reverse("recruitment:board"),
    lambda w: reverse("planning:feeds"),
    lambda w: reverse("account_preferences"),
    lambda w: reverse("account_email"),
    lambda w: reverse("account_change_password"),
    lambda w: reverse("admin:index"),
]


@pytest.fixture(autouse=True)
def _required(settings):
    settings.MFA_REQUIRED_FOR_STAFF = True
    settings.MFA_REQUIRED_ROLES = list(MFA_STAFF_ROLES)


def person(world, persona):
    if persona == "pure_option_lead":  # leads an option, in no staff group
        lead = f.UserFactory(email="responsable.seul@example.com")
        option = f.option("materiaux")
        option.lead = lead
        option.save()
        return lead
    return world[persona]


def enrol(user):
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})


@pytest.mark.parametrize("persona", STAFF)
def test_each_staff_role_is_sent_to_enrol_from_every_page(world, login, persona):
    client = login(person(world, persona))
    for url in ELSEWHERE:
        response = client.get(url(world))
        assert response.status_code == 302, url(world)
        assert response["Location"] == reverse("mfa_activate_totp"), url(world)


@pytest.mark.parametrize("persona", STAFF)
def test_a_post_elsewhere_is_refused_too(world, login, persona):
    user = person(world, persona)
    response = login(user).post(reverse("account_preferences"), {"email_frequency": "daily"})
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    user.refresh_from_db()
    assert user.email_frequency == ""


def test_htmx_requests_get_a_client_redirect(world, login):
    response = login(world["midisup"]).get(reverse("home"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")
    assert response.status_code == 200  # htmx follows HX-Redirect on a 2xx answer only


def test_the_redirect_says_why(world, login):
    response = login(world["school_tutor"]).get(reverse("home"), follow=True)
    assert response.redirect_chain[0][0] == reverse("mfa_activate_totp")
    assert len(list(response.context["messages"])) == 1


@pytest.mark.parametrize("persona", ["midisup", "pure_option_lead"])
def test_the_enrolment_pages_stay_open(world, login, persona):
    client = login(person(world, persona))
    response = client.get(reverse("mfa_activate_totp"))
    # allauth may first ask to confirm the password (reauthentication): still its pages.
    assert response.status_code == 200 or response["Location"].startswith(reverse("account_reauthenticate"))
    for name in ("account_reauthenticate", "mfa_index", "healthz", "accessibility", "personal_data"):
        assert client.get(reverse(name)).status_code == 200, name
    # the recovery codes come with the TOTP device (allauth's 404 until then): not redirected
    assert client.get(reverse("mfa_view_recovery_codes")).get("Location") != reverse("mfa_activate_totp")
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302 and response["Location"] != reverse("mfa_activate_totp")


@pytest.mark.parametrize("persona", STAFF)
def test_each_staff_role_gets_through_after_enrolling(world, login, persona):
    user = person(world, persona)
    enrol(user)
    client = login(user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200


@pytest.mark.parametrize("persona", NOT_STAFF)
def test_other_people_are_never_asked(world, login, persona):
    client = login(world[persona])
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("account_email")).status_code == 200


def test_a_school_chooses_the_roles(world, login, settings):
    settings.MFA_REQUIRED_ROLES = ["scolarite", "admin"]
    assert login(world["scolarite"]).get(reverse("home")).status_code == 302
    assert login(world["admin"]).get(reverse("home")).status_code == 302
    for persona in ("midisup", "school_tutor", "option_lead"):
        assert login(world[persona]).get(reverse("home")).status_code == 200, persona


def test_no_role_listed_asks_nobody(world, login, settings):
    settings.MFA_REQUIRED_ROLES = []
    assert login(world["admin"]).get(reverse("home")).status_code == 200


def test_nobody_is_asked_in_demo_mode(world, login, settings):
    settings.DEMO_MODE = True
    assert login(world["scolarite"]).get(reverse("home")).status_code == 200


def test_the_check_costs_no_query_beyond_the_user_facts(world, login, settings):
    """The roles and "has a TOTP device" are user facts: the page asks them anyway (menu)."""
    enrol(world["midisup"])
    client = login(world["midisup"])
    client.get(reverse("home"))  # warm up (content types, sessions)
    with CaptureQueriesContext(connection) as required:
        assert client.get(reverse("home")).status_code == 200
    settings.MFA_REQUIRED_FOR_STAFF = False
    with CaptureQueriesContext(connection) as not_required:
        assert client.get(reverse("home")).status_code == 200
    assert len(required) == len(not_required)


def _settings_in_a_process(**env) -> str:
    code = "from django.conf import settings; print(','.join(settings.MFA_REQUIRED_ROLES))"
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "DJANGO_SETTINGS_MODULE": "apprentissage.settings",
            "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvw",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_setting_defaults_to_every_staff_role_and_to_none_in_demo():
    assert _settings_in_a_process() == "scolarite,midisup,school_tutor,option_lead,admin"
    assert _settings_in_a_process(DEMO_MODE="1") == ""
    assert _settings_in_a_process(MFA_REQUIRED_ROLES="scolarite, admin") == "scolarite,admin"
