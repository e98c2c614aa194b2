"""Evaluation's entries in the main menu (apprentissage.menus): after planning's (100 and up)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry, menu_group

menu_group("evaluation", _("Grades"))
menu_entry(
    _("My results"),
    "evaluation:my_results",
    permission="evaluation.view_my_results",
    order=120,
    group="evaluation",
)
menu_entry(
    _("Juries"), "evaluation:jury_list", permission="evaluation.view_juries", order=121, group="evaluation"
)
menu_entry(
    _("Grade changes"),
    "evaluation:grade_audit",
    permission="evaluation.view_grade_audit",
    order=122,
    group="evaluation",
)
menu_entry(
    _("Programme"),
    "evaluation:programme",
    permission="evaluation.view_programme",
    order=100,
    group="evaluation",
)

menu_entry(
    _("My modules"),
    "evaluation:my_modules",
    permission="evaluation.view_my_modules",
    order=101,
    group="evaluation",
)
