"""Evaluation's entries in the main menu (apprentissage.menus): after planning's (100 and up)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_group

menu_group("evaluation", _("Grades"))

# Grade entry (evaluation.views.grades).
from apprentissage.menus import menu_entry  # noqa: E402

menu_entry(
    _("My modules"),
    "evaluation:my_modules",
    permission="evaluation.view_my_modules",
    order=101,
    group="evaluation",
)
