"""The main menu: a registry each app adds its entries to (from its `menus.py`, imported by
its `AppConfig.ready`), so that adding an app does not edit the core's templates.

An entry is shown to whoever holds its `permission` (a `rules` permission without object,
as `{% has_perm %}` asks it) and not `hidden_by` (e.g. the dossier list is not shown to
those who have the whole board). The entries a user may open are computed once per request
(`entries_for_request`, used by `templates/layouts/app.html` through the `portal` context
processor). The permissions are rules predicates on the user's facts (`user_fact`): the
whole menu costs one query per request, none for a superuser, and nothing when the page
already asked a fact.
"""

from dataclasses import dataclass

import rules
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    permission: str = ""  # "" = every signed-in person
    order: int = 100
    group: str = ""  # the app or area the entry belongs to (for tests and future sub-menus)
    hidden_by: str = ""  # a permission that hides the entry when held


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool
    group: str


_entries: list[MenuEntry] = []


def menu_entry(label, url_name: str, *, permission: str = "", order: int = 100, group="", hidden_by=""):
    """Register a menu entry (call from an app's `menus.py`)."""
    entry = MenuEntry(label, url_name, permission, order, group, hidden_by)
    if entry not in _entries:
        _entries.append(entry)
    return entry


def registered_entries() -> list[MenuEntry]:
    return sorted(_entries, key=lambda entry: entry.order)


def _may(user, permission: str) -> bool:
    if not permission:
        return True
    if user.is_active and user.is_superuser:  # as `user.has_perm`: a superuser may everything
        return True
    return rules.has_perm(permission, user)  # the rules only: no Django model permission is a menu's


def entries_for(user, current_view: str = "") -> list[MenuLink]:
    """The entries `user` may open, in order; `current_view` (namespaced URL name) marks the
    active one (`aria-current="page"`)."""
    if not user or not user.is_authenticated:
        return []
    return [
        MenuLink(str(entry.label), _url(entry.url_name), entry.url_name == current_view, entry.group)
        for entry in registered_entries()
        if _may(user, entry.permission) and not (entry.hidden_by and _may(user, entry.hidden_by))
    ]


_urls: dict[tuple, str] = {}


def _url(url_name: str) -> str:
    """`reverse(url_name)`, kept per process (per URLconf, script prefix and language, what the
    answer depends on): the menu is on every page."""
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language(), url_name)
    if key not in _urls:
        _urls[key] = reverse(url_name)
    return _urls[key]


def entries_for_request(request) -> list[MenuLink]:
    """`entries_for` the request's user, computed once per request."""
    cached = getattr(request, "_menu_entries", None)
    if cached is None:
        match = getattr(request, "resolver_match", None)
        cached = entries_for(getattr(request, "user", None), match.view_name if match else "")
        request._menu_entries = cached
    return cached


# The core's own entries; apps slot theirs between (recruitment 20-60, planning 70-90).
menu_entry(_("Home"), "home", order=0, group="core")
menu_entry(
    _("Apprentices"),
    "apprenticeship_list",
    permission="apprentissage.view_apprenticeship_list",
    order=10,
    group="core",
)
menu_entry(_("People"), "person_list", permission="apprentissage.manage_people", order=100, group="core")
menu_entry(
    _("Administration"), "admin:index", permission="apprentissage.access_admin", order=110, group="core"
)
