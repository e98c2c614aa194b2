from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation and juries")

    def ready(self):
        # Registers permissions, menus and the module teachers' role; the grade import.
        from evaluation import grade_import, menus, roles, rules  # noqa: F401
