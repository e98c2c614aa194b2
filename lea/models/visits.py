import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.drafts import VersionedDraft
from lea.enums import ActionOwner, RiskStatus, VisitMode, VisitState

# The report's fields (PRACTICE.md §3), in the order of the form and the PDF.
REPORT_FIELDS = (
    "missions_fit",
    "working_conditions",
    "integration",
    "progress",
    "competencies_apprentice_view",
    "competencies_tutor_view",
    "project_status",
    "mobility_and_english",
    "risk",
    "risk_reason",
    "overall_assessment",
    "next_visit_on",
)


class Visit(VersionedDraft):
    """A company visit (fiche de visite entreprise): planned by the school tutor, who then
    writes and signs its report; the apprentice and the company tutor read and annotate it."""

    apprenticeship = models.ForeignKey(
        "apprentissage.Apprenticeship",
        verbose_name=_("apprenticeship"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    school_year = models.ForeignKey(
        "apprentissage.SchoolYear", verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=VisitState.choices, default=VisitState.PLANNED
    )
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    starts_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=90)
    mode = models.CharField(_("mode"), max_length=10, choices=VisitMode.choices, default=VisitMode.ON_SITE)
    location = models.CharField(_("place or link"), max_length=300, blank=True)
    attendees = models.CharField(_("people present"), max_length=500, blank=True)
    # Raised at each change of date or place, so calendars update the invitation (iCalendar SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)

    # The report
    missions_fit = models.TextField(
        _("fit of the job and missions with the training"), max_length=4000, blank=True
    )
    working_conditions = models.TextField(
        _("working conditions, health and safety"), max_length=4000, blank=True
    )
    integration = models.TextField(_("integration in the company"), max_length=4000, blank=True)
    progress = models.TextField(_("progress since the last visit"), max_length=4000, blank=True)
    competencies_apprentice_view = models.TextField(
        _("competencies as seen by the apprentice"), max_length=4000, blank=True
    )
    competencies_tutor_view = models.TextField(
        _("competencies as seen by the company tutor"), max_length=4000, blank=True
    )
    project_status = models.TextField(
        _("company project (subject, objectives, indicators)"), max_length=4000, blank=True
    )
    mobility_and_english = models.TextField(_("stay abroad and English plans"), max_length=4000, blank=True)
    risk = models.CharField(_("risk status"), max_length=10, choices=RiskStatus.choices, blank=True)
    risk_reason = models.TextField(_("reason for the risk status"), max_length=4000, blank=True)
    overall_assessment = models.TextField(_("overall assessment"), max_length=4000, blank=True)
    next_visit_on = models.DateField(_("next visit (around)"), null=True, blank=True)
    reported_at = models.DateTimeField(_("report signed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company visit")
        verbose_name_plural = _("company visits")
        ordering = ["apprenticeship_id", "starts_at", "pk"]
        indexes = [models.Index(fields=["state", "starts_at"])]

    def __str__(self):
        return _("Company visit of %(person)s on %(date)s") % {
            "person": self.apprenticeship.apprentice,
            "date": self.starts_at.date(),
        }

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.duration_minutes)

    def report(self) -> dict:
        return {name: getattr(self, name) for name in REPORT_FIELDS}

    def signed_content(self) -> dict:
        return {
            "apprenticeship": self.apprenticeship_id,
            # In UTC: a form gives Paris time, the database gives UTC; the hash must not differ.
            "starts_at": self.starts_at.astimezone(datetime.UTC).isoformat(),
            "mode": self.mode,
            "attendees": self.attendees,
            **self.report(),
            "actions": [
                [a.description, a.owner_role, a.due_on.isoformat()] for a in self.actions.order_by("pk")
            ],
        }


class VisitAction(models.Model):
    """An action agreed at a visit: a to-do of its owner until marked done."""

    visit = models.ForeignKey(
        Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="actions"
    )
    description = models.CharField(_("action"), max_length=500)
    owner_role = models.CharField(_("who"), max_length=20, choices=ActionOwner.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="visit_actions",
    )
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("agreed action")
        verbose_name_plural = _("agreed actions")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["owner", "done_at"])]

    def __str__(self):
        return self.description


class VisitComment(models.Model):
    """The apprentice's or the company tutor's annotation of a signed report (the report
    itself does not change)."""

    visit = models.ForeignKey(Visit, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment on a visit report")
        verbose_name_plural = _("comments on visit reports")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.author}: {self.body[:40]}"
