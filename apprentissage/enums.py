"""Choices shared across the portal."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StaffRole(models.TextChoices):
    """Roles held through a group (membership is data, managed by scolarité and IT)."""

    SCOLARITE = "scolarite", _("Registrar's office (scolarité)")
    MIDISUP = "midisup", _("MidiSup")
    SCHOOL_TUTOR = "school_tutor", _("School tutor")
    MODULE_TEACHER = "module_teacher", _("Module teacher")


class Role(models.TextChoices):
    """Every role a person can hold; most are derived from their links to apprenticeships."""

    CANDIDATE = "candidate", pgettext_lazy("role", "Admitted candidate")
    APPRENTICE = "apprentice", pgettext_lazy("role", "Apprentice")
    COMPANY_CONTACT = "company_contact", _("Company contact")
    COMPANY_TUTOR = "company_tutor", _("Company tutor")
    SCHOOL_TUTOR = "school_tutor", _("School tutor")
    OPTION_LEAD = "option_lead", _("Option lead")
    MODULE_TEACHER = "module_teacher", _("Module teacher")
    SCOLARITE = "scolarite", _("Registrar's office (scolarité)")
    MIDISUP = "midisup", _("MidiSup")
    ADMIN = "admin", _("Administrator")


class StudyYear(models.IntegerChoices):
    FIRST = 1, _("1st year (1A)")
    SECOND = 2, _("2nd year (2A)")
    THIRD = 3, _("3rd year (3A)")


class ApprenticeshipStatus(models.TextChoices):
    PENDING = "pending", _("Pending registration")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated early")


class EnrolmentStatus(models.TextChoices):
    """How an apprentice is enrolled in a school year (their study year is on the enrolment)."""

    ENROLLED = "enrolled", _("Enrolled")
    REPEATING = "repeating", _("Repeating the year")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left the program")
