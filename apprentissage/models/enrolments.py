import rules
from django.db import models
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from apprentissage import rules as access
from apprentissage.enums import EnrolmentStatus, StudyYear

from .academics import SchoolYear
from .apprenticeships import Apprenticeship


@rules.predicate
def can_view_enrolment(user, enrolment) -> bool:
    return bool(enrolment) and access.can_view_apprenticeship(user, enrolment.apprenticeship)


class Enrolment(RulesModel):
    """An apprenticeship's enrolment in one school year: in which study year (1A, 2A, 3A) and
    how (enrolled, repeating, suspended, left). The study year of an apprentice in a school year
    is read here, never derived from the cohort alone, so a repeated year or a direct entry into
    2A is possible. Evaluation hangs grades and jury decisions off it."""

    apprenticeship = models.ForeignKey(
        Apprenticeship,
        verbose_name=_("apprenticeship"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="enrolments"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=EnrolmentStatus.ENROLLED
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        # By ids: ordering by the relations would join their tables (and their own orderings)
        # into every prefetch of enrolments.
        ordering = ["apprenticeship_id", "school_year_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "school_year"], name="one_enrolment_per_school_year"
            ),
        ]
        rules_permissions = {
            "view": can_view_enrolment,
            "change": access.can_manage,
            "add": access.can_manage,
            "delete": access.can_manage,
        }

    def __str__(self):
        return f"{self.apprenticeship} — {self.school_year}: {self.get_study_year_display()}"
