import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.drafts import VersionedDraft
from apprentissage.enums import StudyYear
from lea.enums import FicheState, TutorAgreement

# Fields of each party's section; what the signature covers is both.
APPRENTICE_FIELDS = (
    "activities",
    "self_ratings",
    "difficulties",
    "support_needed",
    "project_progress",
    "next_objectives",
)
TUTOR_FIELDS = (
    "tutor_agreement",
    "tutor_corrections",
    "tutor_ratings",
    "behaviour_ratings",
    "tutor_objectives",
    "concern",
    "concern_reason",
    "tutor_comment",
)


class FicheQuerySet(models.QuerySet):
    def live(self):
        return self.exclude(state=FicheState.CANCELLED)

    def with_people(self):
        return self.select_related(
            "apprenticeship__apprentice",
            "apprenticeship__company",
            "apprenticeship__company_tutor",
            "apprenticeship__school_tutor",
            "apprenticeship__option",
            "school_year",
        )


class Fiche(VersionedDraft):
    """A fiche de liaison: one per company period, due at the return to school that ends it.

    Created by the portal from the calendar (`lea.fiches.sync_fiches`); while nobody has
    written in it (`is_started` False) its dates follow the calendar. The apprentice fills
    their section, the company tutor completes and countersigns it (the signature freezes
    both sections), the school tutor acknowledges it."""

    apprenticeship = models.ForeignKey(
        "apprentissage.Apprenticeship",
        verbose_name=_("apprenticeship"),
        on_delete=models.PROTECT,
        related_name="fiches",
    )
    school_year = models.ForeignKey(
        "apprentissage.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    number = models.PositiveSmallIntegerField(_("period number"))  # 1st, 2nd… company period of the year
    period_start = models.DateField(_("company period from"))
    period_end = models.DateField(_("company period to"))
    return_on = models.DateField(_("return to school"))
    due_on = models.DateField(_("apprentice's part due on"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    tutor_due_on = models.DateField(_("company tutor's part due on"), null=True, blank=True)
    countersigned_at = models.DateTimeField(_("countersigned at"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=20, choices=FicheState.choices, default=FicheState.DRAFT)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    # The competency framework the fiche is filled with: [{"code", "label", "block"}], frozen.
    framework = models.JSONField(_("competency framework"), default=list, blank=True)

    # The apprentice's section
    activities = models.JSONField(
        _("activities and missions"), default=list, blank=True
    )  # [{"description": str, "share": int (% of time)}]
    self_ratings = models.JSONField(_("competencies, self-rated"), default=dict, blank=True)  # code → level
    difficulties = models.TextField(_("difficulties met"), max_length=4000, blank=True)
    support_needed = models.TextField(_("support needed"), max_length=4000, blank=True)
    project_progress = models.TextField(_("progress of the company project"), max_length=4000, blank=True)
    next_objectives = models.TextField(_("objectives for the next period"), max_length=4000, blank=True)

    # The company tutor's section
    tutor_agreement = models.CharField(
        _("the apprentice's account"), max_length=20, choices=TutorAgreement.choices, blank=True
    )
    tutor_corrections = models.TextField(_("corrections"), max_length=4000, blank=True)
    tutor_ratings = models.JSONField(_("competencies, rated by the tutor"), default=dict, blank=True)
    behaviour_ratings = models.JSONField(
        _("professional behaviour"), default=dict, blank=True
    )  # criterion → 0..4 or None (not observed)
    tutor_objectives = models.TextField(_("objectives for the next period"), max_length=4000, blank=True)
    concern = models.BooleanField(_("I have a concern"), default=False)
    concern_reason = models.TextField(_("reason for the concern"), max_length=4000, blank=True)
    tutor_comment = models.TextField(_("comment"), max_length=4000, blank=True)
    # When the school tutor was told of the concern (told once, at once: lea.fiche_effects)
    concern_told_at = models.DateTimeField(_("concern told to the school tutor at"), null=True, blank=True)

    # The school tutor's acknowledgement
    school_comment = models.TextField(_("school tutor's comment"), max_length=4000, blank=True)

    history = HistoricalRecords()
    objects = FicheQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche de liaison")
        verbose_name_plural = _("fiches de liaison")
        ordering = ["apprenticeship_id", "return_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["apprenticeship", "school_year", "number"],
                condition=~models.Q(state="cancelled"),
                name="one_live_fiche_per_company_period",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="fiche_period_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["state", "due_on"]), models.Index(fields=["state", "tutor_due_on"])]

    def __str__(self):
        return _("Fiche de liaison %(number)s (%(year)s) of %(person)s") % {
            "number": self.number,
            "year": self.school_year,
            "person": self.apprenticeship.apprentice,
        }

    @property
    def is_started(self) -> bool:
        """Someone wrote in it or acted on it: its dates no longer follow the calendar."""
        return self.version > 1 or self.state != FicheState.DRAFT

    def late_since(self, today: datetime.date) -> datetime.date | None:
        """The due date the party who acts now has missed (None: nobody is late)."""
        if self.state in FicheState.with_apprentice() and self.due_on < today:
            return self.due_on
        if self.state == FicheState.SUBMITTED and self.tutor_due_on and self.tutor_due_on < today:
            return self.tutor_due_on
        return None

    def apprentice_section(self) -> dict:
        return {name: getattr(self, name) for name in APPRENTICE_FIELDS}

    def tutor_section(self) -> dict:
        return {name: getattr(self, name) for name in TUTOR_FIELDS}

    def signed_content(self) -> dict:
        return {
            "apprenticeship": self.apprenticeship_id,
            "period": [self.period_start.isoformat(), self.period_end.isoformat()],
            "framework": self.framework,
            **self.apprentice_section(),
            **self.tutor_section(),
        }

    def clean(self):
        if self.concern and not self.concern_reason.strip():
            raise ValidationError({"concern_reason": _("Say what the concern is about.")})
