from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprentissageConfig(AppConfig):
    name = "apprentissage"
    verbose_name = _("Apprenticeships (core)")

    def ready(self):
        from apprentissage import imports, menus, todos  # noqa: F401  (registers the core's menu, to-dos, jobs)
