"""The dates set per school year and study year (yearly missions validated by, project
subject proposed by): scolarité's `Deadline` rows, else the settings' defaults."""

import datetime
from collections.abc import Iterable

from .enums import DeadlineKind
from .models import Deadline
from .models.plans import default_due_date

YEARLY_KINDS = (DeadlineKind.MISSIONS, DeadlineKind.SUBJECT)


def yearly_due_dates(
    pairs: Iterable[tuple], kinds: Iterable[str] = YEARLY_KINDS
) -> dict[tuple[str, int, int], datetime.date]:
    """(school year, study year) pairs → {(kind, school year id, study year): due date} of
    each of `kinds` (default: both yearly kinds), one query for all (none without pairs)."""
    pairs = list({(sy.pk, study): (sy, study) for sy, study in pairs}.values())
    kinds = list(kinds)
    if not pairs:
        return {}
    set_by_scolarite = {
        (d.kind, d.school_year_id, d.study_year): d.due_on
        for d in Deadline.objects.filter(kind__in=kinds, school_year__in={sy.pk for sy, _s in pairs})
    }
    return {
        (kind, sy.pk, study): set_by_scolarite.get((kind, sy.pk, study)) or default_due_date(kind, sy)
        for kind in kinds
        for sy, study in pairs
    }


def due_dates(kind: str, pairs: Iterable[tuple]) -> dict[tuple[int, int], datetime.date]:
    """(school year, study year) pairs → {(school year id, study year): due date}, one query."""
    return {
        (school_year_id, study): day
        for (_kind, school_year_id, study), day in yearly_due_dates(pairs, [kind]).items()
    }


def due_date(kind: str, school_year, study_year: int) -> datetime.date:
    return due_dates(kind, [(school_year, study_year)])[(school_year.pk, study_year)]
