"""The dates set per school year and study year (yearly missions validated by, project
subject proposed by): scolarité's `Deadline` rows, else the settings' defaults."""

import datetime
from collections.abc import Iterable

from .models import Deadline
from .models.plans import default_due_date


def due_dates(kind: str, pairs: Iterable[tuple]) -> dict[tuple[int, int], datetime.date]:
    """(school year, study year) pairs → {(school year id, study year): due date}, one query."""
    pairs = list(pairs)
    set_by_scolarite = {
        (d.school_year_id, d.study_year): d.due_on
        for d in Deadline.objects.filter(kind=kind, school_year__in={sy.pk for sy, _ in pairs})
    }
    return {
        (sy.pk, study): set_by_scolarite.get((sy.pk, study)) or default_due_date(kind, sy)
        for sy, study in pairs
    }


def due_date(kind: str, school_year, study_year: int) -> datetime.date:
    return due_dates(kind, [(school_year, study_year)])[(school_year.pk, study_year)]
