"""Evaluation's entries in the main menu (apprentissage.menus): after planning's (100 and up)."""

from django.utils.translation import gettext_lazy as _

from apprentissage.menus import menu_group

menu_group("evaluation", _("Grades"))
