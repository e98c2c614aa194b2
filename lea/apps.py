from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeaConfig(AppConfig):
    name = "lea"
    verbose_name = _("Electronic apprenticeship booklet (LEA)")

    def ready(self):
        # Registers permissions, workflows (their perms and to-dos), menus, panels, jobs, signals.
        from lea import jobs, menus, panels, rules, signals, todos, visits, workflows  # noqa: F401
