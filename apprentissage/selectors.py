"""Reads, already filtered to what the user may see. List views start here."""

from django.db.models import Count, Q, QuerySet, prefetch_related_objects

from apprentissage import rules as access
from apprentissage.dashboard import app_roles_of
from apprentissage.enums import EnrolmentStatus, Role, StaffRole
from apprentissage.models import Apprenticeship, Enrolment, Option, SchoolYear, User


def visible_apprenticeships(user) -> QuerySet[Apprenticeship]:
    """Apprenticeships `user` may see: the same relationships as `can_view_apprenticeship`."""
    qs = Apprenticeship.objects.with_people()
    if not user or not user.is_authenticated:
        return qs.none()
    if access.is_program_staff(user):
        return qs
    return qs.filter(linked_to_q(user))


def linked_to_q(user) -> Q:
    return (
        Q(apprentice=user)
        | Q(company_tutor=user)
        | Q(school_tutor=user)
        | Q(option__lead=user)
        | Q(company_id__in=access.company_ids_of_contact(user))
    )


def followed_apprenticeships(user) -> QuerySet[Apprenticeship]:
    """The apprentices `user` follows personally (as tutor, option lead or company contact)."""
    if not user.is_authenticated:
        return Apprenticeship.objects.none()
    return (
        Apprenticeship.objects.with_people()
        .current()
        .filter(
            Q(company_tutor=user)
            | Q(school_tutor=user)
            | Q(option__lead=user)
            | Q(company_id__in=access.company_ids_of_contact(user))
        )
    )


def roles_of(user) -> list[Role]:
    """Every role `user` holds, in a stable order, in a constant number of queries."""
    if not user or not user.is_authenticated:
        return []
    links = Apprenticeship.objects.filter(
        Q(apprentice=user) | Q(company_tutor=user) | Q(school_tutor=user)
    ).aggregate(
        apprentice=Count("pk", filter=Q(apprentice=user)),
        company_tutor=Count("pk", filter=Q(company_tutor=user)),
        school_tutor=Count("pk", filter=Q(school_tutor=user)),
    )
    groups = access.staff_roles(user)
    from_apps = app_roles_of(user)
    held = {
        Role.CANDIDATE: Role.CANDIDATE in from_apps,
        Role.APPRENTICE: links["apprentice"] > 0,
        Role.COMPANY_CONTACT: Role.COMPANY_CONTACT in from_apps or bool(access.company_ids_of_contact(user)),
        Role.COMPANY_TUTOR: links["company_tutor"] > 0 or hasattr(user, "company_tutor_profile"),
        Role.SCHOOL_TUTOR: links["school_tutor"] > 0 or StaffRole.SCHOOL_TUTOR in groups,
        Role.OPTION_LEAD: Option.objects.filter(lead=user).exists(),
        Role.SCOLARITE: StaffRole.SCOLARITE in groups,
        Role.MIDISUP: StaffRole.MIDISUP in groups,
        Role.ADMIN: user.is_superuser,
    }
    return [role for role in Role if held[role]]


def with_study_years(apprenticeships, school_year: SchoolYear | None) -> list[Apprenticeship]:
    """The apprenticeships as a list, each with `current_study_year` (their enrolment's study
    year in `school_year`, None if not enrolled): one query for every enrolment of the list
    (none for an empty list), then `study_year_in` answers from memory for any school year."""
    apprenticeships = list(apprenticeships)
    prefetch_related_objects(apprenticeships, "enrolments")
    for apprenticeship in apprenticeships:
        apprenticeship.current_study_year = apprenticeship.study_year_in(school_year)
    return apprenticeships


def current_school_year() -> SchoolYear | None:
    return SchoolYear.objects.current()


def pending_invitations(older_than_days: int) -> QuerySet[User]:
    from datetime import timedelta

    from django.utils import timezone

    limit = timezone.now() - timedelta(days=older_than_days)
    return User.objects.filter(invited_at__lte=limit, last_login__isnull=True).order_by("invited_at")


def headcount_by_option(school_year: SchoolYear | None) -> dict:
    """Current apprentices per option and study year (1A, 2A, 3A) of their enrolment in
    `school_year`, in two queries."""
    from apprentissage.enums import StudyYear

    counts: dict[tuple[int, int], int] = {}
    if school_year:
        for row in (
            Enrolment.objects.filter(
                school_year=school_year, apprenticeship__in=Apprenticeship.objects.current()
            )
            .exclude(status=EnrolmentStatus.LEFT)
            .values("apprenticeship__option_id", "study_year")
            .annotate(n=Count("pk"))
        ):
            key = (row["apprenticeship__option_id"], row["study_year"])
            counts[key] = counts.get(key, 0) + row["n"]
    rows = []
    for option in Option.objects.all():
        cells = [counts.get((option.pk, year), 0) for year in StudyYear.values]
        rows.append({"option": option, "cells": cells, "total": sum(cells)})
    return {
        "rows": rows,
        "study_years": StudyYear.choices,
        "totals": [sum(row["cells"][i] for row in rows) for i in range(len(StudyYear.values))],
        "total": sum(row["total"] for row in rows),
    }
