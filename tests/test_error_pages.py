"""Error pages in the portal's look (issue 8, §3), and menus that only offer what the person
may open: every main-menu and account-menu link answers 200 for every persona."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from apprentissage import menus
from apprentissage.models import User

from .conftest import PERSONAS

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]
HOME_LINK = f'href="{reverse("home")}"'


def _templates(response) -> list[str]:
    return [t.name for t in response.templates]


@pytest.mark.parametrize("persona", ["scolarite", "midisup", "candidate", "admin"])
def test_a_refused_page_is_the_portals_403(world, login, persona):
    """What the calendar subscription page showed these roles: Django's bare '403 Forbidden'."""
    response = login(world[persona]).get(reverse("planning:feeds"))
    assert response.status_code == 403
    assert "403.html" in _templates(response) and "layouts/app.html" in _templates(response)
    html = response.content.decode()
    assert '<html lang="fr">' in html and "portal-header" in html and HOME_LINK in html
    assert "Forbidden</h1>" not in html


@pytest.mark.parametrize("persona", ["anonymous", "apprentice", "admin"])
def test_an_unknown_page_is_the_portals_404(world, login, persona):
    response = login(world[persona]).get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "404.html" in _templates(response) and "layouts/app.html" in _templates(response)
    assert HOME_LINK in response.content.decode()
    # someone else's object: the same page
    response = login(world[persona]).get(reverse("apprenticeship_detail", args=[world.other.pk]))
    if persona == "apprentice":
        assert response.status_code == 404 and "404.html" in _templates(response)


def test_the_500_page_needs_neither_a_request_context_nor_the_database(rf, db):
    handler = get_resolver().resolve_error_handler(500)
    with CaptureQueriesContext(connection) as queries:
        response = handler(rf.get("/"))
    assert response.status_code == 500 and len(queries) == 0
    html = response.content.decode()
    assert '<html lang="fr">' in html and "portal.css" in html and HOME_LINK in html


def test_the_400_page_is_in_the_portals_look_too(rf, db):
    handler = get_resolver().resolve_error_handler(400)
    response = handler(rf.get("/"), exception=None)
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="fr">' in html and "portal.css" in html and HOME_LINK in html


def test_permission_denied_in_a_view_renders_the_403_page(rf, world):
    handler = get_resolver().resolve_error_handler(403)
    request = rf.get("/")
    request.user = world["outsider"]
    response = handler(request, exception=PermissionDenied())
    assert response.status_code == 403 and HOME_LINK in response.content.decode()


def _account_menu(response) -> list[str]:
    html = response.content.decode()
    nav = re.search(r'<nav class="col-md-3"[^>]*>(.*?)</nav>', html, re.S).group(1)
    return re.findall(r'href="([^"]+)"', nav)


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_account_menu_link_opens(world, login, persona):
    client = login(world[persona])
    links = _account_menu(client.get(reverse("account_email")))
    assert reverse("account_email") in links
    for url in links:
        assert client.get(url).status_code == 200, f"{url} as {persona}"


@pytest.mark.parametrize(
    ("persona", "has_calendar"),
    [("apprentice", True), ("option_lead", True), ("company_contact", True), ("scolarite", False)],
)
def test_calendar_subscription_is_offered_to_those_with_a_calendar(world, login, persona, has_calendar):
    links = _account_menu(login(world[persona]).get(reverse("account_email")))
    assert (reverse("planning:feeds") in links) is has_calendar


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_every_main_menu_link_opens(world, login, persona):
    client = login(world[persona])
    entries = menus.entries_for(User.objects.get(pk=world[persona].pk))
    assert entries
    for entry in entries:
        response = client.get(entry.url, follow=True)  # the calendar grid opens on a year
        assert response.status_code == 200, f"{entry.url} as {persona}"


def test_a_csrf_failure_is_the_portals_page_too(world, client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world["apprentice"], backend="django.contrib.auth.backends.ModelBackend")
    response = strict.post(reverse("account_preferences"), {"email_frequency": "daily"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "portal.css" in html and HOME_LINK in html
