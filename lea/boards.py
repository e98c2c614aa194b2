"""The boards of those who follow many apprentices (selectors): the school tutor's and the
option lead's "my apprentices", scolarité's completion table and late items.

Each runs a constant number of queries whatever the number of apprentices: the documents of
every apprentice of the board are read in one query per kind, the due dates in one, the
calendars through `planning.selectors.calendars_for` (never a query per apprentice)."""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.formats import get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apprentissage.models import Apprenticeship, Enrolment, Option, SchoolYear
from apprentissage.rules import can_manage
from lea.booklet import PLAN_OPEN, PROJECT_OPEN
from lea.deadlines import yearly_due_dates
from lea.enums import DeadlineKind, FicheState, PlanState, ProjectState, RiskStatus, VisitState
from lea.models import Fiche, ProjectDossier, Reminder, Visit, VisitAction, YearlyPlan
from lea.reminders import DETAIL_URL, KINDS

RISK_ORDER = {RiskStatus.RED: 3, RiskStatus.AMBER: 2, RiskStatus.GREEN: 1, "": 0}
RISK_ICON = {RiskStatus.RED: "●", RiskStatus.AMBER: "▲", RiskStatus.GREEN: "✔"}


# What the boards show changes with these models (apprentissage.versions: a write to one of
# them gives the boards a new version, so their cached content is rebuilt; the views cache it).
BOARD_MODELS = (
    "apprentissage.Apprenticeship",
    "apprentissage.Company",
    "apprentissage.Enrolment",
    "apprentissage.Option",
    "apprentissage.SchoolYear",
    "lea.Deadline",
    "lea.Fiche",
    "lea.ProjectDossier",
    "lea.Reminder",
    "lea.Visit",
    "lea.VisitAction",
    "lea.YearlyPlan",
    "planning.CalendarWeek",
)


# The fiche is late: the party who acts now has missed their date (Fiche.late_since as a filter).
def late_fiche_q(today: datetime.date, prefix: str = "") -> Q:
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}state__in": FicheState.with_apprentice(), f"{p}due_on__lt": today}) | Q(
        **{f"{p}state": FicheState.SUBMITTED, f"{p}tutor_due_on__lt": today}
    )


@dataclass(frozen=True, slots=True)
class FicheInfo:
    """What a board shows of a fiche (read as a tuple: boards list hundreds of them)."""

    pk: int
    number: int
    state: str

    def get_state_display(self) -> str:
        return str(FicheState(self.state).label)


@dataclass(frozen=True, slots=True)
class VisitInfo:
    pk: int
    starts_at: datetime.datetime


@dataclass(frozen=True, slots=True)
class LateInfo:
    kind: str  # fiche, plan, project
    pk: int
    number: int | None = None


@dataclass
class BoardRow:
    pk: int  # the apprenticeship's
    sort_name: tuple[str, str]
    apprenticeship: Apprenticeship | None = None  # read for the rows shown (`finish_rows`)
    latest_fiche: FicheInfo | None = None
    late_count: int = 0
    concerns: int = 0
    concern_fiche: int | None = None
    last_visit: VisitInfo | None = None
    next_visit: VisitInfo | None = None
    open_actions: int = 0
    risk: str = ""
    next_return: datetime.date | None = None
    act_url: str = ""
    act_label: str = ""
    late_items: list = field(default_factory=list)
    # What the row shown reads, made once (`finish_rows`), not by the template's lookups and
    # filters.
    name: str = ""
    where: str = ""
    fiche_state: str = ""
    last_visit_on: str = ""
    next_visit_on: str = ""
    next_return_on: str = ""
    booklet_url: str = ""
    fiche_url: str = ""
    fiche_label: str = ""
    last_visit_url: str = ""
    next_visit_url: str = ""

    @property
    def risk_label(self) -> str:
        return RiskStatus(self.risk).label if self.risk else ""

    @property
    def risk_icon(self) -> str:
        return RISK_ICON.get(self.risk, "")


SORTS = {
    "name": lambda r: r.sort_name,
    "fiche": lambda r: r.latest_fiche.state if r.latest_fiche else "",
    "late": lambda r: r.late_count,
    "concerns": lambda r: r.concerns,
    "last_visit": lambda r: (
        r.last_visit.starts_at if r.last_visit else datetime.datetime.min.replace(tzinfo=datetime.UTC)
    ),
    "next_visit": lambda r: (
        r.next_visit.starts_at if r.next_visit else datetime.datetime.max.replace(tzinfo=datetime.UTC)
    ),
    "actions": lambda r: r.open_actions,
    "risk": lambda r: RISK_ORDER.get(r.risk, 0),
    "next_return": lambda r: r.next_return or datetime.date.max,
}
SORT_LABELS = {
    "name": gettext_lazy("Apprentice"),
    "fiche": gettext_lazy("Latest fiche"),
    "late": gettext_lazy("Late items"),
    "concerns": gettext_lazy("Concerns"),
    "last_visit": gettext_lazy("Last visit"),
    "next_visit": gettext_lazy("Next visit"),
    "actions": gettext_lazy("Open actions"),
    "risk": gettext_lazy("Risk"),
    "next_return": gettext_lazy("Next return to school"),
}
BOARD_PAGE_SIZE = 50


def sort_rows(rows: list[BoardRow], sort: str) -> tuple[list[BoardRow], str]:
    """`rows` sorted by `sort` ("risk", "-late"…; unknown: by name), then by name."""
    key = sort.lstrip("-")
    if key not in SORTS:
        key, sort = "name", "name"
    rows = sorted(rows, key=SORTS["name"])
    return sorted(rows, key=SORTS[key], reverse=sort.startswith("-")), sort


def board_apprenticeships(user, *, board: str, school_tutor=None, option=None):
    """The current apprenticeships of a board: the school tutor's own ("tutor"), those of the
    options the user leads ("option"); scolarité sees every one, filtered."""
    qs = Apprenticeship.objects.current()
    if can_manage(user):
        if school_tutor:
            qs = qs.filter(school_tutor=school_tutor)
    elif board == "tutor":
        qs = qs.filter(school_tutor=user)
    else:
        qs = qs.filter(option__lead=user)
    if option:
        qs = qs.filter(option=option)
    return qs


def name_rows(apprenticeships) -> list[BoardRow]:
    """One row per apprenticeship (a queryset) with only its apprentice's name (one query):
    enough to sort by name, before `fill_rows` reads the follow-up of the page shown."""
    return [
        BoardRow(pk, ((last or "").lower(), (first or "").lower()))
        for pk, last, first in apprenticeships.values_list(
            "pk", "apprentice__last_name", "apprentice__first_name"
        )
    ]


def board_rows(apprenticeships, today: datetime.date, school_years=None) -> list[BoardRow]:
    """One row per apprenticeship (a queryset), over the current school year(s), as little
    as sorting needs: seven queries for any number of them (their names, fiches, visits,
    open actions, plans, projects, due dates; the school years when not given, or when a
    description of an earlier year is still open). `finish_rows` reads the rest of the rows
    shown (the apprenticeship, the next return to school, the link to act on)."""
    rows = name_rows(apprenticeships)
    # The documents of the board's apprenticeships: the same filter as a subquery (not a
    # list of hundreds of ids).
    return fill_rows(rows, today, school_years, of_board=apprenticeships.values("pk"))


def fill_rows(
    rows: list[BoardRow], today: datetime.date, school_years=None, *, of_board=None
) -> list[BoardRow]:
    """`rows` (of `name_rows`) with their follow-up: six queries for any number of them
    (fiches, visits, open actions, plans, projects, due dates; the school years when not
    given, or when a description of an earlier year is still open). `of_board`: their
    apprenticeships as a subquery (default: the rows' ids)."""
    from planning.selectors import current_and_next_school_years

    if not rows:
        return rows
    school_years = school_years if school_years is not None else current_and_next_school_years(today)
    year_ids = [y.pk for y in school_years]
    listed = rows
    rows = {row.pk: row for row in listed}
    of_board = of_board if of_board is not None else list(rows)
    with_apprentice = set(FicheState.with_apprentice())

    latest_fiche, last_visit, next_visit = {}, {}, {}
    for pk, apprenticeship_id, number, state, due_on, tutor_due_on, period_start, concern in (
        Fiche.objects.live()
        .filter(apprenticeship__in=of_board, school_year_id__in=year_ids)
        .order_by("return_on", "pk")
        .values_list(
            "pk", "apprenticeship_id", "number", "state", "due_on", "tutor_due_on", "period_start", "concern"
        )
    ):
        if period_start <= today:
            latest_fiche[apprenticeship_id] = (pk, number, state)
        if (state in with_apprentice and due_on < today) or (
            state == FicheState.SUBMITTED and tutor_due_on and tutor_due_on < today
        ):
            row = rows[apprenticeship_id]
            row.late_count += 1
            row.late_items.append(LateInfo("fiche", pk, number))
        if concern and state != FicheState.ACKNOWLEDGED:
            row = rows[apprenticeship_id]
            row.concerns += 1
            row.concern_fiche = row.concern_fiche or pk
    for apprenticeship_id, (pk, number, state) in latest_fiche.items():
        rows[apprenticeship_id].latest_fiche = FicheInfo(pk, number, state)

    for pk, apprenticeship_id, state, starts_at, risk in (
        Visit.objects.filter(apprenticeship__in=of_board)
        .exclude(state=VisitState.CANCELLED)
        .order_by("starts_at", "pk")
        .values_list("pk", "apprenticeship_id", "state", "starts_at", "risk")
    ):
        if state == VisitState.REPORTED:
            last_visit[apprenticeship_id] = (pk, starts_at, risk)
        elif state == VisitState.PLANNED and apprenticeship_id not in next_visit:
            next_visit[apprenticeship_id] = (pk, starts_at)
    for apprenticeship_id, (pk, starts_at, risk) in last_visit.items():
        row = rows[apprenticeship_id]
        row.last_visit = VisitInfo(pk, starts_at)
        row.risk = risk
    for apprenticeship_id, (pk, starts_at) in next_visit.items():
        rows[apprenticeship_id].next_visit = VisitInfo(pk, starts_at)

    for apprenticeship_id, count in (
        VisitAction.objects.filter(visit__apprenticeship__in=of_board, done_at__isnull=True)
        .values_list("visit__apprenticeship_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        rows[apprenticeship_id].open_actions = count

    fields = ("pk", "apprenticeship_id", "school_year_id", "study_year")
    plans = list(
        YearlyPlan.objects.filter(apprenticeship__in=of_board, state__in=PLAN_OPEN).values_list(*fields)
    )
    projects = list(
        ProjectDossier.objects.filter(apprenticeship__in=of_board, state__in=PROJECT_OPEN).values_list(
            *fields
        )
    )
    years = {y.pk: y for y in school_years}
    missing = {sy for _pk, _a, sy, _s in (*plans, *projects)} - set(years)
    if missing:  # a description left open in an earlier year
        years.update({y.pk: y for y in SchoolYear.objects.all()})
    due = yearly_due_dates([(years[sy], study) for _pk, _a, sy, study in (*plans, *projects)])
    for kind, documents, deadline in (
        ("plan", plans, DeadlineKind.MISSIONS),
        ("project", projects, DeadlineKind.SUBJECT),
    ):
        for pk, apprenticeship_id, school_year_id, study_year in documents:
            if due[(deadline, school_year_id, study_year)] < today:
                rows[apprenticeship_id].late_count += 1
                rows[apprenticeship_id].late_items.append(LateInfo(kind, pk))
    return listed


def url_maker(name: str, *before):
    """pk → the URL `name` takes an integer for (after the arguments `before`), reversed once
    (a board links hundreds)."""
    marker = 2_147_483_647
    prefix, suffix = reverse(name, args=[*before, marker]).split(str(marker))
    return lambda pk: f"{prefix}{pk}{suffix}"


# What a row shows of its apprenticeship (the users and companies are wide).
ROW_FIELDS = (
    "option_id",
    "apprentice__first_name",
    "apprentice__last_name",
    "apprentice__email",
    "company__name",
    "option__name",
)


def finish_rows(rows: list[BoardRow], today: datetime.date, school_years) -> list[BoardRow]:
    """The rows shown: their apprenticeship (one query), next return to school
    (calendars_for: at most two queries for any number), their links and the one click to
    the item to act on."""
    from planning.selectors import calendars_for

    unread = [row for row in rows if row.apprenticeship is None]
    if unread:
        found = (
            Apprenticeship.objects.select_related("apprentice", "company", "option")
            .only(*ROW_FIELDS)
            .in_bulk([row.pk for row in unread])
        )
        for row in unread:
            row.apprenticeship = found[row.pk]
    missing = [row for row in unread if row.next_return is None]
    if missing:
        calendars = calendars_for([row.apprenticeship for row in missing], school_years, with_sessions=False)
        for row, calendar in zip(missing, calendars, strict=True):
            row.next_return = calendar.next_return_to_school(today)
    now = timezone.now()
    urls = {name: url_maker(name) for name in URL_NAMES}
    fiche_number = _("No. %(n)s")
    short_date = get_format("SHORT_DATE_FORMAT")
    for row in rows:
        apprenticeship = row.apprenticeship
        row.name = str(apprenticeship.apprentice)
        row.where = f"{apprenticeship.company.name} · {apprenticeship.option.name}"
        row.booklet_url = urls["lea:booklet"](row.pk)
        if row.latest_fiche:
            row.fiche_url = urls["lea:fiche_detail"](row.latest_fiche.pk)
            row.fiche_label = fiche_number % {"n": row.latest_fiche.number}
            row.fiche_state = row.latest_fiche.get_state_display()
        if row.last_visit:
            row.last_visit_url = urls["lea:visit_detail"](row.last_visit.pk)
            row.last_visit_on = date_format(timezone.localtime(row.last_visit.starts_at), short_date)
        if row.next_visit:
            row.next_visit_url = urls["lea:visit_detail"](row.next_visit.pk)
            row.next_visit_on = date_format(timezone.localtime(row.next_visit.starts_at), short_date)
        if row.next_return:
            row.next_return_on = date_format(row.next_return, short_date)
        row.act_url, row.act_label = _what_to_act_on(row, now, urls)
    return rows


def _what_to_act_on(row: BoardRow, now, urls=None) -> tuple[str, str]:
    """The one click to the item to act on: a late item, a concern, a fiche to acknowledge,
    a report to write, a visit to plan; else the booklet."""
    urls = urls or {name: url_maker(name) for name in URL_NAMES}
    fiche = row.latest_fiche
    if row.late_items:
        item = row.late_items[0]
        url = urls[DETAIL_URL[item.kind]](item.pk)
        if item.kind == "fiche":
            what = _("fiche no. %(number)s") % {"number": item.number}
        elif item.kind == "plan":
            what = _("missions description")
        else:
            what = _("project subject")
        return url, _("Late: %(item)s") % {"item": what}
    if row.concern_fiche:
        return urls["lea:fiche_detail"](row.concern_fiche), _("Read the concern")
    if fiche and fiche.state == FicheState.COUNTERSIGNED:
        return urls["lea:fiche_detail"](fiche.pk), _("Acknowledge the fiche")
    if row.next_visit and row.next_visit.starts_at <= now:
        return urls["lea:visit_detail"](row.next_visit.pk), _("Write the visit report")
    if row.next_visit is None:
        return urls["lea:visit_plan"](row.pk), _("Plan a visit")
    return urls["lea:booklet"](row.pk), _("Open the booklet")


URL_NAMES = ("lea:booklet", "lea:fiche_detail", "lea:visit_detail", "lea:visit_plan", *DETAIL_URL.values())


def plans_to_validate(user):
    """Yearly descriptions submitted to the option lead (scolarité: all), oldest first."""
    qs = (
        YearlyPlan.objects.filter(state=PlanState.SUBMITTED)
        .select_related("apprenticeship__apprentice", "school_year")
        .only(
            "state_changed_at",
            "school_year__start_year",
            "apprenticeship__apprentice__first_name",
            "apprenticeship__apprentice__last_name",
            "apprenticeship__apprentice__email",
        )
    )
    if not can_manage(user):
        qs = qs.filter(apprenticeship__option__lead=user)
    return qs.order_by("state_changed_at", "pk")


# --- Scolarité: completion per option × study year -----------------------------------------


@dataclass
class CompletionRow:
    option: Option
    study_year: int
    apprentices: int = 0
    fiches_due: int = 0
    fiches_submitted: int = 0
    fiches_countersigned: int = 0
    fiches_late: int = 0
    visits_held: int = 0
    subjects_validated: int = 0
    plans_validated: int = 0

    def values(self) -> list:
        return [
            self.option.name,
            f"{self.study_year}A",
            self.apprentices,
            self.fiches_due,
            self.fiches_submitted,
            self.fiches_countersigned,
            self.fiches_late,
            self.visits_held,
            self.subjects_validated,
            self.plans_validated,
        ]


COMPLETION_HEADERS = [
    gettext_lazy("Option"),
    gettext_lazy("Study year"),
    gettext_lazy("Apprentices"),
    gettext_lazy("Fiches due"),
    gettext_lazy("Fiches submitted"),
    gettext_lazy("Fiches countersigned"),
    gettext_lazy("Fiches late"),
    gettext_lazy("Visits held"),
    gettext_lazy("Subjects validated"),
    gettext_lazy("Missions descriptions validated"),
]


def completion_table(school_year: SchoolYear, today: datetime.date) -> list[CompletionRow]:
    """Per option and study year of `school_year`: six queries whatever the numbers."""
    table: dict[tuple[int, int], CompletionRow] = {}
    options = {o.pk: o for o in Option.objects.order_by("name")}

    def row(option_id, study_year) -> CompletionRow:
        key = (option_id, study_year)
        if key not in table:
            table[key] = CompletionRow(options[option_id], study_year)
        return table[key]

    for option_id, study_year, n in (
        Enrolment.objects.filter(school_year=school_year, apprenticeship__in=Apprenticeship.objects.current())
        .values_list("apprenticeship__option_id", "study_year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row(option_id, study_year).apprentices = n
    fiches = (
        Fiche.objects.live()
        .filter(school_year=school_year)
        .values_list("apprenticeship__option_id", "study_year")
        .annotate(
            due=Count("pk", filter=Q(due_on__lte=today)),
            submitted=Count("pk", filter=Q(submitted_at__isnull=False)),
            countersigned=Count("pk", filter=Q(state__in=FicheState.done())),
            late=Count("pk", filter=late_fiche_q(today)),
        )
        .order_by()
    )
    for option_id, study_year, due, submitted, countersigned, late in fiches:
        r = row(option_id, study_year)
        r.fiches_due, r.fiches_submitted, r.fiches_countersigned, r.fiches_late = (
            due,
            submitted,
            countersigned,
            late,
        )
    for option_id, study_year, n in (
        Visit.objects.filter(
            school_year=school_year,
            state=VisitState.REPORTED,
            apprenticeship__enrolments__school_year=school_year,
        )
        .values_list("apprenticeship__option_id", "apprenticeship__enrolments__study_year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row(option_id, study_year).visits_held = n
    for option_id, study_year, n in (
        ProjectDossier.objects.filter(school_year=school_year, state=ProjectState.VALIDATED)
        .values_list("apprenticeship__option_id", "study_year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row(option_id, study_year).subjects_validated = n
    for option_id, study_year, n in (
        YearlyPlan.objects.filter(school_year=school_year, state=PlanState.VALIDATED)
        .values_list("apprenticeship__option_id", "study_year")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        row(option_id, study_year).plans_validated = n
    return sorted(table.values(), key=lambda r: (r.option.name, r.study_year))


# --- Scolarité: every late item, with when it was last reminded ----------------------------


@dataclass
class LateItem:
    kind: str  # "fiche", "plan", "project": the kinds of lea:send_reminder
    pk: int
    apprenticeship_id: int
    due_on: datetime.date
    school_year: SchoolYear
    state: str
    number: int | None = None  # a fiche's
    # What the page shows of the items on it (`show_late_items`).
    title: str = ""
    waiting_for: str = ""
    url: str = ""
    reminder_url: str = ""
    apprenticeship: Apprenticeship | None = None
    name: str = ""  # the apprentice's
    last_reminded: datetime.datetime | None = None


def late_items(today: datetime.date) -> list[LateItem]:
    """Every late fiche, yearly description and project (of current apprenticeships), the
    most overdue first, as light items: four queries (fiches, plans, projects, school years),
    whatever their number; `show_late_items` adds what the page shows of those on it."""
    live = Apprenticeship.objects.current()
    with_apprentice = set(FicheState.with_apprentice())
    years = {y.pk: y for y in SchoolYear.objects.all()}
    items: list[LateItem] = []
    for pk, apprenticeship_id, number, school_year_id, state, due_on, tutor_due_on in (
        Fiche.objects.live()
        .filter(late_fiche_q(today), apprenticeship__in=live)
        .values_list("pk", "apprenticeship_id", "number", "school_year_id", "state", "due_on", "tutor_due_on")
    ):
        items.append(
            LateItem(
                "fiche",
                pk,
                apprenticeship_id,
                due_on if state in with_apprentice else tutor_due_on,
                years[school_year_id],
                state,
                number,
            )
        )
    fields = ("pk", "apprenticeship_id", "state", "school_year_id", "study_year")
    plans = list(YearlyPlan.objects.filter(state__in=PLAN_OPEN, apprenticeship__in=live).values_list(*fields))
    projects = list(
        ProjectDossier.objects.filter(state__in=PROJECT_OPEN, apprenticeship__in=live).values_list(*fields)
    )
    due = yearly_due_dates([(years[sy], study) for _pk, _a, _state, sy, study in (*plans, *projects)])
    for kind, documents, deadline in (
        ("plan", plans, DeadlineKind.MISSIONS),
        ("project", projects, DeadlineKind.SUBJECT),
    ):
        for pk, apprenticeship_id, state, school_year_id, study_year in documents:
            document_due = due[(deadline, school_year_id, study_year)]
            if document_due < today:
                items.append(
                    LateItem(kind, pk, apprenticeship_id, document_due, years[school_year_id], state)
                )
    return sorted(items, key=lambda item: (item.due_on, item.kind, item.pk))


def show_late_items(items: list[LateItem]) -> list[LateItem]:
    """The apprentices and companies, and the last reminder, of the late items shown: two
    queries for a page of them."""
    if not items:
        return items
    apprenticeships = (
        Apprenticeship.objects.select_related("apprentice", "company")
        .only("apprentice__first_name", "apprentice__last_name", "apprentice__email", "company__name")
        .in_bulk({item.apprenticeship_id for item in items})
    )
    types = ContentType.objects.get_for_models(*KINDS.values())
    q = Q()
    for kind, model in KINDS.items():
        pks = [item.pk for item in items if item.kind == kind]
        if pks:
            q |= Q(content_type_id=types[model].pk, object_id__in=pks)
    last = {
        (ct, pk): at
        for ct, pk, at in Reminder.objects.filter(q)
        .values_list("content_type_id", "object_id")
        .annotate(at=Max("sent_at"))
        .order_by()
    }
    urls = {kind: url_maker(name) for kind, name in DETAIL_URL.items()}
    reminder_urls = {kind: url_maker("lea:send_reminder", kind) for kind in DETAIL_URL}
    with_apprentice = set(FicheState.with_apprentice())
    for item in items:
        item.apprenticeship = apprenticeships[item.apprenticeship_id]
        item.name = str(item.apprenticeship.apprentice)
        item.last_reminded = last.get((types[KINDS[item.kind]].pk, item.pk))
        item.url = urls[item.kind](item.pk)
        item.reminder_url = reminder_urls[item.kind](item.pk)
        if item.kind == "fiche":
            item.title = _("Fiche de liaison no. %(number)s (%(year)s)") % {
                "number": item.number,
                "year": item.school_year,
            }
            item.waiting_for = (
                _("the apprentice") if item.state in with_apprentice else _("the company tutor")
            )
        elif item.kind == "plan":
            item.title = _("Missions description %(year)s") % {"year": item.school_year}
            item.waiting_for = (
                _("the option lead")
                if item.state == PlanState.SUBMITTED
                else _("the apprentice and the company tutor")
            )
        else:
            item.title = _("Project %(year)s") % {"year": item.school_year}
            item.waiting_for = _("the apprentice")
    return items
