"""The project subject and its dossier de validation: what it needs before it is proposed,
its due date, its endorsement, and the reads of its pages."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage.signatures import signatures_of, valid_signature

from .deadlines import due_date
from .enums import DeadlineKind
from .models import ProjectDossier
from .rules import follow_up_q

# What the company tutor's online signature endorses (the Signature's purpose).
ENDORSEMENT_PURPOSE = "company_tutor"  # signed as


def visible_projects(user) -> QuerySet[ProjectDossier]:
    """The project dossiers `user` reads as a follow-up party (not a mere company contact)."""
    q = follow_up_q(user)
    if q is None:
        return ProjectDossier.objects.none()
    return ProjectDossier.objects.filter(q).select_related(
        "apprenticeship__apprentice",
        "apprenticeship__company",
        "apprenticeship__company_tutor",
        "apprenticeship__school_tutor",
        "apprenticeship__option",
        "school_year",
    )


def missing_fields(project: ProjectDossier) -> list[str]:
    """The labels of the apprentice's fields still empty (every one is needed to submit)."""
    return [
        str(ProjectDossier._meta.get_field(name).verbose_name)
        for name in ProjectDossier.APPRENTICE_FIELDS
        if not str(getattr(project, name) or "").strip()
    ]


def project_is_complete(project: ProjectDossier) -> str | None:
    missing = missing_fields(project)
    if missing:
        return _("The dossier is incomplete: %(fields)s.") % {"fields": ", ".join(missing)}
    return None


def subject_due_date(project: ProjectDossier) -> datetime.date:
    return due_date(DeadlineKind.SUBJECT, project.school_year, project.study_year)


def subject_is_late(project: ProjectDossier, due: datetime.date) -> bool:
    """The subject is late while it has not been proposed (submitted) after its due date."""
    return project.submitted_at is None and timezone.localdate() > due


def endorsement(project: ProjectDossier):
    """The company tutor's valid endorsement signature, if any."""
    return valid_signature(project)


def endorsements(project: ProjectDossier) -> list:
    """Every endorsement, voided ones too (a school tutor's sending back voids it, kept)."""
    return list(signatures_of(project).order_by("signed_at", "pk"))
