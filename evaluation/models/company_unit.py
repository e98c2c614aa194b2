"""The Unité Entreprise graded online: the reports the apprentice uploads (graded by the school
tutor), the rubric scorings of the project (each jury member's and the agreed one) and of the
professional behaviour (the company tutor's alone, signed), and the defences (soutenances).

A component's grade itself is a ComponentGrade (evaluation.models.grades): the report's is the
school tutor's, the project's the jury's agreed total, the behaviour's the signed total."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation.enums import DefenceState, ScorerRole


class ReportFile(models.Model):
    """One upload of a report (PDF) for a component; a new upload replaces the previous one
    as the current file, which is kept (never deleted). Downloaded only through a
    permission-checked view."""

    enrolment = models.ForeignKey(
        "apprentissage.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    component = models.ForeignKey(
        "evaluation.UnitComponent",
        verbose_name=_("component"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    file = models.FileField(_("file"), upload_to="evaluation/reports/%Y/")
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(_("uploaded after the deadline"), default=False)
    current = models.BooleanField(_("current file"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        ordering = ["enrolment_id", "component_id", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "component"], condition=models.Q(current=True), name="one_current_report"
            )
        ]

    def __str__(self):
        return f"{self.component.title} — {self.enrolment.apprenticeship}"


class RubricScoring(models.Model):
    """Points per criterion of a component's rubric (UnitComponent.rubric) given by one scorer:
    a project jury member, the jury's agreed scoring, or the company tutor for the behaviour.
    Each is kept (individual and agreed). Submitted scorings are read-only; the behaviour's is
    signed (apprentissage.signatures) and frozen by its signature."""

    enrolment = models.ForeignKey(
        "apprentissage.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="scorings",
    )
    component = models.ForeignKey(
        "evaluation.UnitComponent",
        verbose_name=_("component"),
        on_delete=models.PROTECT,
        related_name="scorings",
    )
    role = models.CharField(_("as"), max_length=20, choices=ScorerRole.choices)
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scorer"), on_delete=models.PROTECT, related_name="+"
    )
    points = models.JSONField(_("points per criterion"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=4000)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rubric scoring")
        verbose_name_plural = _("rubric scorings")
        ordering = ["enrolment_id", "component_id", "role"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "component", "role"], name="one_scoring_per_role")
        ]

    def __str__(self):
        return f"{self.component.title} — {self.enrolment.apprenticeship} ({self.get_role_display()})"

    def signed_content(self) -> dict:
        """What the company tutor's signature covers (the behaviour's scoring)."""
        return {
            "enrolment": self.enrolment_id,
            "component": self.component.code,
            "school_year": str(self.component.unit.programme.school_year),
            "points": {key: str(value) for key, value in sorted(self.points.items())},
            "comment": self.comment,
        }


class Defence(models.Model):
    """A soutenance: when and where (a room or a video link), the apprentice and the jury
    (company tutor, school tutor, option lead); scheduled by scolarité in a defence week."""

    enrolment = models.ForeignKey(
        "apprentissage.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="defences",
    )
    component = models.ForeignKey(
        "evaluation.UnitComponent",
        verbose_name=_("component"),
        on_delete=models.PROTECT,
        related_name="defences",
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    room = models.CharField(_("room"), max_length=120, blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    company_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("company tutor"), on_delete=models.PROTECT, related_name="+"
    )
    school_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("school tutor"), on_delete=models.PROTECT, related_name="+"
    )
    option_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("option lead"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=DefenceState.choices, default=DefenceState.SCHEDULED
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("defence")
        verbose_name_plural = _("defences")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="defence_ends_after"
            )
        ]

    def __str__(self):
        return f"{self.enrolment.apprenticeship} — {self.starts_at:%d/%m/%Y %H:%M}"

    @property
    def jury(self) -> list:
        return [self.company_tutor, self.school_tutor, self.option_lead]
