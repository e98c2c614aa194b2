import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.enums import StudyYear


class Option(models.Model):
    """One of the four tracks (Énergies, GenIndus, Matériaux, PharmAgro)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("short name"), max_length=40)
    full_name = models.CharField(_("full name"), max_length=200)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("option lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_options",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["code"]  # "Énergies" first, as the school lists them

    def __str__(self):
        return self.name


def school_year_start(start_year: int) -> datetime.date:
    """The rentrée: Monday of ISO week 38 (15/09/2025 for 2025-2026)."""
    return datetime.date.fromisocalendar(start_year, 38, 1)


def school_year_end(start_year: int) -> datetime.date:
    """Friday of ISO week 39 of the next year (3A defences run until then)."""
    return datetime.date.fromisocalendar(start_year + 1, 39, 5)


class SchoolYearQuerySet(models.QuerySet):
    def current(self, today: datetime.date | None = None):
        """The latest school year that has started on `today` (years overlap in September)."""
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.filter(start_date__lte=today).order_by("-start_date").first()


class SchoolYear(models.Model):
    """A school year such as 2025-2026."""

    start_year = models.PositiveSmallIntegerField(_("start year"), unique=True)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))

    objects = SchoolYearQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        ordering = ["-start_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="school_year_ends_after_start",
            )
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.start_year}-{self.start_year + 1}"

    @classmethod
    def for_start_year(cls, start_year: int) -> "SchoolYear":
        year, _created = cls.objects.get_or_create(
            start_year=start_year,
            defaults={
                "start_date": school_year_start(start_year),
                "end_date": school_year_end(start_year),
            },
        )
        return year


class Cohort(models.Model):
    """A promotion, named by the school year its apprentices enter 1A.

    Its entry year gives the *nominal* study year of its apprentices in a school year, used to
    propose their enrolments; an apprentice's actual study year is on their `Enrolment`.
    """

    entry_year = models.PositiveSmallIntegerField(_("entry year"), unique=True)
    name = models.CharField(_("name"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-entry_year"]

    def __str__(self):
        return self.name or _("Cohort %(year)s") % {"year": f"{self.entry_year}-{self.entry_year + 1}"}

    def study_year_in(self, school_year: SchoolYear | int) -> StudyYear | None:
        """The nominal study year of the cohort in `school_year` (None outside its three years)."""
        start_year = school_year if isinstance(school_year, int) else school_year.start_year
        rank = start_year - self.entry_year + 1
        return StudyYear(rank) if rank in StudyYear.values else None

    @property
    def graduation_year(self) -> int:
        return self.entry_year + 3

    def clean(self):
        if self.entry_year and not 2000 <= self.entry_year <= 2100:
            raise ValidationError({"entry_year": _("Enter a plausible year.")})
