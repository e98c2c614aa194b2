"""The main menu: a registry each app adds its entries to (from its `menus.py`, imported by
its `AppConfig.ready`), so that adding an app does not edit the core's templates.

Entries of one `group` are shown together: as a drop-down menu under the group's label
(`menu_group`) when the user may open several of them, as a plain link when only one
(`sections_for`); so the header fits whatever roles a person holds.

An entry is shown to whoever holds its `permission` (a `rules` permission without object,
as `{% has_perm %}` asks it) and not `hidden_by` (e.g. the dossier list is not shown to
those who have the whole board). The entries a user may open are computed once per request
(`entries_for_request`, used by `templates/layouts/app.html` through `{% main_menu %}`).
The permissions are rules predicates on the user's facts (`user_fact`): the whole menu costs
one query per request, and nothing when the page already asked a fact.
"""

from dataclasses import dataclass
from html import escape

import rules
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    permission: str = ""  # "" = every signed-in person
    order: int = 100
    group: str = ""  # the area the entry belongs to: its entries share one drop-down menu
    hidden_by: str = ""  # a permission that hides the entry when held


@dataclass(frozen=True)
class MenuLink:
    label: str
    url: str
    current: bool
    group: str


@dataclass(frozen=True)
class MenuSection:
    """One item of the menu bar: a link, or a drop-down menu of the group's links."""

    key: str
    label: str
    links: tuple[MenuLink, ...]

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def is_dropdown(self) -> bool:
        return len(self.links) > 1


_entries: list[MenuEntry] = []
_group_labels: dict[str, object] = {}


def menu_entry(label, url_name: str, *, permission: str = "", order: int = 100, group="", hidden_by=""):
    """Register a menu entry (call from an app's `menus.py`)."""
    entry = MenuEntry(label, url_name, permission, order, group, hidden_by)
    if entry not in _entries:
        _entries.append(entry)
    return entry


def menu_group(key: str, label) -> None:
    """Name a group of entries (the label of its drop-down menu)."""
    _group_labels[key] = label


def registered_entries() -> list[MenuEntry]:
    return sorted(_entries, key=lambda entry: entry.order)


def _may(user, permission: str, answers: dict[str, bool]) -> bool:
    if not permission:
        return True
    # The rules only, for everyone (superusers included, as `User.has_perm` asks them): no
    # Django model permission is a menu's, and a menu entry is a page its view lets you open.
    # Each permission asked once per menu (`answers`: an entry's may hide another).
    answer = answers.get(permission)
    if answer is None:
        answer = answers[permission] = rules.has_perm(permission, user)
    return answer


def entries_for(user, current_view: str = "") -> list[MenuLink]:
    """The entries `user` may open, in order; `current_view` (namespaced URL name) marks the
    active one (`aria-current="page"`)."""
    if not user or not user.is_authenticated:
        return []
    answers: dict[str, bool] = {}
    urls = url_table()
    return [
        MenuLink(
            str(entry.label), fixed_url(entry.url_name, urls), entry.url_name == current_view, entry.group
        )
        for entry in registered_entries()
        if _may(user, entry.permission, answers)
        and not (entry.hidden_by and _may(user, entry.hidden_by, answers))
    ]


_urls: dict[tuple, dict] = {}


def url_table() -> dict[str, str]:
    """The URLs without arguments reversed so far (`fixed_url`) for the URLconf, script
    prefix and language in force, what `reverse`'s answer depends on."""
    key = (settings.ROOT_URLCONF, get_urlconf(), get_script_prefix(), get_language())
    table = _urls.get(key)
    if table is None:
        table = _urls[key] = {}
    return table


def fixed_url(url_name: str, table: dict[str, str] | None = None) -> str:
    """`reverse(url_name)` for a URL without arguments, kept per process (`url_table`): the
    menu and the layout's links are on every page."""
    if table is None:
        table = url_table()
    url = table.get(url_name)
    if url is None:
        url = table[url_name] = reverse(url_name)
    return url


_ANY_PK, _OTHER_PK = 918_273_645, 7


def pk_url(url_name: str, pk) -> str:
    """`reverse(url_name, args=[pk])` for a URL whose one argument is an integer key, from the
    URL with another key (kept like `fixed_url`): for the rows of a table, a few microseconds
    a link instead of a `reverse` each."""
    table = url_table()
    key = f"{url_name}\x00<pk>"
    parts = table.get(key)
    if parts is None:
        prefix, _, suffix = reverse(url_name, args=[_ANY_PK]).partition(str(_ANY_PK))
        parts = table[key] = (
            (prefix, suffix) if reverse(url_name, args=[_OTHER_PK]) == f"{prefix}{_OTHER_PK}{suffix}" else ()
        )
    if not parts:  # not an integer in the URL as is
        return reverse(url_name, args=[pk])
    return f"{parts[0]}{int(pk)}{parts[1]}"


def sections_for(links: list[MenuLink]) -> list[MenuSection]:
    """The menu bar: the links grouped by `group`, each group where its first entry is; a
    group with one link (or no label) is that link alone, under its own label."""
    grouped: dict[str, list[MenuLink]] = {}
    for link in links:
        key = link.group if link.group in _group_labels else f"link:{link.url}"
        grouped.setdefault(key, []).append(link)
    sections = []
    for key, group_links in grouped.items():
        label = _group_labels[key] if len(group_links) > 1 else group_links[0].label
        sections.append(MenuSection(key.removeprefix("link:"), str(label), tuple(group_links)))
    return sections


def menu_html(sections: list[MenuSection]) -> SafeString:
    """The menu bar's markup (`templates/layouts/app.html`), written here rather than by a
    template loop as it is on every page (each label, key and URL escaped). Groups of entries
    are drop-down menus (Bootstrap's, keyboard-operable); inside the collapsed menu of small
    screens they open in place."""
    html = ['<ul class="navbar-nav portal-menu">']
    for section in sections:
        if section.is_dropdown:
            key = escape(section.key)
            # The closed group of the current page says so to a screen reader too, not by
            # its colour alone (the page's own link, inside, is `aria-current="page"`).
            active, current = (" active", ' aria-current="true"') if section.current else ("", "")
            html.append(
                f'\n          <li class="nav-item dropdown">'
                f'\n            <button class="nav-link dropdown-toggle{active}" type="button"'
                f' id="menu-{key}-bouton"{current}\n                    data-bs-toggle="dropdown"'
                f' aria-expanded="false" aria-controls="menu-{key}">{escape(section.label)}</button>'
                f'\n            <ul class="dropdown-menu" id="menu-{key}"'
                f' aria-labelledby="menu-{key}-bouton">'
            )
            html.extend(f"\n              <li>{_link(link, 'dropdown-item')}</li>" for link in section.links)
            html.append("\n            </ul>\n          </li>")
        else:
            html.append(f'\n            <li class="nav-item">{_link(section.links[0], "nav-link")}</li>')
    html.append("\n    </ul>")
    return mark_safe("".join(html))  # every label, key and URL escaped


def _link(link: MenuLink, css_class: str) -> str:
    url, label = escape(link.url), escape(link.label)
    if link.current:
        return f'<a class="{css_class} active" href="{url}" aria-current="page">{label}</a>'
    return f'<a class="{css_class}" href="{url}">{label}</a>'


def sections_for_request(request) -> list[MenuSection]:
    """`sections_for` the request's menu entries."""
    return sections_for(entries_for_request(request))


def entries_for_request(request) -> list[MenuLink]:
    """`entries_for` the request's user, computed once per request."""
    cached = getattr(request, "_menu_entries", None)
    if cached is None:
        match = getattr(request, "resolver_match", None)
        cached = entries_for(getattr(request, "user", None), match.view_name if match else "")
        request._menu_entries = cached
    return cached


# The groups of the menu bar (a drop-down menu each when the user may open several entries).
menu_group("people", _("People"))
menu_group("recruitment", _("Recruitment"))
menu_group("planning", _("Calendars"))

# The core's own entries; apps slot theirs between (recruitment 20-60, planning 70-90).
menu_entry(_("Home"), "home", order=0, group="core")
menu_entry(
    _("Apprentices"),
    "apprenticeship_list",
    permission="apprentissage.view_apprenticeship_list",
    order=10,
    group="people",
)
menu_entry(_("People"), "person_list", permission="apprentissage.manage_people", order=100, group="people")
menu_entry(
    _("Administration"), "admin:index", permission="apprentissage.access_admin", order=110, group="core"
)
