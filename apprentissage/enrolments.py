"""Enrolments: in which study year each apprenticeship is, school year by school year.

The writes scolarité makes (enrol one apprentice, roll a whole school year over) and the one
recruitment calls when a contract is registered. Each function is one transaction.

Statuses: `enrolled` (the normal case), `repeating` (a second year in the same study year:
the enrolment of the repeated year), `suspended` and `left` (not re-enrolled by the roll-over).
"""

import datetime

from django.db import transaction

from apprentissage.enums import EnrolmentStatus, StudyYear
from apprentissage.models import Apprenticeship, Enrolment, SchoolYear


@transaction.atomic
def enrol(
    apprenticeship: Apprenticeship,
    school_year: SchoolYear,
    study_year: int,
    status: str = EnrolmentStatus.ENROLLED,
    *,
    actor,
) -> Enrolment:
    """Enrol `apprenticeship` in `school_year` at `study_year` (or change its enrolment there).
    Side effects: the enrolment and its history row; nothing is written when it is unchanged."""
    study_year = StudyYear(study_year)
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(apprenticeship=apprenticeship, school_year=school_year)
        .first()
    )
    if enrolment is None:
        enrolment = Enrolment(apprenticeship=apprenticeship, school_year=school_year)
    elif enrolment.study_year == study_year and enrolment.status == status:
        return enrolment
    enrolment.study_year = study_year
    enrolment.status = status
    enrolment._history_user = actor
    enrolment.save()
    apprenticeship.forget_enrolments()
    return enrolment


def next_enrolment(previous: Enrolment) -> tuple[StudyYear, str] | None:
    """What the roll-over proposes after `previous`: the next study year (a repeated year
    passed moves up too), nothing after 3A, nor for those who left or are suspended."""
    if previous.status in (EnrolmentStatus.LEFT, EnrolmentStatus.SUSPENDED):
        return None
    if previous.study_year >= StudyYear.THIRD:
        return None
    return StudyYear(previous.study_year + 1), EnrolmentStatus.ENROLLED


@transaction.atomic
def enrol_next_year(school_year: SchoolYear, *, actor) -> dict[str, int]:
    """Roll-over into `school_year`: each current apprenticeship enrolled in the previous school
    year moves up one study year. Apprenticeships already enrolled in `school_year` keep that
    enrolment (so a repeated year decided beforehand with `enrol(..., status=repeating)` stays);
    those who left, are suspended, finished 3A, or whose contract ended are not re-enrolled.
    Current apprenticeships with no enrolment at all (registered before `school_year` existed)
    are enrolled at their cohort's nominal study year. Idempotent. Side effects: the new
    enrolments and their history rows (three queries and a bulk insert).
    Returns {"enrolled", "kept", "not_continuing"}."""
    from simple_history.utils import bulk_create_with_history

    previous = (
        Enrolment.objects.filter(school_year__start_year=school_year.start_year - 1)
        .filter(apprenticeship__in=Apprenticeship.objects.current())
        .order_by("pk")
    )
    already = set(
        Enrolment.objects.filter(school_year=school_year).values_list("apprenticeship_id", flat=True)
    )
    new, kept, stopped = [], 0, 0
    for enrolment in previous:
        if enrolment.apprenticeship_id in already:
            kept += 1
            continue
        proposal = next_enrolment(enrolment)
        if proposal is None:
            stopped += 1
            continue
        study_year, status = proposal
        new.append(
            Enrolment(
                apprenticeship_id=enrolment.apprenticeship_id,
                school_year=school_year,
                study_year=study_year,
                status=status,
            )
        )
    newcomers = Apprenticeship.objects.current().filter(enrolments=None).select_related("cohort")
    for apprenticeship in newcomers.order_by("pk"):
        study_year = apprenticeship.cohort.study_year_in(school_year)
        if study_year is not None:
            new.append(
                Enrolment(apprenticeship=apprenticeship, school_year=school_year, study_year=study_year)
            )
    if new:
        bulk_create_with_history(new, Enrolment, default_user=actor)
    return {"enrolled": len(new), "kept": kept, "not_continuing": stopped}


def school_year_of_contract(start: datetime.date) -> int:
    """The start year of the school year a contract starting on `start` belongs to: contracts
    start in the summer before the rentrée (week 38), so July to December → that year."""
    return start.year if start.month >= 7 else start.year - 1


def enrol_new_apprenticeship(apprenticeship: Apprenticeship, *, actor) -> Enrolment | None:
    """A new apprenticeship is enrolled in the school year its contract starts in, at its
    cohort's nominal study year. Nothing when that school year is not created yet (the
    roll-over into it, `enrol_next_year`, enrols it then) or the cohort has no study year then."""
    school_year = SchoolYear.objects.filter(
        start_year=school_year_of_contract(apprenticeship.contract_start)
    ).first()
    study_year = apprenticeship.cohort.study_year_in(school_year) if school_year else None
    if study_year is None:
        return None
    return enrol(apprenticeship, school_year, study_year, actor=actor)
