"""Planning's entries in the main menu (apprentissage.menus)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry

menu_entry(
    _("My calendar"),
    "planning:my_calendar",
    permission="planning.view_my_calendar",
    order=70,
    group="planning",
)
menu_entry(
    _("Who is at school when"),
    "planning:company_calendar",
    permission="planning.view_company_calendar",
    order=80,
    group="planning",
)
menu_entry(
    _("Calendar"), "planning:grid_index", permission="planning.manage_calendars", order=90, group="planning"
)
