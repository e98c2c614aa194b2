"""The alternance calendar: for each school year and study year (and optionally an
option overriding it), what each week is; the TAPE remote-learning sessions; who
followed them; and the secret addresses of calendar feeds."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.enums import StudyYear
from apprentissage.models import Apprenticeship, Option, SchoolYear

from .enums import TAPE_SESSION_HOURS, WeekKind


class CalendarWeek(models.Model):
    """One week of one study year's calendar. `option` empty: the common calendar; set:
    that option's override of the week (its apprentices follow it instead)."""

    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.CASCADE, related_name="calendar_weeks"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    option = models.ForeignKey(
        Option,
        verbose_name=_("option"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        help_text=_("Empty for the calendar of every option."),
    )
    monday = models.DateField(_("Monday"))
    kind = models.CharField(_("kind of week"), max_length=20, choices=WeekKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("calendar week")
        verbose_name_plural = _("calendar weeks")
        ordering = ["school_year", "study_year", "monday"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "study_year", "monday"],
                condition=models.Q(option=None),
                name="one_common_week",
            ),
            models.UniqueConstraint(
                fields=["school_year", "study_year", "option", "monday"], name="one_option_week"
            ),
        ]
        indexes = [models.Index(fields=["school_year", "study_year", "monday"])]

    def __str__(self):
        return f"{self.school_year} {self.study_year}A S{self.iso_week}: {self.get_kind_display()}"

    @property
    def iso_week(self) -> int:
        return self.monday.isocalendar()[1]

    @property
    def is_at_school(self) -> bool:
        return self.kind in WeekKind.at_school()

    def clean(self):
        if self.monday and self.monday.weekday() != 0:
            raise ValidationError({"monday": _("A calendar week starts on a Monday.")})


class CalendarEdit(models.Model):
    """One action of scolarité on a calendar (a range set, an import), kept to be undone."""

    school_year = models.ForeignKey(SchoolYear, on_delete=models.CASCADE, related_name="calendar_edits")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    made_at = models.DateTimeField(default=timezone.now)
    description = models.CharField(max_length=255)
    # What the weeks were before: [{"study_year", "option", "monday", "kind" (None: absent)}]
    previous = models.JSONField(default=list)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar change")
        verbose_name_plural = _("calendar changes")
        ordering = ["-made_at", "-pk"]

    def __str__(self):
        return self.description


class TapeSession(models.Model):
    """A supervised remote-learning session (TAPE) of 3.5 h, in a company week."""

    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.CASCADE, related_name="tape_sessions"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("TAPE session")
        verbose_name_plural = _("TAPE sessions")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="tape_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["school_year", "study_year", "starts_at"], name="one_tape_session_at_a_time"
            ),
        ]

    def __str__(self):
        when = date_format(timezone.localtime(self.starts_at), "SHORT_DATETIME_FORMAT")
        return f"TAPE {self.study_year}A {when}"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600

    DEFAULT_HOURS = TAPE_SESSION_HOURS


class TapeAttendance(models.Model):
    """The apprentice says whether they followed a session (and why not)."""

    session = models.ForeignKey(TapeSession, on_delete=models.CASCADE, related_name="attendances")
    apprenticeship = models.ForeignKey(
        Apprenticeship, on_delete=models.CASCADE, related_name="tape_attendances"
    )
    followed = models.BooleanField(_("followed"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("TAPE attendance")
        verbose_name_plural = _("TAPE attendances")
        constraints = [
            models.UniqueConstraint(fields=["session", "apprenticeship"], name="one_answer_per_session")
        ]

    def __str__(self):
        return f"{self.apprenticeship}: {self.session} ({'✔' if self.followed else '✘'})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A secret, revocable address where a calendar program reads someone's calendar."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.user} ({'revoked' if self.revoked_at else 'active'})"
