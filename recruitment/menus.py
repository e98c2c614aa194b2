"""Recruitment's entries in the main menu (apprentissage.menus)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry

menu_entry(
    _("My recruitment"),
    "recruitment:my_recruitment",
    permission="recruitment.view_my_recruitment",
    order=20,
    group="recruitment",
)
menu_entry(
    _("Recruitment"), "recruitment:board", permission="recruitment.manage", order=30, group="recruitment"
)
menu_entry(
    _("Recruitment dossiers"),
    "recruitment:dossier_list",
    permission="recruitment.view_dossier_list",
    hidden_by="recruitment.manage",  # the board shows them all
    order=40,
    group="recruitment",
)
menu_entry(
    _("Missions to validate"),
    "recruitment:review_list",
    permission="recruitment.review_mission_sheets",
    order=50,
    group="recruitment",
)
menu_entry(
    _("Contracts"),
    "recruitment:midisup_queue",
    permission="recruitment.view_midisup_queue",
    order=60,
    group="recruitment",
)
