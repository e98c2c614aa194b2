from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self):
        from recruitment import jobs, menus, panels, todos, workflows  # noqa: F401  (registers menus, panels, to-dos, perms, imports)
