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


class ScorerRole(models.TextChoices):
    """Who gave a rubric scoring."""

    COMPANY_TUTOR = "company_tutor", _("Company tutor")
    SCHOOL_TUTOR = "school_tutor", _("School tutor")
    OPTION_LEAD = "option_lead", _("Option lead")
    AGREED = "agreed", _("Jury (agreed scores)")


class DefenceState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class JuryState(models.TextChoices):
    PREPARING = "preparing", _("Being prepared")
    DELIBERATING = "deliberating", _("Deliberating")
    CLOSED = "closed", _("Closed (minutes produced)")
    PUBLISHED = "published", _("Results published")


class YearDecision(models.TextChoices):
    """The jury's year decisions (PRACTICE.md §4); ADJ needs a reason."""

    ADM = computation.YearCode.ADM, _("ADM — passed")
    ADJ = computation.YearCode.ADJ, _("ADJ — passed by decision of the jury")
    AJ = computation.YearCode.AJ, _("AJ — failed (ajourné)")
    RAT = computation.YearCode.RAT, _("RAT — awaiting resits")
    DEF = computation.YearCode.DEF, _("DEF — defaulting (défaillant)")
    DEM = computation.YearCode.DEM, _("DEM — resigned")


class Outcome(models.TextChoices):
    NEXT_YEAR = computation.Outcome.NEXT_YEAR, _("Goes on to the next year")
    REPEAT = computation.Outcome.REPEAT, _("Repeats the year")
    LEAVE = computation.Outcome.LEAVE, _("Leaves the programme")
