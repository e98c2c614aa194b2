from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlanningConfig(AppConfig):
    name = "planning"
    verbose_name = _("Planning")

    def ready(self):
        from planning import menus, panels, todos, transfer  # noqa: F401  (registers menus, panels, to-dos, imports)
