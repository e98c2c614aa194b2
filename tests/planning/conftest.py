import datetime

import pytest

from planning.enums import WeekKind
from planning.services import set_week_kinds
from planning.weeks import school_year_mondays
from tests import factories as f

K = WeekKind


def plan(school_year, study_year, pattern: dict[int, str], default=K.COMPANY, option=None, actor=None):
    """Plan a whole study year: ISO week number → kind, every other week `default`
    (a number applies to its first occurrence: weeks 38-39 come twice in a school year)."""
    changes, seen = [], set()
    for monday in school_year_mondays(school_year.start_year):
        number = monday.isocalendar()[1]
        changes.append((study_year, monday, pattern.get(number, default) if number not in seen else default))
        seen.add(number)
    return set_week_kinds(
        school_year=school_year, changes=changes, option=option, actor=actor, description="plan"
    )


@pytest.fixture
def year_2025(db):
    return f.SchoolYearFactory(start_year=2025)


@pytest.fixture
def year_2026(db):
    return f.SchoolYearFactory(start_year=2026)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


@pytest.fixture(autouse=True)
def _empty_feed_cache():
    """Built feeds are cached by ETag; no test sees another's."""
    from django.core.cache import cache

    cache.clear()
