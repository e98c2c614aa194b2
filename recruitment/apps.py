from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "recruitment"
    verbose_name = _("Recruitment")

    def ready(self):
        from recruitment import jobs, menus, todos  # noqa: F401  (registers menus, to-dos, imports)
