"""Reads, already filtered to what the user may see. List views start here."""

from collections import defaultdict

from django.db.models import Count, Q, QuerySet

from apprentissage import rules as access
from apprentissage.dashboard import app_roles_of
from apprentissage.enums import EnrolmentStatus, Role, StaffRole
from apprentissage.models import Apprenticeship, Enrolment, Option, SchoolYear, User

PERSON = ("first_name", "last_name", "email")  # what a person's name needs (User.__str__)


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
    """Every role `user` holds, in a stable order: from the user's facts (the request's one
    query for every role predicate) and the apps' role providers."""
    if not user or not user.is_authenticated:
        return []
    groups = access.staff_roles(user)
    from_apps = app_roles_of(user)
    held = {
        Role.CANDIDATE: Role.CANDIDATE in from_apps,
        Role.APPRENTICE: access.is_an_apprentice(user),
        Role.COMPANY_CONTACT: Role.COMPANY_CONTACT in from_apps or access.is_a_company_contact(user),
        Role.COMPANY_TUTOR: access.tutors_in_a_company(user) or access.has_a_tutor_profile(user),
        Role.SCHOOL_TUTOR: access.tutors_at_school(user) or StaffRole.SCHOOL_TUTOR in groups,
        Role.OPTION_LEAD: access.leads_an_option(user),
        Role.MODULE_TEACHER: Role.MODULE_TEACHER in from_apps or StaffRole.MODULE_TEACHER in groups,
        Role.SCOLARITE: StaffRole.SCOLARITE in groups,
        Role.MIDISUP: StaffRole.MIDISUP in groups,
        Role.ADMIN: user.is_superuser,
    }
    return [role for role in Role if held[role]]


def enrolled_study_years(
    apprenticeships: list[Apprenticeship], school_years: list[SchoolYear]
) -> dict[int, dict[int, int]]:
    """apprenticeship id → {school year id → study year} of their enrolments in `school_years`:
    from the enrolments prefetched on every apprenticeship (`with_enrolments()`), else one
    query (none for an empty list) reading three columns."""
    year_ids = {y.pk for y in school_years}
    if not apprenticeships or not year_ids:
        return {}
    if all("enrolments" in getattr(a, "_prefetched_objects_cache", {}) for a in apprenticeships):
        return {
            a.pk: {e.school_year_id: e.study_year for e in a.enrolments.all() if e.school_year_id in year_ids}
            for a in apprenticeships
        }
    result: dict[int, dict[int, int]] = defaultdict(dict)
    for apprenticeship_id, school_year_id, study_year in Enrolment.objects.filter(
        apprenticeship_id__in=[a.pk for a in apprenticeships], school_year_id__in=year_ids
    ).values_list("apprenticeship_id", "school_year_id", "study_year"):
        result[apprenticeship_id][school_year_id] = study_year
    return result


def with_study_years(apprenticeships, school_year: SchoolYear | None) -> list[Apprenticeship]:
    """The apprenticeships as a list, each with `current_study_year` (the study year of their
    enrolment in `school_year`, None if not enrolled): `enrolled_study_years`, one query for
    the whole list (none for an empty list)."""
    from apprentissage.enums import StudyYear

    apprenticeships = list(apprenticeships)
    years = enrolled_study_years(apprenticeships, [school_year] if school_year is not None else [])
    for apprenticeship in apprenticeships:
        year = years.get(apprenticeship.pk, {}).get(school_year.pk) if school_year is not None else None
        apprenticeship.current_study_year = StudyYear(year) if year else None
    return apprenticeships


# What a table of apprenticeships shows (apprentissage/includes/apprenticeship_table.html):
# five of `with_people`'s seven joins, and of them only the columns shown. PostgreSQL plans
# the query faster and Python builds smaller objects (half the time for a page of 50).
TABLE_JOINS = ("apprentice", "company", "company_tutor", "school_tutor", "option")
TABLE_COLUMNS = (
    "status",
    *(f"{person}__{field}" for person in ("apprentice", "company_tutor", "school_tutor") for field in PERSON),
    "company__name",
    "option__name",
)


def as_table_rows(apprenticeships: QuerySet[Apprenticeship]) -> QuerySet[Apprenticeship]:
    """`apprenticeships` with only what a table of them shows (any other field is a query
    per row: add it to TABLE_COLUMNS first)."""
    return apprenticeships.select_related(None).select_related(*TABLE_JOINS).only(*TABLE_COLUMNS)


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
