from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from rules.contrib.models import RulesModel
from simple_history.models import HistoricalRecords

from apprentissage import rules as access
from apprentissage.enums import ApprenticeshipStatus, StudyYear

from .academics import Cohort, Option, SchoolYear
from .companies import Company


class ApprenticeshipQuerySet(models.QuerySet):
    def with_people(self):
        return self.select_related(
            "apprentice", "company", "company_tutor", "school_tutor", "option", "option__lead", "cohort"
        )

    def in_study_year(self, study_year: int, school_year: SchoolYear):
        """Enrolled in `study_year` in `school_year` (whatever their cohort: a repeated year or
        a direct entry into 2A counts where it is)."""
        # One enrolment per school year: the join adds no duplicate row.
        return self.filter(enrolments__school_year=school_year, enrolments__study_year=study_year)

    def with_enrolments(self):
        """Prefetch every enrolment (a handful per apprenticeship), so that `study_year_in`
        answers without a query for each apprenticeship of a list: one query for the list."""
        return self.prefetch_related("enrolments")

    def current(self):
        return self.filter(status__in=[ApprenticeshipStatus.PENDING, ApprenticeshipStatus.ACTIVE])


class Apprenticeship(RulesModel):
    """The centre of the portal: one apprentice, employed by one company, followed by tutors.

    Every later document (recruitment dossier, fiches de liaison, grades) hangs off it.
    """

    apprentice = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("apprentice"),
        on_delete=models.PROTECT,
        related_name="apprenticeships",
    )
    company = models.ForeignKey(
        Company, verbose_name=_("company"), on_delete=models.PROTECT, related_name="apprenticeships"
    )
    company_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("company tutor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tutored_apprenticeships",
    )
    school_tutor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("school tutor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="school_tutored_apprenticeships",
    )
    option = models.ForeignKey(
        Option, verbose_name=_("option"), on_delete=models.PROTECT, related_name="apprenticeships"
    )
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT, related_name="apprenticeships"
    )
    contract_start = models.DateField(_("contract start"))
    contract_end = models.DateField(_("contract end"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ApprenticeshipStatus.choices,
        default=ApprenticeshipStatus.PENDING,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = ApprenticeshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("apprenticeship")
        verbose_name_plural = _("apprenticeships")
        ordering = ["apprentice__last_name", "apprentice__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contract_end__gt=models.F("contract_start")),
                name="apprenticeship_contract_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["apprentice"],
                condition=models.Q(status__in=["pending", "active"]),
                name="one_current_apprenticeship_per_apprentice",
            ),
        ]
        rules_permissions = {
            "view": access.can_view_apprenticeship,
            # IT administrators (`is_admin`) too: superusers pass `rules` only where it says so.
            "change": access.can_manage,
            "add": access.can_manage,
            "delete": access.is_admin,  # nobody in the portal; IT in the Django admin
        }

    def __str__(self):
        return f"{self.apprentice} — {self.company}"

    def clean(self):
        if self.contract_start and self.contract_end and self.contract_end <= self.contract_start:
            raise ValidationError({"contract_end": _("The contract must end after it starts.")})
        if self.company_tutor_id and self.apprentice_id == self.company_tutor_id:
            raise ValidationError({"company_tutor": _("An apprentice cannot be their own tutor.")})

    def study_year_in(self, school_year: SchoolYear | None) -> StudyYear | None:
        """The study year of the apprentice's enrolment in `school_year` (None: not enrolled).
        Reads prefetched enrolments (`with_enrolments()`) when there are; otherwise one query
        per school year, kept on the instance."""
        enrolment = self.enrolment_in(school_year)
        return StudyYear(enrolment.study_year) if enrolment else None

    def enrolment_in(self, school_year: SchoolYear | None):
        if school_year is None:
            return None
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("enrolments")
        if prefetched is not None:
            return next((e for e in prefetched if e.school_year_id == school_year.pk), None)
        cache = self.__dict__.setdefault("_enrolment_cache", {})
        if school_year.pk not in cache:
            cache[school_year.pk] = self.enrolments.filter(school_year=school_year).first()
        return cache[school_year.pk]

    def forget_enrolments(self) -> None:
        """Drop what `enrolment_in` kept (after an enrolment was written)."""
        self.__dict__.pop("_enrolment_cache", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("enrolments", None)
