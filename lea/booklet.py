"""The booklet of an apprenticeship (selector): a timeline, per school year, of everything
that follows the apprentice, each item with its state, who acts next, by when, and its PDF.

A constant number of queries whatever the number of documents: the enrolments (and their
school years), the recruitment dossier and its mission sheet, the fiches, visits, yearly
plans and project dossiers (one each), their due dates (one), the calendar (at most two)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _

from apprentissage.models import SchoolYear
from apprentissage.workflow import workflows
from lea.deadlines import yearly_due_dates
from lea.enums import DeadlineKind, FicheState, PlanState, ProjectState, VisitState
from lea.models import Fiche, ProjectDossier, Visit, YearlyPlan

# Where a yearly plan or a project is still expected from someone (so its due date matters).
PLAN_OPEN = (PlanState.DRAFT, PlanState.RETURNED, PlanState.SUBMITTED)
PROJECT_OPEN = (ProjectState.DRAFT, ProjectState.RETURNED)


def next_step_of(obj) -> str:
    """Who acts next on `obj`: its registered workflow's text, else its state's label."""
    workflow = next((w for w in workflows() if w.model is type(obj)), None)
    text = workflow.next_step(obj) if workflow else ""
    return text or obj.get_state_display()


def plan_late(plan, due: datetime.date | None, today: datetime.date) -> bool:
    return bool(due and plan.state in PLAN_OPEN and due < today)


def project_late(project, due: datetime.date | None, today: datetime.date) -> bool:
    return bool(due and project.state in PROJECT_OPEN and due < today)


@dataclass
class BookletItem:
    kind: str  # mission_sheet, plan, project, fiche, visit, upcoming
    title: str
    on: datetime.date  # where it sits on the timeline
    state: str = ""
    next_step: str = ""
    due_on: datetime.date | None = None
    late: bool = False
    url: str = ""
    pdf_url: str = ""
    detail: str = ""  # a line under the title (period, mode…)
    obj: object = None


@dataclass
class BookletYear:
    school_year: SchoolYear
    study_year: int | None
    items: list[BookletItem] = field(default_factory=list)

    @property
    def late_count(self) -> int:
        return sum(item.late for item in self.items)


@dataclass
class Booklet:
    apprenticeship: object
    years: list[BookletYear]
    mission_sheet: BookletItem | None
    reads_follow_up: bool  # fiches and visit reports (not a company contact's)

    @property
    def latest_fiche(self):
        fiches = [i.obj for y in self.years for i in y.items if i.kind == "fiche" and i.obj]
        return fiches[-1] if fiches else None


def _mission_sheet_item(apprenticeship, user) -> BookletItem | None:
    from recruitment.models import Dossier

    dossier = (
        Dossier.objects.filter(apprenticeship=apprenticeship)
        # (what `recruitment.view_dossier` reads: the candidate's user id, the option's lead id)
        .select_related("candidate", "option", "mission_sheet")
        .first()
    )
    if dossier is None:
        return None
    sheet = getattr(dossier, "mission_sheet", None)
    may_open = user.has_perm("recruitment.view_dossier", dossier)
    return BookletItem(
        kind="mission_sheet",
        title=_("Mission description sheet (recruitment)"),
        on=dossier.created_at.date(),
        state=sheet.get_state_display() if sheet else _("Not written"),
        url=reverse("recruitment:dossier_detail", args=[dossier.pk]) if may_open else "",
        pdf_url=reverse("recruitment:dossier_pdf", args=[dossier.pk, "missions"])
        if may_open and sheet
        else "",
        obj=sheet,
    )


def booklet_for(apprenticeship, user, today: datetime.date) -> Booklet:
    """The booklet of `apprenticeship` as `user` may read it (they may view the booklet)."""
    from planning.selectors import calendars_for

    reads_follow_up = user.has_perm("lea.view_fiche", apprenticeship)
    # (prefetched with their school years by the page; else one query)
    prefetched = "enrolments" in getattr(apprenticeship, "_prefetched_objects_cache", {})
    enrolments = (
        apprenticeship.enrolments.all()
        if prefetched
        else apprenticeship.enrolments.select_related("school_year")
    )
    enrolments = sorted(enrolments, key=lambda e: e.school_year.start_year)
    years = [BookletYear(e.school_year, e.study_year) for e in enrolments]
    by_year = {y.school_year.pk: y for y in years}

    def year_of(school_year_id, school_year=None) -> BookletYear:
        if school_year_id not in by_year:  # a document of a year without enrolment
            by_year[school_year_id] = BookletYear(school_year, None)
            years.append(by_year[school_year_id])
        return by_year[school_year_id]

    plans = list(YearlyPlan.objects.filter(apprenticeship=apprenticeship).select_related("school_year"))
    projects = list(
        ProjectDossier.objects.filter(apprenticeship=apprenticeship).select_related("school_year")
    )
    due = yearly_due_dates(
        [(e.school_year, e.study_year) for e in enrolments]
        + [(d.school_year, d.study_year) for d in (*plans, *projects)]
    )
    for plan in plans:
        plan_due = due.get((DeadlineKind.MISSIONS, plan.school_year_id, plan.study_year))
        year_of(plan.school_year_id, plan.school_year).items.append(
            BookletItem(
                kind="plan",
                title=_("Yearly missions and project description"),
                on=plan_due or plan.school_year.start_date,
                state=plan.get_state_display(),
                next_step=next_step_of(plan) if plan.state != PlanState.VALIDATED else "",
                due_on=plan_due if plan.state in PLAN_OPEN else None,
                late=plan_late(plan, plan_due, today),
                url=reverse("lea:plan_detail", args=[plan.pk]),
                obj=plan,
            )
        )
    may_open_projects = user.has_perm("lea.view_project", apprenticeship)
    for project in projects:
        project_due = due.get((DeadlineKind.SUBJECT, project.school_year_id, project.study_year))
        year_of(project.school_year_id, project.school_year).items.append(
            BookletItem(
                kind="project",
                title=project.title or _("Project subject and dossier de validation"),
                on=project_due or project.school_year.start_date,
                state=project.get_state_display(),
                next_step=next_step_of(project) if project.state != ProjectState.VALIDATED else "",
                due_on=project_due if project.state in PROJECT_OPEN else None,
                late=project_late(project, project_due, today),
                url=reverse("lea:project_detail", args=[project.pk]) if may_open_projects else "",
                pdf_url=reverse("lea:project_pdf", args=[project.pk]) if may_open_projects else "",
                obj=project,
            )
        )

    if reads_follow_up:
        fiches = list(
            Fiche.objects.live().filter(apprenticeship=apprenticeship).select_related("school_year")
        )
        for fiche in fiches:
            late_since = fiche.late_since(today)
            if fiche.state in FicheState.with_apprentice():
                fiche_due = fiche.due_on
            elif fiche.state == FicheState.SUBMITTED:
                fiche_due = fiche.tutor_due_on
            else:
                fiche_due = None
            year_of(fiche.school_year_id, fiche.school_year).items.append(
                BookletItem(
                    kind="fiche",
                    title=_("Fiche de liaison no. %(number)s") % {"number": fiche.number},
                    on=fiche.return_on,
                    detail=_("Company period from %(start)s to %(end)s")
                    % {"start": _date(fiche.period_start), "end": _date(fiche.period_end)},
                    state=fiche.get_state_display(),
                    next_step=next_step_of(fiche) if fiche.state != FicheState.ACKNOWLEDGED else "",
                    due_on=fiche_due,
                    late=late_since is not None,
                    url=reverse("lea:fiche_detail", args=[fiche.pk]),
                    pdf_url=reverse("lea:fiche_pdf", args=[fiche.pk]),
                    obj=fiche,
                )
            )
        visits = list(
            Visit.objects.filter(apprenticeship=apprenticeship)
            .exclude(state=VisitState.CANCELLED)
            .select_related("school_year")
        )
        for visit in visits:
            year_of(visit.school_year_id, visit.school_year).items.append(
                BookletItem(
                    kind="visit",
                    title=_("Company visit"),
                    on=visit.starts_at.date(),
                    detail=visit.get_mode_display(),
                    state=visit.get_state_display(),
                    next_step=next_step_of(visit) if visit.state == VisitState.PLANNED else "",
                    url=reverse("lea:visit_detail", args=[visit.pk]),
                    pdf_url=reverse("lea:visit_pdf", args=[visit.pk])
                    if visit.state == VisitState.REPORTED
                    else "",
                    obj=visit,
                )
            )
        # The returns to school ahead, whose fiche the portal has not created yet.
        school_years = [e.school_year for e in enrolments]
        if school_years:
            calendar = calendars_for([apprenticeship], school_years, with_sessions=False)[0]
            known = {fiche.return_on for fiche in fiches}
            end = max(sy.end_date for sy in school_years)
            for monday in calendar.returns_to_school(today, end):
                school_year = next(
                    (sy for sy in reversed(school_years) if sy.start_date <= monday <= sy.end_date), None
                )
                if monday in known or school_year is None or monday < apprenticeship.contract_start:
                    continue
                year_of(school_year.pk, school_year).items.append(
                    BookletItem(
                        kind="upcoming",
                        title=_("Fiche de liaison to come"),
                        on=monday,
                        detail=_("Return to school on %(date)s") % {"date": _date(monday)},
                        state=_("To come"),
                    )
                )

    order = {"mission_sheet": 0, "plan": 1, "project": 2, "fiche": 3, "visit": 4, "upcoming": 5}
    for year in years:
        year.items.sort(key=lambda item: (item.on, order[item.kind]))
    years.sort(key=lambda y: y.school_year.start_year)
    return Booklet(
        apprenticeship=apprenticeship,
        years=years,
        mission_sheet=_mission_sheet_item(apprenticeship, user),
        reads_follow_up=reads_follow_up,
    )


def _date(day: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "SHORT_DATE_FORMAT")


def documents_by_year(apprenticeship) -> dict[int, dict[str, list]]:
    """Every document of the booklet (for its PDF), {school year id: {kind: [documents]}}:
    four queries."""
    result: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for kind, queryset in (
        ("plans", YearlyPlan.objects.filter(apprenticeship=apprenticeship)),
        ("projects", ProjectDossier.objects.filter(apprenticeship=apprenticeship)),
        ("fiches", Fiche.objects.live().filter(apprenticeship=apprenticeship)),
        ("visits", Visit.objects.filter(apprenticeship=apprenticeship).exclude(state=VisitState.CANCELLED)),
    ):
        for document in queryset.select_related("school_year"):
            result[document.school_year_id][kind].append(document)
    return result
