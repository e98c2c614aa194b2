from django.db import models
from django.utils.translation import gettext_lazy as _


class WeekKind(models.TextChoices):
    """What a week is for a study year. The labels are the school's own words."""

    COMPANY = "entreprise", _("Company")
    SCHOOL = "ecole", _("School")
    RENTREE = "rentree", _("Rentrée pédagogique")
    PROPEDEUTIC = "propedeutique", _("Semaine propédeutique")
    DEFENCES = "soutenances", _("Final-year defences")
    CLOSURE = "fermeture", _("Closure / holidays")

    @classmethod
    def at_school(cls) -> set[str]:
        """Weeks spent at the school (a return to school starts a run of these)."""
        return {cls.SCHOOL, cls.RENTREE, cls.PROPEDEUTIC, cls.DEFENCES}

    @classmethod
    def in_company(cls) -> set[str]:
        return {cls.COMPANY}


# The program's published targets (DOMAIN.md §4): shown beside the computed totals,
# never used in place of them.
TARGET_SCHOOL_WEEKS = 18
TARGET_COMPANY_WEEKS = 34
TARGET_TAPE_SESSIONS = {1: 46, 2: 40, 3: 26}
TARGET_SCHOOL_HOURS = {1: 440, 2: 460, 3: 510}
TARGET_TAPE_HOURS = {1: 160, 2: 140, 3: 91}
TAPE_SESSION_HOURS = 3.5
