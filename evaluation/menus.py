"""Evaluation's entries in the main menu (apprentissage.menus): after planning's (100 and up)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry, menu_group

menu_group("evaluation", _("Grades"))
menu_entry(
    _("Programme"),
    "evaluation:programme",
    permission="evaluation.view_programme",
    order=100,
    group="evaluation",
)
