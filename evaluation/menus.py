"""Evaluation's entries in the main menu (apprentissage.menus): after planning's, before the
administration's (100–109)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_entry, menu_group

menu_group("evaluation", _("Grades"))
menu_entry(
    _("My results"),
    "evaluation:my_results",
    permission="evaluation.view_my_results",
    order=106,
    group="evaluation",
)
menu_entry(
    _("Juries"), "evaluation:jury_list", permission="evaluation.view_juries", order=107, group="evaluation"
)
menu_entry(
    _("Grade changes"),
    "evaluation:grade_audit",
    permission="evaluation.view_grade_audit",
    order=108,
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

# The Unité Entreprise graded online (evaluation/views/company_unit.py, defences.py)
menu_entry(
    _("My Unité Entreprise"),
    "evaluation:my_company_unit",
    permission="evaluation.view_my_company_unit",
    order=102,
    group="evaluation",
)
menu_entry(
    _("To grade"), "evaluation:to_grade", permission="evaluation.view_to_grade", order=103, group="evaluation"
)
menu_entry(
    _("Defences"),
    "evaluation:defence_list",
    permission="evaluation.scolarite_menu",
    order=104,
    group="evaluation",
)
menu_entry(
    _("Reports' deadlines"),
    "evaluation:report_deadlines",
    permission="evaluation.scolarite_menu",
    order=105,
    group="evaluation",
)
