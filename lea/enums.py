"""Choices of the LEA (the electronic apprenticeship booklet)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CompetencyLevel(models.IntegerChoices):
    """The 4-level scale of French liaison booklets (PRACTICE.md §2)."""

    NOT_ADDRESSED = 0, _("Not addressed")
    BEGINNER = 1, _("Beginner")
    PROGRESSING = 2, _("Progressing")
    AUTONOMOUS = 3, _("Autonomous")


class BehaviourCriterion(models.TextChoices):
    """Professional behaviour, rated by the company tutor 0–4 or "not observed"."""

    INTEGRATION = "integration", _("Integration in the team")
    INITIATIVE = "initiative", _("Initiative")
    ADAPTABILITY = "adaptability", _("Adaptability")
    RIGOUR = "rigour", _("Rigour and quality of work")
    DEADLINES = "deadlines", _("Meeting deadlines")
    COMMUNICATION = "communication", _("Communication")


BEHAVIOUR_SCALE_MAX = 4


class FicheState(models.TextChoices):
    DRAFT = "draft", _("Being filled in by the apprentice")
    RETURNED = "returned", _("Sent back to the apprentice")
    SUBMITTED = "submitted", _("With the company tutor")
    COUNTERSIGNED = "countersigned", _("Countersigned by the company tutor")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged by the school tutor")
    CANCELLED = "cancelled", _("Cancelled")

    @classmethod
    def with_apprentice(cls):
        return [cls.DRAFT, cls.RETURNED]

    @classmethod
    def done(cls):
        return [cls.COUNTERSIGNED, cls.ACKNOWLEDGED]


class TutorAgreement(models.TextChoices):
    AGREE = "agree", _("I agree with the apprentice's account")
    CORRECTIONS = "corrections", _("I agree, with corrections")


class VisitMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone")


class VisitState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REPORTED = "reported", _("Report signed")
    CANCELLED = "cancelled", _("Cancelled")


class RiskStatus(models.TextChoices):
    """Drop-out prevention (PRACTICE.md §3): shown with its word, never by colour alone."""

    GREEN = "green", _("Green: on track")
    AMBER = "amber", _("Amber: to watch")
    RED = "red", _("Red: at risk")


class ActionOwner(models.TextChoices):
    APPRENTICE = "apprentice", pgettext_lazy("role", "Apprentice")
    COMPANY_TUTOR = "company_tutor", _("Company tutor")
    SCHOOL_TUTOR = "school_tutor", _("School tutor")


class PlanState(models.TextChoices):
    """A yearly missions description (draft → submitted → validated or sent back)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("With the option lead")
    VALIDATED = "validated", _("Validated")
    RETURNED = "returned", _("Sent back with remarks")


class ProjectState(models.TextChoices):
    """The project subject and its dossier de validation."""

    DRAFT = "draft", _("Being written by the apprentice")
    SUBMITTED = "submitted", _("With the company tutor")
    ENDORSED = "endorsed", _("Endorsed by the company tutor")
    VALIDATED = "validated", _("Validated by the school tutor")
    RETURNED = "returned", _("Sent back to the apprentice")


class Confidentiality(models.TextChoices):
    PUBLIC = "public", _("Not confidential")
    CONFIDENTIAL = "confidential", _("Confidential (jury only)")


class DeadlineKind(models.TextChoices):
    MISSIONS = "missions", _("Yearly missions description validated")
    SUBJECT = "subject", _("Project subject proposed")


class ReminderStep(models.TextChoices):
    """The cadence of PRACTICE.md §2: reminders, then escalation; or a person's click."""

    FIRST = "first", _("First reminder")
    SECOND = "second", _("Second reminder")
    SCHOOL_TUTOR = "school_tutor", _("Escalated to the school tutor")
    SCOLARITE = "scolarite", _("Escalated to the registrar's office")
    MANUAL = "manual", _("Reminder sent by hand")
