"""What is planned each year: the missions and project description (validated by the option
lead), the project subject and its dossier de validation, and the dates they are due by."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.drafts import SubmittedVersion, VersionedDraft
from apprentissage.enums import StudyYear
from apprentissage.signatures import FrozenDocument
from lea.enums import Confidentiality, DeadlineKind, PlanState, ProjectState
from recruitment.enums import ExpectedLevel, MissionFamily


class Deadline(models.Model):
    """A date set by scolarité for a school year and study year (defaults: settings
    LEA_MISSIONS_DUE and LEA_SUBJECT_DUE, see `lea.deadlines.due_date`)."""

    school_year = models.ForeignKey(
        "apprentissage.SchoolYear", verbose_name=_("school year"), on_delete=models.CASCADE, related_name="+"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    kind = models.CharField(_("what"), max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField(_("due on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("follow-up deadline")
        verbose_name_plural = _("follow-up deadlines")
        ordering = ["school_year", "study_year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "study_year", "kind"], name="one_deadline_per_year_and_kind"
            )
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} — {self.school_year} {self.get_study_year_display()}: {self.due_on}"
        )


class YearlyPlan(VersionedDraft):
    """The missions and company project the apprentice and the company tutor describe for a
    school year, at the level the study year expects; validated by the option lead."""

    apprenticeship = models.ForeignKey(
        "apprentissage.Apprenticeship",
        verbose_name=_("apprenticeship"),
        on_delete=models.PROTECT,
        related_name="yearly_plans",
    )
    school_year = models.ForeignKey(
        "apprentissage.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    state = models.CharField(_("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    missions = models.TextField(_("missions for the year"), max_length=6000, blank=True)
    family = models.CharField(_("mission family"), max_length=20, choices=MissionFamily.choices, blank=True)
    level = models.CharField(_("expected level"), max_length=20, choices=ExpectedLevel.choices, blank=True)
    technical_share = models.PositiveSmallIntegerField(
        _("technical share (%)"), null=True, blank=True
    )  # the managerial share is the rest
    company_project = models.TextField(_("company project"), max_length=6000, blank=True)
    history = HistoricalRecords()

    CONTENT_FIELDS = ("missions", "family", "level", "technical_share", "company_project")

    class Meta:
        verbose_name = _("yearly missions and project description")
        verbose_name_plural = _("yearly missions and project descriptions")
        ordering = ["apprenticeship_id", "school_year_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "school_year"], name="one_plan_per_school_year"
            ),
            models.CheckConstraint(
                condition=models.Q(technical_share__lte=100), name="plan_technical_share_at_most_100"
            ),
        ]

    def __str__(self):
        return _("Missions %(year)s of %(person)s") % {
            "year": self.school_year,
            "person": self.apprenticeship.apprentice,
        }

    def content(self) -> dict:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}

    def ensure_editable(self) -> None:
        if self.state not in (PlanState.DRAFT, PlanState.RETURNED):
            raise FrozenDocument(
                _("The description is with the option lead or validated: it can no longer be changed.")
            )


class YearlyPlanVersion(SubmittedVersion):
    plan = models.ForeignKey(YearlyPlan, on_delete=models.PROTECT, related_name="versions")

    class Meta:
        verbose_name = _("yearly description version")
        verbose_name_plural = _("yearly description versions")
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version")]

    def __str__(self):
        return f"{self.plan} v{self.number}"


class ProjectDossier(VersionedDraft):
    """The year's company project: its subject and its dossier de validation, filled by the
    apprentice, completed and endorsed (signed) by the company tutor, validated by the school
    tutor. Evaluation grades the project."""

    apprenticeship = models.ForeignKey(
        "apprentissage.Apprenticeship",
        verbose_name=_("apprenticeship"),
        on_delete=models.PROTECT,
        related_name="project_dossiers",
    )
    school_year = models.ForeignKey(
        "apprentissage.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=ProjectState.choices, default=ProjectState.DRAFT
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("subject proposed at"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    context = models.TextField(_("company context"), max_length=6000, blank=True)
    problem = models.TextField(_("problem"), max_length=6000, blank=True)
    objectives = models.TextField(_("objectives"), max_length=6000, blank=True)
    indicators = models.TextField(_("indicators"), max_length=6000, blank=True)
    approach = models.TextField(_("approach"), max_length=6000, blank=True)
    schedule = models.TextField(_("schedule"), max_length=6000, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"), max_length=20, choices=Confidentiality.choices, default=Confidentiality.PUBLIC
    )
    tutor_remarks = models.TextField(_("company tutor's remarks"), max_length=6000, blank=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    history = HistoricalRecords()

    APPRENTICE_FIELDS = (
        "title",
        "context",
        "problem",
        "objectives",
        "indicators",
        "approach",
        "schedule",
        "confidentiality",
    )
    TUTOR_FIELDS = ("tutor_remarks",)

    class Meta:
        verbose_name = _("project and dossier de validation")
        verbose_name_plural = _("projects and dossiers de validation")
        ordering = ["apprenticeship_id", "school_year_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "school_year"], name="one_project_per_school_year"
            )
        ]

    def __str__(self):
        return _("Project %(year)s of %(person)s") % {
            "year": self.school_year,
            "person": self.apprenticeship.apprentice,
        }

    def content(self) -> dict:
        return {name: getattr(self, name) for name in (*self.APPRENTICE_FIELDS, *self.TUTOR_FIELDS)}

    def ensure_editable(self) -> None:
        """Written while a draft or with the company tutor; frozen once endorsed (signed)."""
        if self.state not in (ProjectState.DRAFT, ProjectState.RETURNED, ProjectState.SUBMITTED):
            raise FrozenDocument(_("The dossier has been endorsed: it can no longer be changed."))
        super().ensure_editable()

    def signed_content(self) -> dict:
        return {"document": "project_dossier", "apprenticeship": self.apprenticeship_id, **self.content()}


class ProjectDossierVersion(SubmittedVersion):
    dossier = models.ForeignKey(ProjectDossier, on_delete=models.PROTECT, related_name="versions")

    class Meta:
        verbose_name = _("dossier de validation version")
        verbose_name_plural = _("dossier de validation versions")
        ordering = ["dossier", "-number"]
        constraints = [models.UniqueConstraint(fields=["dossier", "number"], name="unique_project_version")]

    def __str__(self):
        return f"{self.dossier} v{self.number}"


def default_due_date(kind: str, school_year) -> datetime.date:
    month, day = settings.LEA_MISSIONS_DUE if kind == DeadlineKind.MISSIONS else settings.LEA_SUBJECT_DUE
    year = school_year.start_year if month >= 9 else school_year.start_year + 1
    return datetime.date(year, month, day)
