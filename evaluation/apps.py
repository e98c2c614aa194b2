from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation and juries")

    def ready(self):
        # Registers permissions, menus, the module teachers' role and the defences' feed source.
        from evaluation import defences, menus, roles, rules  # noqa: F401
