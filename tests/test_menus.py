"""The main menu registry (apprentissage/menus.py): each app's entries, shown to whoever
may open them, in order, the active one marked, for one query per request at most."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprentissage import menus
from apprentissage.models import User

from .conftest import PERSONAS

# The menu as the layout template wrote it by hand before the registry: (label, URL name,
# shown when), in this order. `user.has_perm` is how the template asked.
BEFORE = [
    ("home", lambda user: True),
    ("apprenticeship_list", lambda user: user.has_perm("apprentissage.view_apprenticeship_list")),
    ("recruitment:my_recruitment", lambda user: user.has_perm("recruitment.view_my_recruitment")),
    ("recruitment:board", lambda user: user.has_perm("recruitment.manage")),
    (
        "recruitment:dossier_list",
        lambda user: (
            user.has_perm("recruitment.view_dossier_list") and not user.has_perm("recruitment.manage")
        ),
    ),
    ("recruitment:review_list", lambda user: user.has_perm("recruitment.review_mission_sheets")),
    ("recruitment:midisup_queue", lambda user: user.has_perm("recruitment.view_midisup_queue")),
    ("lea:my_booklet", lambda user: user.has_perm("lea.view_my_booklet")),
    ("lea:school_tutor_board", lambda user: user.has_perm("lea.view_school_tutor_board")),
    ("lea:option_board", lambda user: user.has_perm("lea.view_option_board")),
    ("lea:plans_to_review", lambda user: user.has_perm("lea.view_option_board")),
    ("lea:completion", lambda user: user.has_perm("lea.view_completion")),
    ("lea:missing_visits", lambda user: user.has_perm("lea.view_missing_visits")),
    ("lea:framework", lambda user: user.has_perm("lea.manage_framework")),
    ("lea:deadlines", lambda user: user.has_perm("lea.manage_deadlines")),
    ("planning:my_calendar", lambda user: user.has_perm("planning.view_my_calendar")),
    ("planning:company_calendar", lambda user: user.has_perm("planning.view_company_calendar")),
    ("planning:grid_index", lambda user: user.has_perm("planning.manage_calendars")),
    ("person_list", lambda user: user.has_perm("apprentissage.manage_people")),
    ("evaluation:programme", lambda user: user.has_perm("evaluation.view_programme")),
    ("evaluation:my_modules", lambda user: user.has_perm("evaluation.view_my_modules")),
    ("evaluation:my_company_unit", lambda user: user.has_perm("evaluation.view_my_company_unit")),
    ("evaluation:to_grade", lambda user: user.has_perm("evaluation.view_to_grade")),
    ("evaluation:defence_list", lambda user: user.has_perm("evaluation.scolarite_menu")),
    ("evaluation:report_deadlines", lambda user: user.has_perm("evaluation.scolarite_menu")),
    ("evaluation:my_results", lambda user: user.has_perm("evaluation.view_my_results")),
    ("evaluation:jury_list", lambda user: user.has_perm("evaluation.view_juries")),
    ("evaluation:grade_audit", lambda user: user.has_perm("evaluation.view_grade_audit")),
    ("admin:index", lambda user: user.has_perm("apprentissage.access_admin")),
]


def _nav(response) -> list[tuple[str, bool]]:
    """The main menu's links (menu bar and drop-down menus), in the page's order."""
    nav = re.search(
        r'<ul class="navbar-nav portal-menu">(.*?)</ul>\s*<div class="ms-xl-auto',
        response.content.decode(),
        re.S,
    )
    return [
        (href, bool(current))
        for href, current in re.findall(
            r'<a class="(?:nav-link|dropdown-item)(?: active)?" href="([^"]+)"( aria-current="page")?',
            nav.group(1),
        )
    ]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_each_persona_sees_the_same_entries_as_before_in_the_same_order(world, login, persona):
    user = User.objects.get(pk=world[persona].pk)
    expected = [reverse(name) for name, shown in BEFORE if shown(user)]

    response = login(world[persona]).get(reverse("home"))

    assert [link.url for link in menus.entries_for(user)] == expected  # the registry keeps the order
    assert sorted(href for href, _current in _nav(response)) == sorted(expected)  # grouped on the page
    assert ("/", True) in _nav(response)  # home is the active entry


def test_the_active_entry_is_marked_for_every_app(world, login):
    client = login(world["scolarite"])

    nav = _nav(client.get(reverse("recruitment:board")))

    assert [href for href, current in nav if current] == [reverse("recruitment:board")]


def test_an_app_adds_an_entry_without_touching_the_core_templates(world, login):
    entry = menus.menu_entry(
        "Export", "recruitment:board_export", permission="recruitment.manage", order=35, group="recruitment"
    )
    try:
        scolarite = _nav(login(world["scolarite"]).get(reverse("home")))
        apprentice = _nav(login(world["apprentice"]).get(reverse("home")))
    finally:
        menus._entries.remove(entry)

    hrefs = [href for href, _current in scolarite]
    assert hrefs.index(reverse("recruitment:board_export")) == hrefs.index(reverse("recruitment:board")) + 1
    assert reverse("recruitment:board_export") not in [href for href, _current in apprentice]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonymous"])
def test_the_whole_menu_costs_one_query_and_is_computed_once_per_request(world, rf, persona):
    # A fresh user object: nothing cached yet, as at the start of a request.
    user = User.objects.get(pk=world[persona].pk)
    request = rf.get("/")
    request.user = user

    with CaptureQueriesContext(connection) as queries:
        entries = menus.entries_for_request(request)
        again = menus.entries_for_request(request)

    # The user's facts (every role predicate of every app, one query); a superuser's menu is
    # decided by the same rules (apprentissage.models.User.has_perm).
    assert len(queries) == 1
    assert again is entries and entries[0].url == reverse("home")


def _bar(response) -> list[str]:
    """The menu bar's items: a link's href, or "group:<key>" for a drop-down menu."""
    nav = response.content.decode()
    link = r'<a class="nav-link[^"]*" href="([^"]+)"'
    dropdown = r'<button[^>]*id="menu-(\w+)-bouton"'
    return re.findall(rf'<li class="nav-item(?: dropdown)?">\s*(?:{link}|{dropdown})', nav)


def test_groups_of_entries_are_drop_down_menus_and_a_lone_entry_a_plain_link(world, login):
    admin = _bar(login(world["admin"]).get(reverse("home")))
    contact = _bar(login(world["company_contact"]).get(reverse("home")))

    # Admin: seven items in the bar (the booklet's boards: a drop-down menu); of the calendars,
    # only the grid (admin has no calendar of their own nor apprentices to follow), so it is a
    # plain link; evaluation's entries (programme, grades, juries, audit) are a drop-down menu.
    assert admin == [
        (reverse("home"), ""),
        ("", "people"),
        ("", "recruitment"),
        ("", "lea"),
        (reverse("planning:grid_index"), ""),
        ("", "evaluation"),
        (reverse("admin:index"), ""),
    ]
    # One entry per group: plain links under the entry's own label, no drop-down menu.
    assert all(href for href, _group in contact)
    assert len(contact) == len(menus.entries_for(world["company_contact"]))


def test_the_group_of_the_current_page_is_marked(world, login):
    page = login(world["scolarite"]).get(reverse("person_list")).content.decode()

    assert re.search(r'<button class="nav-link dropdown-toggle active"[^>]*id="menu-people-bouton"', page)
    # Not by its colour only: the closed group tells a screen reader it holds the current page.
    assert re.search(r'id="menu-people-bouton" aria-current="true"', page)
    assert page.count('aria-current="true"') == 1  # the other groups are not current
    assert f'<a class="dropdown-item active" href="{reverse("person_list")}" aria-current="page">' in page
    assert page.count('aria-current="page"') == 1


def test_sections_keep_the_registry_order_inside_a_group(world):
    sections = menus.sections_for(menus.entries_for(world["admin"]))
    recruitment = next(section for section in sections if section.key == "recruitment")

    assert [link.url for link in recruitment.links] == [
        link.url for link in menus.entries_for(world["admin"]) if link.group == "recruitment"
    ]
    assert recruitment.is_dropdown and not recruitment.current
