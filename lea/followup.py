"""What the portal keeps in step with the calendar and the enrolments: each enrolled
apprenticeship's fiches de liaison (`lea.fiches`), and its yearly missions description and
project dossier (`lea.plans`), in the current and next school years. Run after a calendar
change, after an enrolment, and daily (which catches up whatever a lost task missed)."""

import datetime
from collections.abc import Iterable

from django.utils import timezone

from apprentissage.models import Apprenticeship, SchoolYear

from .fiches import follow_up_school_years, sync_fiches
from .plans import ensure_yearly_documents


def sync_follow_up(
    apprenticeships: Iterable[Apprenticeship] | None = None,
    *,
    school_years: Iterable[SchoolYear] | None = None,
    today: datetime.date | None = None,
) -> dict[str, int]:
    """Idempotent; a constant number of queries whatever the number of apprenticeships."""
    today = today or timezone.localdate()
    school_years = list(school_years) if school_years is not None else None
    counts = sync_fiches(apprenticeships, school_years=school_years, today=today)
    targets, _needed = follow_up_school_years(today)
    if school_years is not None:
        targets = [y for y in targets if y.pk in {s.pk for s in school_years}]
    ids = (
        list(Apprenticeship.objects.current().values_list("pk", flat=True))
        if apprenticeships is None
        else [a.pk for a in apprenticeships]
    )
    counts["plans"] = counts["projects"] = 0
    for school_year in targets:
        plans, projects = ensure_yearly_documents(ids, school_year)
        counts["plans"] += plans
        counts["projects"] += projects
    return counts
