"""Demo data of planning: the alternance calendars of the previous and the current school
year, one option's override, the current year's TAPE sessions and the demo apprentice's
answers to them.

Called by `load_demo` after `apprentissage.demo.load()`, with its `DemoContext`.

The calendars are written through `services.set_week_kinds` by scolarité, as from the
grid, so each study year's calendar is one entry of the audit trail (dated in June, when
the school plans its next year). The rhythm is data (`RHYTHM` below), the same for every
school year: a run of weeks "52 to 1" spans three weeks (52, 53, 1) in a year with an ISO
week 53, such as 2026-2027, whose 55 Mondays leave three weeks out of the 18 + 34.

Idempotent: `set_week_kinds` writes only the weeks that differ (and records nothing when
none does); TAPE sessions are generated (`tape.generate_sessions`) only for a study year
that has none yet; the demo apprentice's answers go through `tape.record_attendance` only
where they differ from those recorded.
"""

import datetime

from django.utils import timezone

from apprentissage.demo import DemoContext
from apprentissage.models import Apprenticeship, SchoolYear

from . import selectors, services, tape
from .enums import TARGET_COMPANY_WEEKS, TARGET_SCHOOL_WEEKS, WeekKind
from .models import CalendarEdit, CalendarWeek, TapeAttendance, TapeSession
from .weeks import school_year_mondays

K = WeekKind

# Each study year's weeks, from week 38 (the rentrée) to week 39 of the next year, as
# consecutive runs (first ISO week, last ISO week, kind). A run "52 to 1" covers the
# year's turn (weeks 52, [53,] 1). Each study year: 18 weeks at school (the special
# weeks count as school weeks), 34 in the company, the rest closed (Christmas).
RHYTHM: dict[int, list[tuple[int, int, str]]] = {
    1: [
        (38, 38, K.RENTREE),  # the seed's fixed weeks: rentrée pédagogique,
        (39, 39, K.PROPEDEUTIC),  # then the semaine propédeutique,
        (40, 40, K.SCHOOL),  # and a first week of lessons
        (41, 44, K.COMPANY),
        (45, 47, K.SCHOOL),
        (48, 51, K.COMPANY),
        (52, 1, K.CLOSURE),  # Christmas
        (2, 3, K.SCHOOL),
        (4, 7, K.COMPANY),
        (8, 10, K.SCHOOL),
        (11, 14, K.COMPANY),
        (15, 17, K.SCHOOL),
        (18, 21, K.COMPANY),
        (22, 23, K.SCHOOL),
        (24, 27, K.COMPANY),
        (28, 29, K.SCHOOL),
        (30, 39, K.COMPANY),  # the summer in the company (paid holidays taken there)
    ],
    2: [
        (38, 39, K.COMPANY),  # the same weeks as the end of their first year
        (40, 42, K.SCHOOL),
        (43, 46, K.COMPANY),
        (47, 49, K.SCHOOL),
        (50, 51, K.COMPANY),
        (52, 1, K.CLOSURE),  # Christmas
        (2, 4, K.SCHOOL),
        (5, 9, K.COMPANY),
        (10, 12, K.SCHOOL),
        (13, 17, K.COMPANY),
        (18, 20, K.SCHOOL),
        (21, 25, K.COMPANY),
        (26, 28, K.SCHOOL),
        (29, 39, K.COMPANY),
    ],
    3: [
        (38, 40, K.COMPANY),
        (41, 43, K.SCHOOL),
        (44, 48, K.COMPANY),
        (49, 51, K.SCHOOL),
        (52, 1, K.CLOSURE),  # Christmas
        (2, 5, K.COMPANY),
        (6, 8, K.SCHOOL),
        (9, 12, K.COMPANY),
        (13, 15, K.SCHOOL),
        (16, 19, K.COMPANY),
        (20, 21, K.SCHOOL),
        (22, 24, K.COMPANY),
        (25, 26, K.SCHOOL),
        (27, 37, K.COMPANY),  # the end-of-studies project: no TAPE session in it
        (38, 39, K.DEFENCES),  # the seed's week 38 of the next year: soutenances de fin d'études
    ],
}

# The current year's override shown in the demo: Matériaux's 2A go back to school one
# week later in the spring (their characterisation platform is booked), so week 18 is a
# company week and week 21 a school week for them — still 18 + 34.
OPTION_OVERRIDE = ("materiaux", 2, [(18, K.COMPANY), (21, K.SCHOOL)])

# TAPE sessions of the current year: (weekday 0-4, local start time) of the 3.5 h sessions,
# and how many company weeks carry them (the first ones of the year, before the summer),
# so that the counts meet the program's 46 / 40 / 26 sessions.
TAPE_SLOTS = {
    1: [(1, datetime.time(9)), (3, datetime.time(9))],  # Tuesday and Thursday, 9:00-12:30
    2: [(1, datetime.time(9)), (3, datetime.time(9))],
    # 3A, shorter schedule: Monday and Wednesday afternoons, Friday morning (3 a week, then 2).
    3: [(0, datetime.time(13, 30)), (2, datetime.time(13, 30)), (4, datetime.time(8, 30))],
}
TAPE_WEEKS = {1: 23, 2: 20, 3: 10}
TAPE_3A_FULL_WEEKS = 6  # 3A: 3 sessions a week for 6 weeks, then 2 (6 × 3 + 4 × 2 = 26)
SCOLARITE = "scolarite@example.com"
APPRENTICE = "apprenti@example.com"
MISSED = ["Intervention urgente sur la ligne 3", "Audit client"]


class DemoDataError(RuntimeError):
    """The demo's own data is wrong (a rhythm off the 18/34 split): fail loudly."""


def load(ctx: DemoContext) -> None:
    actor = ctx.people[SCOLARITE]
    for school_year in (ctx.previous_year, ctx.current_year):
        _load_calendar(school_year, actor)
    _load_override(ctx, actor)
    _load_tape_sessions(ctx.current_year, actor)
    _load_attendance(ctx)


def expand(runs: list[tuple[int, int, str]], start_year: int) -> list[tuple[datetime.date, str]]:
    """(Monday, kind) for every week of the school year, from the runs; each run must start
    where the previous one ended and the last must end on the year's last week."""
    mondays = school_year_mondays(start_year)
    weeks: list[tuple[datetime.date, str]] = []
    for first, last, kind in runs:
        if len(weeks) == len(mondays) or mondays[len(weeks)].isocalendar()[1] != first:
            raise DemoDataError(
                f"Run {first}-{last} ({kind}) does not follow the previous one ({start_year})."
            )
        while True:
            if len(weeks) == len(mondays):
                raise DemoDataError(f"Run {first}-{last} ({kind}) runs past the school year ({start_year}).")
            monday = mondays[len(weeks)]
            weeks.append((monday, kind))
            if monday.isocalendar()[1] == last:
                break
    if len(weeks) != len(mondays):
        raise DemoDataError(
            f"The runs stop at {weeks[-1][0]}, before the end of {start_year}-{start_year + 1}."
        )
    return weeks


def _check_split(school_year: SchoolYear, study_year: int, option=None) -> None:
    computed = selectors.totals(school_year, study_year, option)["computed"]
    found = (computed["school_weeks"], computed["company_weeks"], computed["unplanned_weeks"])
    if found != (TARGET_SCHOOL_WEEKS, TARGET_COMPANY_WEEKS, 0):
        raise DemoDataError(
            f"{school_year.label} {study_year}A{f' ({option})' if option else ''}: {found[0]} school, "
            f"{found[1]} company, {found[2]} unplanned weeks instead of "
            f"{TARGET_SCHOOL_WEEKS}/{TARGET_COMPANY_WEEKS}/0."
        )


def _dated(edit: CalendarEdit | None, when: datetime.datetime) -> None:
    """Date an edit when scolarité would have made it (the grid stamps 'now')."""
    if edit is not None:
        CalendarEdit.objects.filter(pk=edit.pk).update(made_at=when)


def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _load_calendar(school_year: SchoolYear, actor) -> None:
    planned_on = datetime.date(school_year.start_year, 6, 15)
    for study_year, runs in RHYTHM.items():
        edit = services.set_week_kinds(
            school_year=school_year,
            changes=[(study_year, monday, kind) for monday, kind in expand(runs, school_year.start_year)],
            actor=actor,
            description=f"Calendrier {study_year}A {school_year.label} (planning prévisionnel)",
        )
        _dated(edit, _at(planned_on, 9 + study_year))
        _check_split(school_year, study_year)


def _load_override(ctx: DemoContext, actor) -> None:
    code, study_year, weeks = OPTION_OVERRIDE
    option = ctx.options[code]
    school_year = ctx.current_year
    edit = services.set_week_kinds(
        school_year=school_year,
        option=option,
        changes=[(study_year, _week_monday(school_year, number), kind) for number, kind in weeks],
        actor=actor,
        description=f"{option.name} {study_year}A : retour à l'école décalé d'une semaine au printemps",
    )
    _dated(edit, _at(datetime.date(school_year.start_year, 7, 3), 14))
    _check_split(school_year, study_year, option)


def _week_monday(school_year: SchoolYear, number: int) -> datetime.date:
    """The Monday of ISO week `number` in the school year (its first occurrence)."""
    return next(m for m in school_year_mondays(school_year.start_year) if m.isocalendar()[1] == number)


def _tape_weeks(school_year: SchoolYear, study_year: int) -> list[datetime.date]:
    """The company weeks that carry TAPE sessions: the first `TAPE_WEEKS` company weeks of
    the common calendar that no option turns into another kind (the option's apprentices
    would not see a session in their school week), never in the last company period of 3A
    (the end-of-studies project, which `tape.generate_sessions` also leaves out)."""
    weeks = selectors.effective_weeks(school_year, study_year)
    overridden = set(
        CalendarWeek.objects.filter(school_year=school_year, study_year=study_year)
        .exclude(option=None)
        .exclude(kind=K.COMPANY)
        .values_list("monday", flat=True)
    )
    if study_year == 3:
        end = max(i for i, w in enumerate(weeks) if w.kind == K.COMPANY)
        while end > 0 and weeks[end - 1].kind == K.COMPANY:
            end -= 1
        weeks = weeks[:end]
    mondays = [w.monday for w in weeks if w.kind == K.COMPANY and w.monday not in overridden]
    return mondays[: TAPE_WEEKS[study_year]]


def _load_tape_sessions(school_year: SchoolYear, actor) -> None:
    """Scolarité generates each study year's sessions from its weekly pattern, week by week
    (the generator covers a range of weeks; the demo picks its weeks one by one)."""
    for study_year in (1, 2, 3):
        if TapeSession.objects.filter(school_year=school_year, study_year=study_year).exists():
            continue  # already planned (by an earlier run, or adjusted by scolarité since): kept
        for index, monday in enumerate(_tape_weeks(school_year, study_year)):
            slots = TAPE_SLOTS[study_year]
            if study_year == 3 and index >= TAPE_3A_FULL_WEEKS:
                slots = slots[:2]
            tape.generate_sessions(
                school_year=school_year,
                study_year=study_year,
                pattern=slots,
                first_week=monday,
                last_week=monday,
                actor=actor,
            )


def _load_attendance(ctx: DemoContext) -> None:
    """The demo apprentice answered every past session: followed, except two in the last
    four weeks, so scolarité sees (and is notified of) the missed-session pattern. Recorded
    through `tape.record_attendance`, as from their page, only where the answer differs."""
    apprenticeship = Apprenticeship.objects.select_related("cohort").get(apprentice=ctx.people[APPRENTICE])
    study_year = apprenticeship.study_year_in(ctx.current_year)
    past = list(
        TapeSession.objects.filter(
            school_year=ctx.current_year, study_year=study_year, starts_at__lt=_at(ctx.today, 0)
        ).order_by("starts_at")
    )
    recent = [s for s in past if s.starts_at >= _at(ctx.today - datetime.timedelta(weeks=4), 0)]
    # The latest recent session and the one two before it (not the same week's pair).
    missed = dict(zip([s.pk for s in reversed(recent[::-1][::2][: len(MISSED)])], MISSED, strict=False))
    answers = {
        a.session_id: (a.followed, a.reason)
        for a in TapeAttendance.objects.filter(apprenticeship=apprenticeship, session__in=past)
    }
    for session in past:
        answer = (session.pk not in missed, missed.get(session.pk, ""))
        if answers.get(session.pk) != answer:
            tape.record_attendance(
                session=session,
                apprenticeship=apprenticeship,
                followed=answer[0],
                reason=answer[1],
                actor=apprenticeship.apprentice,
            )
