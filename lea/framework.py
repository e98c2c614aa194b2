"""Scolarité's settings of the LEA: the competency framework (blocks and competencies,
retired rather than deleted: fiches keep the copy they were filled with) and the yearly
deadlines (`lea.deadlines`)."""

import datetime

from django.db import transaction
from django.db.models import F, Prefetch

from apprentissage.models import SchoolYear

from .models import Competency, CompetencyBlock, Deadline
from .models.plans import default_due_date


def framework_blocks() -> list[CompetencyBlock]:
    """Every block, common ones first then by option, each with all its competencies
    (retired ones too), in two queries."""
    return list(
        CompetencyBlock.objects.select_related("option")
        .prefetch_related(Prefetch("competencies", queryset=Competency.objects.order_by("position", "pk")))
        .order_by(F("option__name").asc(nulls_first=True), "position", "pk")
    )


@transaction.atomic
def set_competency_active(competency: Competency, *, active: bool) -> Competency:
    """Retire a competency (no new fiche rates it) or bring it back; never deleted."""
    competency.is_active = active
    competency.save(update_fields=["is_active"])
    return competency


def deadline_school_years(today: datetime.date | None = None) -> list[SchoolYear]:
    """The school years scolarité sets dates for: the current one and the next (when it exists)."""
    current = SchoolYear.objects.current(today)
    if current is None:
        return []
    return list(SchoolYear.objects.filter(start_year__in=[current.start_year, current.start_year + 1]))


def set_dates(school_years) -> dict[tuple[int, int, str], datetime.date]:
    """Scolarité's dates of `school_years`: {(school year id, study year, kind): date}."""
    return {
        (d.school_year_id, d.study_year, d.kind): d.due_on
        for d in Deadline.objects.filter(school_year__in=school_years)
    }


@transaction.atomic
def save_deadlines(rows: list[dict], values: dict, actor=None) -> int:
    """Store the dates of the deadlines form: a date differing from the one in force is
    recorded; one equal to the default with no date set stays the default. Returns how many
    dates changed."""
    existing = {
        (d.school_year_id, d.study_year, d.kind): d
        for d in Deadline.objects.select_for_update().filter(
            school_year__in={row["school_year"].pk for row in rows}
        )
    }
    changed = 0
    for row in rows:
        value = values[row["name"]]
        key = (row["school_year"].pk, row["study_year"].value, row["kind"].value)
        deadline = existing.get(key)
        if deadline is None:
            if value == default_due_date(row["kind"], row["school_year"]):
                continue
            deadline = Deadline(
                school_year=row["school_year"], study_year=row["study_year"], kind=row["kind"], due_on=value
            )
        elif deadline.due_on == value:
            continue
        deadline.due_on = value
        deadline._history_user = actor
        deadline.save()
        changed += 1
    return changed
