"""The LEA's entries in the main menu (apprentissage.menus)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry

menu_entry(
    _("Missing company visits"),
    "lea:missing_visits",
    permission="lea.view_missing_visits",
    order=65,
    group="lea",
)
