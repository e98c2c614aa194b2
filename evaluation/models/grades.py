"""Grades: one per assessment and enrolment (the apprentice in that school year), a number on
the assessment's scale or a special value (ABS, EXC, ATT). Every change is audited (who, the
old and the new value, when: simple-history), and each cell carries a version so that two
people on the same grid never overwrite each other."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation import computation
from evaluation.enums import SpecialGrade


class EnteredValue(models.Model):
    """A grade as entered: a number on its scale or a special value; versioned and audited."""

    value = models.DecimalField(
        _("grade"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    special = models.CharField(
        _("special value"), max_length=3, choices=SpecialGrade.choices, blank=True, default=""
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def entered(self) -> computation.Grade:
        """What the computation reads: a Decimal, a special value, or None (not entered)."""
        if self.special:
            return computation.Special(self.special)
        return None if self.value is None else Decimal(self.value)

    @property
    def shown(self) -> str:
        return computation.display(self.entered)

    def set_entered(self, entered: computation.Grade) -> None:
        if isinstance(entered, computation.Special):
            self.value, self.special = None, str(entered)
        else:
            self.value, self.special = (Decimal(entered) if entered is not None else None), ""


class Grade(EnteredValue):
    """A module assessment's grade of one apprentice."""

    assessment = models.ForeignKey(
        "evaluation.Assessment", verbose_name=_("assessment"), on_delete=models.PROTECT, related_name="grades"
    )
    enrolment = models.ForeignKey(
        "apprentissage.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="grades",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grade")
        verbose_name_plural = _("grades")
        ordering = ["assessment_id", "enrolment_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "enrolment"], name="one_grade_per_assessment"),
            models.CheckConstraint(
                condition=models.Q(special="") | models.Q(value__isnull=True), name="grade_value_or_special"
            ),
        ]

    def __str__(self):
        return f"{self.assessment} — {self.enrolment.apprenticeship}: {self.shown}"


class ComponentGrade(EnteredValue):
    """A grade of a component of the Unité Entreprise (a report, the project, the professional
    behaviour) of one apprentice, with the grader's comment. The project's is the jury's agreed
    score; the behaviour's is the company tutor's alone."""

    component = models.ForeignKey(
        "evaluation.UnitComponent",
        verbose_name=_("component"),
        on_delete=models.PROTECT,
        related_name="grades",
    )
    enrolment = models.ForeignKey(
        "apprentissage.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="component_grades",
    )
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Unité Entreprise grade")
        verbose_name_plural = _("Unité Entreprise grades")
        ordering = ["component_id", "enrolment_id"]
        constraints = [
            models.UniqueConstraint(fields=["component", "enrolment"], name="one_grade_per_component"),
            models.CheckConstraint(
                condition=models.Q(special="") | models.Q(value__isnull=True),
                name="component_grade_value_or_special",
            ),
        ]

    def __str__(self):
        return f"{self.component} — {self.enrolment.apprenticeship}: {self.shown}"
