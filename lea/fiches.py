"""The fiches de liaison the calendar calls for: one per company period that ends with a return
to school, created (and moved while nobody started them) by `sync_fiches`."""

import datetime
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone

from apprentissage.enums import EnrolmentStatus
from apprentissage.models import Apprenticeship, Enrolment, SchoolYear
from apprentissage.models.academics import school_year_start
from apprentissage.workflow import TransitionError, apply_transition
from planning.enums import WeekKind
from planning.selectors import ApprenticeCalendar, calendars_for

from .enums import FicheState
from .models import Fiche
from .models.competencies import framework_for

logger = logging.getLogger(__name__)

ENROLLED = (EnrolmentStatus.ENROLLED, EnrolmentStatus.REPEATING)
MOVABLE_FIELDS = ("number", "study_year", "period_start", "period_end", "return_on", "due_on")


@dataclass(frozen=True)
class Period:
    """A company period of the calendar that ends with a return to school."""

    period_start: datetime.date
    period_end: datetime.date
    return_on: datetime.date

    @property
    def due_on(self) -> datetime.date:
        return self.return_on + datetime.timedelta(days=settings.LEA_FICHE_APPRENTICE_DAYS)

    @property
    def opens_on(self) -> datetime.date:
        return self.return_on - datetime.timedelta(days=settings.LEA_FICHE_OPENS_DAYS_BEFORE)

    def overlaps(self, fiche: Fiche) -> bool:
        return self.period_start <= fiche.period_end and fiche.period_start <= self.period_end


def company_periods(
    calendar: ApprenticeCalendar, school_year: SchoolYear, apprenticeship: Apprenticeship
) -> list[Period]:
    """Each company period of the apprentice's calendar ending with a return to school in
    `school_year` (the first Monday of a school period from its rentrée to the next one's),
    from the Monday after the previous school period (or the contract start, if later) to the
    Friday before the return. A run of closure weeks alone is not a company period; a period
    ended before the contract start or begun after its end is none of theirs."""
    next_rentree = school_year_start(school_year.start_year + 1)
    weeks = calendar.weeks()  # every school year asked for, merged: a period may span the summer
    periods = []
    previous_end: datetime.date | None = None
    for first, last in calendar.school_periods():
        if school_year.start_date <= first < next_rentree:
            between = [
                w for w in weeks if w.monday < first and (previous_end is None or w.monday > previous_end)
            ]
            if any(w.kind in WeekKind.in_company() for w in between):
                if previous_end is not None:
                    period_start = previous_end + datetime.timedelta(days=3)
                else:
                    period_start = between[0].monday
                period_start = max(period_start, apprenticeship.contract_start)
                period_end = first - datetime.timedelta(days=3)
                if period_start <= period_end and period_start <= apprenticeship.contract_end:
                    periods.append(Period(period_start, period_end, first))
        previous_end = last
    return periods


@dataclass
class _Plan:
    """What `sync_fiches` does for one apprenticeship and school year."""

    create: list[tuple[int, Period]]
    move: list[tuple[Fiche, int, Period]]
    cancel: list[Fiche]

    def __bool__(self) -> bool:
        return bool(self.create or self.move or self.cancel)


def _plan(fiches: list[Fiche], periods: list[Period], study_year: int, today: datetime.date) -> _Plan:
    """Started fiches stay as they are and cover the periods they overlap; the fiches nobody
    started follow the remaining open periods in order (dates and number updated); a left-over
    unstarted fiche is cancelled, a left-over open period gets a new fiche. A period
    takes its rank in the year as number, unless a started fiche holds it."""
    started = [fiche for fiche in fiches if fiche.is_started]
    movable = sorted((fiche for fiche in fiches if not fiche.is_started), key=lambda f: (f.return_on, f.pk))
    taken = {fiche.number for fiche in started}
    free_above = max([len(periods), *taken, 0])
    numbered = []
    for rank, period in enumerate(periods, start=1):
        if any(period.overlaps(fiche) for fiche in started):
            continue
        if rank in taken:
            free_above += 1
            rank = free_above
        numbered.append((rank, period))
    # Only a period open to its fiche has one: a fiche whose period moved beyond that (or
    # vanished) is cancelled, and made again when its period opens.
    opened = [(number, period) for number, period in numbered if today >= period.opens_on]
    plan = _Plan(create=[], move=[], cancel=movable[len(opened) :])
    for index, (number, period) in enumerate(opened):
        if index < len(movable):
            fiche = movable[index]
            target = {
                "number": number,
                "study_year": study_year,
                "period_start": period.period_start,
                "period_end": period.period_end,
                "return_on": period.return_on,
                "due_on": period.due_on,
            }
            if any(getattr(fiche, name) != value for name, value in target.items()):
                plan.move.append((fiche, number, period))
        else:
            plan.create.append((number, period))
    return plan


def follow_up_school_years(today: datetime.date) -> tuple[list[SchoolYear], list[SchoolYear]]:
    """(the school years fiches are made for: the current one and the next, the school years
    whose calendars they need: the previous one too, for a company period over the summer)."""
    years = list(
        SchoolYear.objects.filter(start_year__in=[today.year - 2, today.year - 1, today.year, today.year + 1])
    )
    started = [y for y in years if y.start_date <= today]
    if not started:
        return [], []
    current = max(started, key=lambda y: y.start_year)
    targets = [y for y in years if y.start_year in (current.start_year, current.start_year + 1)]
    needed = [y for y in years if current.start_year - 1 <= y.start_year <= current.start_year + 1]
    return sorted(targets, key=lambda y: y.start_year), needed


def sync_fiches(
    apprenticeships: Iterable[Apprenticeship] | None = None,
    *,
    school_years: Iterable[SchoolYear] | None = None,
    today: datetime.date | None = None,
) -> dict[str, int]:
    """Make the fiches de liaison follow the calendar, for `apprenticeships` (default: every
    current one) enrolled (or repeating) in the current and next school years (those of
    `school_years` only, when given). Idempotent; the calendars of all apprentices are read
    in a constant number of queries, and a run with nothing to change writes nothing.

    Side effects: new fiches (the option's framework frozen on them); unstarted fiches moved
    (their history records it) or cancelled through the fiche workflow (audited)."""
    today = today or timezone.localdate()
    targets, needed = follow_up_school_years(today)
    if school_years is not None:  # only those still to come: a past year's fiches are history
        wanted = {y.pk for y in school_years}
        targets = [y for y in targets if y.pk in wanted]
    counts = {"created": 0, "moved": 0, "cancelled": 0}
    if not targets:
        return counts
    queryset = (
        Apprenticeship.objects.current()
        if apprenticeships is None
        else Apprenticeship.objects.filter(pk__in=[a.pk for a in apprenticeships]).current()
    )
    apprenticeships = list(
        queryset.filter(enrolments__school_year__in=targets, enrolments__status__in=ENROLLED)
        .distinct()
        .select_related("option")
        .prefetch_related(
            Prefetch(
                "enrolments",
                queryset=Enrolment.objects.filter(school_year__in=needed, status__in=ENROLLED),
            )
        )
        .order_by("pk")
    )
    if not apprenticeships:
        return counts
    calendars = calendars_for(apprenticeships, needed, with_sessions=False)
    existing: dict[tuple[int, int], list[Fiche]] = defaultdict(list)
    for fiche in Fiche.objects.live().filter(
        apprenticeship__in=[a.pk for a in apprenticeships], school_year__in=targets
    ):
        existing[(fiche.apprenticeship_id, fiche.school_year_id)].append(fiche)
    frameworks: dict[int, list[dict]] = {}
    for calendar in calendars:
        apprenticeship = calendar.apprenticeship
        for school_year in targets:
            study_year = calendar.study_year_in(school_year)
            if study_year is None:
                continue
            periods = company_periods(calendar, school_year, apprenticeship)
            fiches = existing.get((apprenticeship.pk, school_year.pk), [])
            if not _plan(fiches, periods, study_year, today):
                continue
            if apprenticeship.option_id not in frameworks:
                frameworks[apprenticeship.option_id] = framework_for(apprenticeship.option)
            done = _apply(apprenticeship, school_year, study_year, periods, today, frameworks)
            for key, value in done.items():
                counts[key] += value
    return counts


def _apply(apprenticeship, school_year, study_year, periods, today, frameworks) -> dict[str, int]:
    """Carry out the plan of one apprenticeship and school year on its fiches, locked (a
    concurrent run or an apprentice starting a fiche meanwhile is seen)."""
    counts = {"created": 0, "moved": 0, "cancelled": 0}
    try:
        with transaction.atomic():
            fiches = list(
                Fiche.objects.live()
                .select_for_update()
                .filter(apprenticeship=apprenticeship, school_year=school_year)
            )
            plan = _plan(fiches, periods, study_year, today)
            for fiche in plan.cancel:
                apply_transition(_workflow(), fiche, "cancel", actor=None, by_system=True)
                counts["cancelled"] += 1
            # Numbers out of the way first: two moved fiches may swap them.
            renumbered = [fiche for fiche, number, _period in plan.move if fiche.number != number]
            for offset, fiche in enumerate(renumbered, start=1):
                fiche.number = 1000 + offset
                fiche.save(update_fields=["number"])
            for fiche, number, period in plan.move:
                fiche.number = number
                fiche.study_year = study_year
                fiche.period_start = period.period_start
                fiche.period_end = period.period_end
                fiche.return_on = period.return_on
                fiche.due_on = period.due_on
                fiche.save(update_fields=list(MOVABLE_FIELDS))
                counts["moved"] += 1
            for number, period in plan.create:
                Fiche.objects.create(
                    apprenticeship=apprenticeship,
                    school_year=school_year,
                    study_year=study_year,
                    number=number,
                    period_start=period.period_start,
                    period_end=period.period_end,
                    return_on=period.return_on,
                    due_on=period.due_on,
                    framework=frameworks[apprenticeship.option_id],
                    state=FicheState.DRAFT,
                )
                counts["created"] += 1
    except (IntegrityError, TransitionError):
        # A concurrent run got there first: the next run finds the fiches in place.
        logger.info(
            "Fiches of apprenticeship %s not synchronised this time", apprenticeship.pk, exc_info=True
        )
        return {"created": 0, "moved": 0, "cancelled": 0}
    return counts


def _workflow():
    from .workflows.fiches import FICHE_WORKFLOW

    return FICHE_WORKFLOW
