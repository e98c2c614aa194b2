"""ISO-week arithmetic: the one place that knows how school years map to weeks."""

import datetime

from apprentissage.models.academics import school_year_end, school_year_start


def monday_of(iso_year: int, iso_week: int) -> datetime.date:
    return datetime.date.fromisocalendar(iso_year, iso_week, 1)


def friday_of(monday: datetime.date) -> datetime.date:
    return monday + datetime.timedelta(days=4)


def monday_before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def iso_week(day: datetime.date) -> tuple[int, int]:
    year, week, _weekday = day.isocalendar()
    return year, week


def weeks_in_iso_year(iso_year: int) -> int:
    """52 or 53: 28 December is always in the last ISO week of its year."""
    return datetime.date(iso_year, 12, 28).isocalendar()[1]


def school_year_mondays(start_year: int) -> list[datetime.date]:
    """Every Monday from the rentrée (week 38) to week 39 of the next year, inclusive."""
    monday = school_year_start(start_year)
    last = monday_before(school_year_end(start_year))
    mondays = []
    while monday <= last:
        mondays.append(monday)
        monday += datetime.timedelta(days=7)
    return mondays
