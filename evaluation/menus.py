"""Evaluation's entries in the main menu (apprentissage.menus): after planning's (100 and up)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry, menu_group

menu_group("evaluation", _("Grades"))

# The Unité Entreprise graded online (evaluation/views/company_unit.py, defences.py)
menu_entry(
    _("My Unité Entreprise"),
    "evaluation:my_company_unit",
    permission="evaluation.view_my_company_unit",
    order=110,
    group="evaluation",
)
menu_entry(
    _("To grade"), "evaluation:to_grade", permission="evaluation.view_to_grade", order=111, group="evaluation"
)
menu_entry(
    _("Defences"),
    "evaluation:defence_list",
    permission="evaluation.scolarite_menu",
    order=112,
    group="evaluation",
)
menu_entry(
    _("Reports' deadlines"),
    "evaluation:report_deadlines",
    permission="evaluation.scolarite_menu",
    order=113,
    group="evaluation",
)
