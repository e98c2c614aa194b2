from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Evaluation and juries")

    def ready(self):
        # Registers permissions, menus, the module teachers' role, jobs, workflows, imports and
        # the defences' feed source.
        from evaluation import (  # noqa: F401
            defences,
            grade_import,
            imports,
            jobs,
            menus,
            roles,
            rules,
            workflows,
        )
