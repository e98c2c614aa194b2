"""The calendar API other apps call (LEA: when is a fiche de liaison due; evaluation: is a
stay abroad outside school time). Every function runs a constant number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from apprentissage.models import Apprenticeship, Option, SchoolYear

from .enums import (
    TAPE_SESSION_HOURS,
    TARGET_COMPANY_WEEKS,
    TARGET_SCHOOL_HOURS,
    TARGET_SCHOOL_WEEKS,
    TARGET_TAPE_HOURS,
    TARGET_TAPE_SESSIONS,
    WeekKind,
)
from .models import CalendarWeek, TapeSession
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


def apprentice_weeks(apprenticeship: Apprenticeship, school_year: SchoolYear) -> list[Week]:
    """The apprentice's weeks in a school year: their study year, their option's overrides."""
    study_year = apprenticeship.cohort.study_year_in(school_year)
    if study_year is None:
        return []
    return effective_weeks(school_year, study_year, apprenticeship.option)


def school_periods(
    apprenticeship: Apprenticeship, school_year: SchoolYear
) -> list[tuple[datetime.date, datetime.date]]:
    """Each run of consecutive weeks at school, as (first Monday, last Friday)."""
    return runs_at_school(apprentice_weeks(apprenticeship, school_year))


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
    returns = []
    for school_year in school_years_between(start, end):
        returns += [
            first for first, _last in school_periods(apprenticeship, school_year) if start <= first <= end
        ]
    return sorted(set(returns))


def next_return_to_school(apprenticeship: Apprenticeship, today: datetime.date) -> datetime.date | None:
    upcoming = returns_to_school(apprenticeship, today, today + datetime.timedelta(days=400))
    return upcoming[0] if upcoming else None


def is_during_school_time(apprenticeship: Apprenticeship, start: datetime.date, end: datetime.date) -> bool:
    """Whether any day from `start` to `end` falls in a week the apprentice spends at school."""
    first_monday = monday_before(start)
    for school_year in school_years_between(first_monday, end):
        for week in apprentice_weeks(apprenticeship, school_year):
            if week.is_at_school and week.monday <= end and start <= week.friday:
                return True
    return False


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
