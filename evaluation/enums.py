"""The evaluation's choices, as Django choices (their values are those of
evaluation.computation's enums, which compute with them)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation import computation


class SpecialGrade(models.TextChoices):
    NONE = "", _("Grade")
    ABS = computation.Special.ABS, _("ABS — absent (counts 0)")
    EXC = computation.Special.EXC, _("EXC — excused (left out of the average)")
    ATT = computation.Special.ATT, _("ATT — pending (blocks the jury)")


class ResitRule(models.TextChoices):
    BEST = computation.ResitRule.BEST, _("The better of the first result and the resit")
    REPLACE = computation.ResitRule.REPLACE, _("The resit replaces the first result")
    CAPPED = computation.ResitRule.CAPPED, _("The resit counts up to a cap")


class YearWeights(models.TextChoices):
    ECTS = computation.YearWeights.ECTS, _("UEs weighted by their ECTS")
    EQUAL = computation.YearWeights.EQUAL, _("Every UE weighs the same")


class GradedBy(models.TextChoices):
    """Who grades a component of the Unité Entreprise."""

    SCHOOL_TUTOR = "school_tutor", _("School tutor")
    PROJECT_JURY = "project_jury", _("Project jury (company tutor, school tutor, option lead)")
    COMPANY_TUTOR = "company_tutor", _("Company tutor")
