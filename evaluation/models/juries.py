"""Juries: a session per school year and study year (optionally per option), its members and
president; one decision per apprentice (proposed automatically for clear cases only, never
over a decision a person entered); the minutes (procès-verbal) when it closes; results hidden
until scolarité publishes them, all at once; transcripts (relevés de notes) with a
verification code."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.enums import StudyYear
from evaluation.enums import JuryState, Outcome, YearDecision


class JurySession(models.Model):
    school_year = models.ForeignKey(
        "apprentissage.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    option = models.ForeignKey(
        "apprentissage.Option",
        verbose_name=_("option"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: every option of the study year."),
    )
    meets_on = models.DateField(_("date"))
    president = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("president"), on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="jury_sessions"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=JuryState.choices, default=JuryState.PREPARING
    )
    override_reason = models.TextField(
        _("why deliberating with missing grades"),
        blank=True,
        help_text=_(
            "Recorded when the jury deliberates although the completeness check lists missing items."
        ),
    )
    deliberation_started_at = models.DateTimeField(_("deliberation started at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    minutes = models.FileField(_("minutes (PDF)"), upload_to="evaluation/minutes/%Y/", blank=True)
    minutes_sha256 = models.CharField(_("minutes SHA-256"), max_length=64, blank=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        verbose_name = _("jury session")
        verbose_name_plural = _("jury sessions")
        ordering = ["-school_year__start_year", "study_year", "option__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "study_year", "option"],
                name="one_jury_per_year_and_option",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        option = f" {self.option.name}" if self.option_id else ""
        return str(
            _("Jury %(study_year)s%(option)s %(year)s")
            % {"study_year": self.get_study_year_display(), "option": option, "year": self.school_year}
        )

    @property
    def locks_grades(self) -> bool:
        """Grades of this session's apprentices are locked once it has deliberated."""
        return self.state in (JuryState.CLOSED, JuryState.PUBLISHED)


class JuryDecision(models.Model):
    """The jury's decision on one apprentice's year, with the results it was taken on (a
    snapshot: averages, ECTS, each UE's code; later years read capitalised UEs from it)."""

    session = models.ForeignKey(
        JurySession, verbose_name=_("jury session"), on_delete=models.PROTECT, related_name="decisions"
    )
    enrolment = models.OneToOneField(
        "apprentissage.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="decision",
    )
    code = models.CharField(_("decision"), max_length=3, choices=YearDecision.choices, blank=True)
    automatic = models.BooleanField(
        _("proposed automatically"),
        default=False,
        help_text=_("False once a person entered or confirmed it."),
    )
    reason = models.TextField(_("reason"), blank=True, max_length=2000)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    snapshot = models.JSONField(_("results at decision time"), default=dict, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jury decision")
        verbose_name_plural = _("jury decisions")
        ordering = ["session_id", "enrolment_id"]

    def __str__(self):
        return f"{self.enrolment.apprenticeship}: {self.code or '—'}"


class Transcript(models.Model):
    """A relevé de notes of one apprentice's year, issued after publication. Its content is
    read live from the grades and the decision (`signed_content`): a grade changed after
    issue makes the old transcript's verification fail (apprentissage.signatures.verify)."""

    enrolment = models.ForeignKey(
        "apprentissage.Enrolment",
        verbose_name=_("enrolment"),
        on_delete=models.PROTECT,
        related_name="transcripts",
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to="evaluation/transcripts/%Y/", blank=True)
    sha256 = models.CharField(_("PDF SHA-256"), max_length=64, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("transcript")
        verbose_name_plural = _("transcripts")
        ordering = ["enrolment_id", "-issued_at"]

    def __str__(self):
        return str(
            _("Transcript of %(person)s, %(year)s")
            % {
                "person": self.enrolment.apprenticeship.apprentice,
                "year": self.enrolment.school_year,
            }
        )

    def signed_content(self) -> dict:
        """The transcript's content (evaluation.transcripts builds it from the database)."""
        from evaluation.transcripts import transcript_content

        return transcript_content(self.enrolment)
