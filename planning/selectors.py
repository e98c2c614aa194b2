"""The calendar API other apps call (LEA: when is a fiche de liaison due; evaluation: is a
stay abroad outside school time). Every function runs a constant number of queries."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from apprentissage.models import Apprenticeship, Option, SchoolYear
from apprentissage.selectors import enrolled_study_years

from .enums import (
    TAPE_SESSION_HOURS,
    TARGET_COMPANY_WEEKS,
    TARGET_SCHOOL_HOURS,
    TARGET_SCHOOL_WEEKS,
    TARGET_TAPE_HOURS,
    TARGET_TAPE_SESSIONS,
    WeekKind,
)
from .models import CalendarWeek, TapeAttendance, TapeSession
from .weeks import friday_of, monday_before, school_year_mondays


@dataclass(frozen=True)
class Week:
    monday: datetime.date
    kind: str | None  # None: not planned yet
    overridden: bool = False  # the option's own rhythm

    @property
    def friday(self) -> datetime.date:
        return friday_of(self.monday)

    @property
    def iso_week(self) -> int:
        return self.monday.isocalendar()[1]

    @property
    def is_at_school(self) -> bool:
        return self.kind in WeekKind.at_school()

    @property
    def label(self) -> str:
        return WeekKind(self.kind).label if self.kind else ""


def effective_weeks(school_year: SchoolYear, study_year: int, option: Option | None = None) -> list[Week]:
    """Every week of the school year for a study year, the option's overrides applied."""
    rows = (
        CalendarWeek.objects.filter(school_year=school_year, study_year=study_year)
        .filter(Q(option=None) | Q(option=option) if option else Q(option=None))
        .values_list("monday", "kind", "option_id")
    )
    common = {monday: kind for monday, kind, option_id in rows if option_id is None}
    overrides = {monday: kind for monday, kind, option_id in rows if option_id is not None}
    return [
        Week(monday, overrides.get(monday, common.get(monday)), monday in overrides)
        for monday in school_year_mondays(school_year.start_year)
    ]


def year_grid(school_year: SchoolYear, option: Option | None = None) -> list[dict]:
    """The school's table: one row per week, one cell per study year (one query)."""
    rows = (
        CalendarWeek.objects.filter(school_year=school_year)
        .filter(Q(option=None) | Q(option=option) if option else Q(option=None))
        .values_list("study_year", "monday", "kind", "option_id")
    )
    cells: dict[tuple[int, datetime.date], tuple[str, bool]] = {}
    for study_year, monday, kind, option_id in sorted(rows, key=lambda r: r[3] is not None):
        cells[(study_year, monday)] = (kind, option_id is not None)
    grid = []
    for monday in school_year_mondays(school_year.start_year):
        grid.append(
            {
                "monday": monday,
                "friday": friday_of(monday),
                "iso_week": monday.isocalendar()[1],
                "weeks": [Week(monday, *cells.get((y, monday), (None, False))) for y in (1, 2, 3)],
            }
        )
    return grid


def school_years_between(start: datetime.date, end: datetime.date) -> list[SchoolYear]:
    return list(SchoolYear.objects.filter(start_date__lte=end, end_date__gte=start).order_by("start_year"))


def current_and_next_school_years(today: datetime.date | None = None) -> list[SchoolYear]:
    """The school year under way on `today` (the latest started) and the next one, if they
    exist, in one query."""
    today = today or timezone.localdate()
    years = list(SchoolYear.objects.filter(start_year__in=[today.year - 1, today.year, today.year + 1]))
    started = [y for y in years if y.start_date <= today]
    if not started:
        return sorted(years, key=lambda y: y.start_year)[:1]
    current = max(started, key=lambda y: y.start_year)
    return [
        y
        for y in sorted(years, key=lambda y: y.start_year)
        if y.start_year in (current.start_year, current.start_year + 1)
    ]


# --- Calendars of many apprentices at once ---------------------------------------------


def session_monday(session: TapeSession) -> datetime.date:
    return monday_before(timezone.localdate(session.starts_at))


class _Group:
    """The calendar shared by every apprentice of one (school year, study year, option): its
    weeks, the option's overrides applied, and its TAPE sessions, computed once."""

    def __init__(self, school_year: SchoolYear, study_year: int, weeks: list[Week], sessions: list):
        self.school_year = school_year
        self.study_year = study_year
        self.weeks = weeks
        kinds = {week.monday: week.kind for week in weeks}
        # Sessions live in company weeks: a session in a week this calendar spends elsewhere
        # (an option at school while the common calendar is in the company) is not theirs.
        self.sessions = [s for s in sessions if kinds.get(session_monday(s)) in (None, WeekKind.COMPANY)]
        self.school_periods = runs_at_school(weeks)


class _Track:
    """Several school years of groups merged (shared by the apprentices who follow the same
    groups): school years overlap by a week or two in September, where the later school
    year's week wins if it is planned, else the earlier one's."""

    def __init__(self, groups: list[_Group]):
        self.groups = groups
        weeks: dict[datetime.date, Week] = {}
        for group in groups:  # earlier school years first
            for week in group.weeks:
                if week.kind is not None or week.monday not in weeks:
                    weeks[week.monday] = week
        self.weeks_by_monday = weeks
        self.weeks = [weeks[monday] for monday in sorted(weeks)]
        self.school_periods = runs_at_school(self.weeks)
        self.sessions = sorted((s for g in groups for s in g.sessions), key=lambda s: s.starts_at)
        self.sessions_by_monday: dict[datetime.date, list] = defaultdict(list)
        for session in self.sessions:
            self.sessions_by_monday[session_monday(session)].append(session)


@dataclass
class ApprenticeCalendar:
    """One apprentice's calendar over the school years asked for: their study year each year
    (from their enrolments), their weeks (their option's overrides applied), school periods,
    returns to school and TAPE sessions (only those in company weeks of their calendar)."""

    apprenticeship: Apprenticeship
    study_years: dict[int, int]  # school year id → study year
    track: _Track
    answers: dict[int, TapeAttendance] | None = None  # session id → answer (with_answers)

    def _group(self, school_year: SchoolYear | None) -> _Group | None:
        if school_year is None:
            return None
        return next((g for g in self.track.groups if g.school_year.pk == school_year.pk), None)

    def study_year_in(self, school_year: SchoolYear | None) -> int | None:
        return self.study_years.get(school_year.pk) if school_year else None

    def weeks(self, school_year: SchoolYear | None = None) -> list[Week]:
        """Every week of `school_year` (none: of every school year, merged), Monday order."""
        if school_year is None:
            return self.track.weeks
        group = self._group(school_year)
        return group.weeks if group else []

    def week(self, monday: datetime.date) -> Week | None:
        return self.track.weeks_by_monday.get(monday)

    def school_periods(
        self, school_year: SchoolYear | None = None
    ) -> list[tuple[datetime.date, datetime.date]]:
        """Each run of consecutive weeks at school, as (first Monday, last Friday)."""
        if school_year is None:
            return self.track.school_periods
        group = self._group(school_year)
        return group.school_periods if group else []

    def returns_to_school(self, start: datetime.date, end: datetime.date) -> list[datetime.date]:
        """The first Monday of each school period beginning between `start` and `end`."""
        returns = {
            first
            for group in self.track.groups
            if group.school_year.start_date <= end and group.school_year.end_date >= start
            for first, _last in group.school_periods
            if start <= first <= end
        }
        return sorted(returns)

    def next_return_to_school(self, today: datetime.date) -> datetime.date | None:
        upcoming = self.returns_to_school(today, today + NEXT_RETURN_HORIZON)
        return upcoming[0] if upcoming else None

    def is_during_school_time(self, start: datetime.date, end: datetime.date) -> bool:
        """Whether any day from `start` to `end` falls in a week spent at school."""
        return any(
            week.is_at_school and week.monday <= end and start <= week.friday
            for group in self.track.groups
            for week in group.weeks
        )

    def sessions(self, school_year: SchoolYear | None = None) -> list[TapeSession]:
        """Their TAPE sessions (of `school_year`, or of every school year), by start."""
        if school_year is None:
            return self.track.sessions
        group = self._group(school_year)
        return group.sessions if group else []

    def sessions_in_week(self, monday: datetime.date) -> list[TapeSession]:
        """The same list object for every apprentice sharing this calendar (do not mutate)."""
        return self.track.sessions_by_monday[monday]

    def answer(self, session: TapeSession) -> TapeAttendance | None:
        """Their answer about `session` (calendars_for(..., with_answers=True))."""
        return (self.answers or {}).get(session.pk)


NEXT_RETURN_HORIZON = datetime.timedelta(days=400)


def calendars_for(
    apprenticeships: Iterable[Apprenticeship],
    school_years: Iterable[SchoolYear],
    *,
    with_sessions: bool = True,
    with_answers: bool = False,
) -> list[ApprenticeCalendar]:
    """Each apprentice's calendar over `school_years`, in the order given, in at most four
    queries whatever the number of apprentices: their enrolments (none when prefetched with
    `with_enrolments()`), the calendar weeks of every (school year, study year, option) they
    need, the TAPE sessions of those study years (`with_sessions`), and the apprentices'
    answers about them (`with_answers`). Apprentices sharing a calendar share its computation,
    so a page or a feed of many apprentices costs little more than one."""
    apprenticeships = list(apprenticeships)
    school_years = sorted(school_years, key=lambda y: y.start_year)
    if not apprenticeships or not school_years:
        empty = _Track([])
        return [ApprenticeCalendar(a, {}, empty, {} if with_answers else None) for a in apprenticeships]
    by_id = {y.pk: y for y in school_years}
    enrolled = enrolled_study_years(apprenticeships, school_years)
    wanted = {
        (school_year_id, study_year, a.option_id)
        for a in apprenticeships
        for school_year_id, study_year in enrolled.get(a.pk, {}).items()
    }
    common: dict[tuple[int, int], dict[datetime.date, str]] = defaultdict(dict)
    overrides: dict[tuple[int, int, int], dict[datetime.date, str]] = defaultdict(dict)
    sessions: dict[tuple[int, int], list[TapeSession]] = defaultdict(list)
    if wanted:
        study_years = {key[1] for key in wanted}
        option_ids = {key[2] for key in wanted if key[2]}
        for school_year_id, study_year, option_id, monday, kind in (
            CalendarWeek.objects.filter(school_year_id__in=by_id, study_year__in=study_years)
            .filter(Q(option=None) | Q(option_id__in=option_ids))
            .order_by()
            .values_list("school_year_id", "study_year", "option_id", "monday", "kind")
        ):
            if option_id is None:
                common[(school_year_id, study_year)][monday] = kind
            else:
                overrides[(school_year_id, study_year, option_id)][monday] = kind
        if with_sessions:
            for session in TapeSession.objects.filter(
                school_year_id__in=by_id, study_year__in=study_years
            ).order_by("starts_at"):
                sessions[(session.school_year_id, session.study_year)].append(session)

    groups: dict[tuple[int, int, int | None], _Group] = {}
    for key in wanted:
        school_year_id, study_year, option_id = key
        base = common.get((school_year_id, study_year), {})
        own = overrides.get(key, {}) if option_id else {}
        weeks = [
            Week(monday, own.get(monday, base.get(monday)), monday in own)
            for monday in school_year_mondays(by_id[school_year_id].start_year)
        ]
        groups[key] = _Group(
            by_id[school_year_id], study_year, weeks, sessions.get((school_year_id, study_year), [])
        )

    answers: dict[int, dict[int, TapeAttendance]] = defaultdict(dict)
    if with_answers and with_sessions and wanted:
        for attendance in TapeAttendance.objects.filter(
            apprenticeship_id__in=[a.pk for a in apprenticeships], session__school_year_id__in=by_id
        ):
            answers[attendance.apprenticeship_id][attendance.session_id] = attendance

    tracks: dict[tuple, _Track] = {}
    result = []
    for apprenticeship in apprenticeships:
        years = enrolled.get(apprenticeship.pk, {})
        keys = tuple((y.pk, years[y.pk], apprenticeship.option_id) for y in school_years if y.pk in years)
        if keys not in tracks:
            tracks[keys] = _Track([groups[key] for key in keys])
        result.append(
            ApprenticeCalendar(
                apprenticeship,
                dict(years),
                tracks[keys],
                answers.get(apprenticeship.pk, {}) if with_answers else None,
            )
        )
    return result


def calendar_of(
    apprenticeship: Apprenticeship, school_years: Iterable[SchoolYear], **options
) -> ApprenticeCalendar:
    return calendars_for([apprenticeship], school_years, **options)[0]


def weeks_from(
    today: datetime.date, count: int | None, school_years: list[SchoolYear]
) -> list[datetime.date]:
    """`count` Mondays from this week on, or (None) every Monday of the current school year."""
    if count is None and school_years:
        return school_year_mondays(school_years[0].start_year)
    monday = monday_before(today)
    return [monday + datetime.timedelta(weeks=i) for i in range(count or 12)]


def company_rows(
    apprenticeships: list[Apprenticeship], mondays: list[datetime.date], school_years: list[SchoolYear]
) -> list[dict]:
    """The company table: one row per week, one cell per apprentice (week, TAPE sessions).
    Apprentices sharing a calendar share its weeks and their sessions per week (computed once
    in `calendars_for`): each cell is two dictionary look-ups."""
    calendars = calendars_for(apprenticeships, school_years)
    rows = []
    for monday in mondays:
        rows.append(
            {
                "monday": monday,
                "friday": friday_of(monday),
                "iso_week": monday.isocalendar()[1],
                "cells": [
                    {"week": calendar.week(monday), "sessions": calendar.sessions_in_week(monday)}
                    for calendar in calendars
                ],
            }
        )
    return rows


# --- One apprentice (the API other apps call): thin wrappers over calendars_for ---------


def apprentice_weeks(apprenticeship: Apprenticeship, school_year: SchoolYear) -> list[Week]:
    """The apprentice's weeks in a school year: their study year, their option's overrides."""
    return calendar_of(apprenticeship, [school_year], with_sessions=False).weeks(school_year)


def school_periods(
    apprenticeship: Apprenticeship, school_year: SchoolYear
) -> list[tuple[datetime.date, datetime.date]]:
    """Each run of consecutive weeks at school, as (first Monday, last Friday)."""
    return calendar_of(apprenticeship, [school_year], with_sessions=False).school_periods(school_year)


def runs_at_school(weeks: list[Week]) -> list[tuple[datetime.date, datetime.date]]:
    """Consecutive weeks at school merged into periods (first Monday, last Friday)."""
    periods: list[tuple[datetime.date, datetime.date]] = []
    for week in weeks:
        if not week.is_at_school:
            continue
        if periods and periods[-1][1] == week.monday - datetime.timedelta(days=3):
            periods[-1] = (periods[-1][0], week.friday)
        else:
            periods.append((week.monday, week.friday))
    return periods


def returns_to_school(
    apprenticeship: Apprenticeship, start: datetime.date, end: datetime.date
) -> list[datetime.date]:
    """The first Monday of each school period beginning between `start` and `end`
    (each one is a moment a fiche de liaison is due)."""
    school_years = school_years_between(start, end)
    return calendar_of(apprenticeship, school_years, with_sessions=False).returns_to_school(start, end)


def next_return_to_school(apprenticeship: Apprenticeship, today: datetime.date) -> datetime.date | None:
    upcoming = returns_to_school(apprenticeship, today, today + NEXT_RETURN_HORIZON)
    return upcoming[0] if upcoming else None


def is_during_school_time(apprenticeship: Apprenticeship, start: datetime.date, end: datetime.date) -> bool:
    """Whether any day from `start` to `end` falls in a week the apprentice spends at school."""
    school_years = school_years_between(monday_before(start), end)
    return calendar_of(apprenticeship, school_years, with_sessions=False).is_during_school_time(start, end)


def totals(school_year: SchoolYear, study_year: int, option: Option | None = None) -> dict:
    """Weeks and TAPE sessions as planned, beside the program's targets (never replaced by them)."""
    weeks = effective_weeks(school_year, study_year, option)
    sessions = list(
        TapeSession.objects.filter(school_year=school_year, study_year=study_year).values_list(
            "starts_at", "ends_at"
        )
    )
    tape_hours = sum((end - start).total_seconds() for start, end in sessions) / 3600
    computed = {
        "school_weeks": sum(w.is_at_school for w in weeks),
        "company_weeks": sum(w.kind in WeekKind.in_company() for w in weeks),
        "unplanned_weeks": sum(w.kind is None for w in weeks),
        "tape_sessions": len(sessions),
        "tape_hours": tape_hours,
    }
    targets = {
        "school_weeks": TARGET_SCHOOL_WEEKS,
        "company_weeks": TARGET_COMPANY_WEEKS,
        "tape_sessions": TARGET_TAPE_SESSIONS[study_year],
        "tape_hours": TARGET_TAPE_HOURS[study_year],
        "school_hours": TARGET_SCHOOL_HOURS[study_year],
        # The program's own figures disagree (46 × 3.5 = 161, not 160): shown, not hidden.
        "tape_sessions_hours": TARGET_TAPE_SESSIONS[study_year] * TAPE_SESSION_HOURS,
    }
    return {"computed": computed, "targets": targets}
