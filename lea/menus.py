"""The LEA's entries in the main menu (apprentissage.menus): after recruitment's, before
planning's (70 and up)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry, menu_group

menu_group("lea", _("Booklet"))
menu_entry(_("My booklet"), "lea:my_booklet", permission="lea.view_my_booklet", order=61, group="lea")
menu_entry(
    _("My apprentices"),
    "lea:school_tutor_board",
    permission="lea.view_school_tutor_board",
    order=62,
    group="lea",
)
menu_entry(
    _("Option follow-up"), "lea:option_board", permission="lea.view_option_board", order=63, group="lea"
)
menu_entry(
    _("Yearly missions to validate"),
    "lea:plans_to_review",
    permission="lea.view_option_board",
    order=64,
    group="lea",
)
menu_entry(_("Booklet follow-up"), "lea:completion", permission="lea.view_completion", order=65, group="lea")
menu_entry(
    _("Missing company visits"),
    "lea:missing_visits",
    permission="lea.view_missing_visits",
    order=66,
    group="lea",
)
menu_entry(
    _("Competency framework"), "lea:framework", permission="lea.manage_framework", order=67, group="lea"
)
menu_entry(
    _("Follow-up deadlines"), "lea:deadlines", permission="lea.manage_deadlines", order=68, group="lea"
)
