"""The LEA's entries in the main menu (apprentissage.menus), after recruitment's, before
planning's."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry, menu_group

menu_group("lea", _("Booklet"))
menu_entry(_("My booklet"), "lea:my_booklet", permission="lea.view_my_booklet", order=64, group="lea")
menu_entry(
    _("My apprentices"),
    "lea:school_tutor_board",
    permission="lea.view_school_tutor_board",
    order=65,
    group="lea",
)
menu_entry(
    _("Option follow-up"), "lea:option_board", permission="lea.view_option_board", order=66, group="lea"
)
menu_entry(_("Booklet follow-up"), "lea:completion", permission="lea.view_completion", order=67, group="lea")
