"""The LEA's booklet and boards in the main menu (apprentissage.menus): after recruitment's,
before the other LEA entries (65 and up) and planning's."""

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
menu_entry(_("Booklet follow-up"), "lea:completion", permission="lea.view_completion", order=64, group="lea")
