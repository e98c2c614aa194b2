"""The yearly missions and project description: its creation each school year, what it
needs before it is submitted, its due date, and the reads of its pages and lists."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from apprentissage.enums import EnrolmentStatus, StudyYear
from apprentissage.models import Enrolment, SchoolYear
from apprentissage.rules import can_manage, company_ids_of_contact
from recruitment.enums import ExpectedLevel
from recruitment.models import MissionSheet

from .deadlines import due_date, due_dates
from .enums import DeadlineKind, PlanState
from .models import ProjectDossier, YearlyPlan
from .rules import follow_up_q

# The level the seed expects each study year (DOMAIN.md §7), the plan's default…
LEVEL_BY_STUDY_YEAR = {
    StudyYear.FIRST: ExpectedLevel.TECHNICIAN,
    StudyYear.SECOND: ExpectedLevel.ASSISTANT_ENGINEER,
    StudyYear.THIRD: ExpectedLevel.JUNIOR_ENGINEER,
}
# …and the balance between the technical and the managerial dimensions it expects.
EXPECTATION_BY_STUDY_YEAR = {
    StudyYear.FIRST: gettext_lazy(
        "In 1A the apprentice works as a senior technician: the technical dimension comes first."
    ),
    StudyYear.SECOND: gettext_lazy(
        "In 2A the apprentice works as a supervisor or assistant engineer: technical and managerial "
        "dimensions are balanced."
    ),
    StudyYear.THIRD: gettext_lazy(
        "In 3A the apprentice works as a beginning engineer: the managerial dimension comes first."
    ),
}

FOLLOWED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.REPEATING)


def expectation_for(study_year: int) -> str:
    return str(EXPECTATION_BY_STUDY_YEAR.get(study_year, ""))


@transaction.atomic
def ensure_yearly_documents(apprenticeships: Iterable, school_year: SchoolYear) -> tuple[int, int]:
    """One yearly plan and one project dossier for each of `apprenticeships` enrolled
    (or repeating) in `school_year`, at the enrolment's study year; a 1A plan starts from
    the recruitment mission sheet's year-1 missions. Idempotent; a constant number of
    queries whatever the number of apprenticeships. Returns (plans, dossiers) created."""
    ids = [getattr(a, "pk", a) for a in apprenticeships]
    if not ids:
        return 0, 0
    study_years = dict(
        Enrolment.objects.filter(apprenticeship_id__in=ids, school_year=school_year, status__in=FOLLOWED)
        .order_by()
        .values_list("apprenticeship_id", "study_year")
    )
    if not study_years:
        return 0, 0
    with_plan = set(
        YearlyPlan.objects.filter(
            apprenticeship_id__in=list(study_years), school_year=school_year
        ).values_list("apprenticeship_id", flat=True)
    )
    with_project = set(
        ProjectDossier.objects.filter(
            apprenticeship_id__in=list(study_years), school_year=school_year
        ).values_list("apprenticeship_id", flat=True)
    )
    first_years = [
        pk for pk, study in study_years.items() if study == StudyYear.FIRST and pk not in with_plan
    ]
    sheets = (
        {
            row["dossier__apprenticeship_id"]: row
            for row in MissionSheet.objects.filter(dossier__apprenticeship_id__in=first_years).values(
                "dossier__apprenticeship_id", "year1_missions", "year1_family", "year1_level"
            )
        }
        if first_years
        else {}
    )
    plans = []
    for pk, study in study_years.items():
        if pk in with_plan:
            continue
        sheet = sheets.get(pk)
        plan = YearlyPlan(
            apprenticeship_id=pk,
            school_year=school_year,
            study_year=study,
            level=LEVEL_BY_STUDY_YEAR.get(study, ""),
        )
        if sheet:
            plan.missions = sheet["year1_missions"]
            plan.family = sheet["year1_family"]
            plan.level = sheet["year1_level"] or plan.level
        plans.append(plan)
    projects = [
        ProjectDossier(apprenticeship_id=pk, school_year=school_year, study_year=study)
        for pk, study in study_years.items()
        if pk not in with_project
    ]
    if plans:
        bulk_create_with_history(plans, YearlyPlan)
    if projects:
        bulk_create_with_history(projects, ProjectDossier)
    return len(plans), len(projects)


# Reads


def visible_plans(user) -> QuerySet[YearlyPlan]:
    """The plans `user` reads: follow-up parties, scolarité, and the company's contacts."""
    q = follow_up_q(user)
    if q is None:
        return YearlyPlan.objects.none()
    companies = company_ids_of_contact(user)
    if companies:
        q |= Q(apprenticeship__company_id__in=companies)
    return YearlyPlan.objects.filter(q).select_related(
        "apprenticeship__apprentice",
        "apprenticeship__company",
        "apprenticeship__company_tutor",
        "apprenticeship__option",
        "school_year",
    )


def plans_to_review(user) -> QuerySet[YearlyPlan]:
    """The submitted plans waiting for `user`'s decision (their option's; all of them for
    scolarité, who follows without deciding), oldest first, in one query."""
    plans = YearlyPlan.objects.filter(state=PlanState.SUBMITTED)
    if not can_manage(user):
        plans = plans.filter(apprenticeship__option__lead=user)
    return (
        plans.select_related(
            "apprenticeship__apprentice",
            "apprenticeship__company",
            "apprenticeship__option",
            "school_year",
        )
        .only(*REVIEW_LIST_FIELDS)
        .annotate(version_count=Count("versions"))
        .order_by("state_changed_at", "pk")
    )


# What the list of plans to review shows (not the plans' texts, nor the wide people's rows).
REVIEW_LIST_FIELDS = (
    "state",
    "study_year",
    "state_changed_at",
    "school_year__start_year",
    "school_year__start_date",
    "school_year__end_date",
    "apprenticeship__option_id",
    "apprenticeship__apprentice__first_name",
    "apprenticeship__apprentice__last_name",
    "apprenticeship__apprentice__email",
    "apprenticeship__company__name",
    "apprenticeship__option__name",
)


def missing_fields(plan: YearlyPlan) -> list[str]:
    """The labels of what the plan still needs before it is submitted."""
    missing = [
        name
        for name in ("missions", "family", "level", "company_project")
        if not str(getattr(plan, name) or "").strip()
    ]
    if plan.technical_share is None:
        missing.insert(3, "technical_share")
    return [str(YearlyPlan._meta.get_field(name).verbose_name) for name in missing]


def plan_is_complete(plan: YearlyPlan) -> str | None:
    missing = missing_fields(plan)
    if missing:
        return _("The description is incomplete: %(fields)s.") % {"fields": ", ".join(missing)}
    if not 0 <= plan.technical_share <= 100:
        return _("The technical share must be between 0 and 100 %.")
    return None


def plan_due_date(plan: YearlyPlan) -> datetime.date:
    return due_date(DeadlineKind.MISSIONS, plan.school_year, plan.study_year)


def plan_is_late(plan: YearlyPlan, due: datetime.date) -> bool:
    return plan.state != PlanState.VALIDATED and timezone.localdate() > due


def annotate_due_dates(plans: list[YearlyPlan]) -> None:
    """Set `due` and `late` on each plan of a list (one query for all of them)."""
    dates = due_dates(DeadlineKind.MISSIONS, {(p.school_year, p.study_year) for p in plans})
    for plan in plans:
        plan.due = dates[(plan.school_year_id, plan.study_year)]
        plan.late = plan_is_late(plan, plan.due)
