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
menu_entry(
    _("Yearly missions to validate"),
    "lea:plans_to_review",
    permission="lea.view_option_board",
    order=120,
    group="lea",
)
menu_entry(
    _("Competency framework"), "lea:framework", permission="lea.manage_framework", order=140, group="lea"
)
menu_entry(
    _("Follow-up deadlines"), "lea:deadlines", permission="lea.manage_deadlines", order=141, group="lea"
)
