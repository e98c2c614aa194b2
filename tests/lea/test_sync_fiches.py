"""Fiches de liaison made from the calendar (lea.fiches.sync_fiches): one per company period
ending with a return to school, moved with the calendar while nobody started them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apprentissage.enums import EnrolmentStatus
from apprentissage.models import Enrolment
from apprentissage.workflow import TransitionLog
from lea.enums import FicheState
from lea.fiches import sync_fiches
from lea.models import Fiche
from planning.services import set_week_kinds, undo_last_edit
from tests import factories as f
from tests.planning.conftest import K, d, plan

TODAY = d("2026-11-24")

# 2A in 2026-2027: rentrée weeks 38-39, school weeks 45-46, 49-50, 2-3 (2027); company otherwise.
SCHOOL_2A = {38: K.RENTREE, 39: K.SCHOOL, 45: K.SCHOOL, 46: K.SCHOOL, 49: K.SCHOOL, 50: K.SCHOOL, 2: K.SCHOOL}


def monday(year: int, week: int) -> datetime.date:
    return datetime.date.fromisocalendar(year, week, 1)


@pytest.fixture
def calendar_2a(world):
    from apprentissage.models import SchoolYear

    year = SchoolYear.objects.get(start_year=2026)
    plan(year, 2, SCHOOL_2A)
    return year


def fiches_of(apprenticeship):
    return list(Fiche.objects.filter(apprenticeship=apprenticeship).order_by("return_on", "pk"))


def dates(fiche):
    return (fiche.number, fiche.period_start, fiche.period_end, fiche.return_on, fiche.due_on)


def test_fiches_from_the_calendar(world, calendar_2a, settings):
    settings.LEA_FICHE_APPRENTICE_DAYS = 5
    f.CompetencyFactory(label="Concevoir", block__name="Communes")
    f.CompetencyFactory(label="Piloter", block__option=world.own.option)
    f.CompetencyFactory(label="Énergie", block__option=world.other.option)

    counts = sync_fiches(today=TODAY)

    fiches = fiches_of(world.own)
    # The rentrée has no company period before it; week 2 opens on 28/12 (14 days before).
    assert [dates(fiche) for fiche in fiches] == [
        (1, d("2026-09-28"), d("2026-10-30"), d("2026-11-02"), d("2026-11-07")),
        (2, d("2026-11-16"), d("2026-11-27"), d("2026-11-30"), d("2026-12-05")),
    ]
    assert {(fiche.school_year.start_year, fiche.study_year, fiche.state) for fiche in fiches} == {
        (2026, 2, FicheState.DRAFT)
    }
    assert [c["label"] for c in fiches[0].framework] == ["Concevoir", "Piloter"]
    assert [c["label"] for c in fiches_of(world.other)[0].framework] == ["Concevoir", "Énergie"]
    assert counts == {"created": 4, "moved": 0, "cancelled": 0}

    # Idempotent: a second run (or the same day's retried task) changes nothing.
    assert sync_fiches(today=TODAY) == {"created": 0, "moved": 0, "cancelled": 0}
    assert Fiche.objects.count() == 4

    # The next period's fiche appears 14 days before its return to school.
    sync_fiches(today=d("2026-12-28"))
    assert [fiche.return_on for fiche in fiches_of(world.own)][-1] == monday(2027, 2)


def test_a_company_period_over_the_summer_starts_after_the_last_school_period(world, calendar_2a):
    from apprentissage.models import SchoolYear

    # 1A in 2025-2026: last school weeks 25-26 of 2026, company over the summer.
    plan(SchoolYear.objects.get(start_year=2025), 1, {25: K.SCHOOL, 26: K.SCHOOL})
    plan(calendar_2a, 2, {**SCHOOL_2A, 38: K.COMPANY, 39: K.COMPANY, 40: K.RENTREE})

    sync_fiches(today=TODAY)

    first = fiches_of(world.own)[0]
    assert (first.number, first.period_start, first.period_end, first.return_on) == (
        1,
        d("2026-06-29"),  # the Monday after the 1A's last school Friday
        d("2026-09-25"),
        monday(2026, 40),
    )


def test_a_calendar_change_moves_unstarted_fiches_and_leaves_started_ones(
    world, calendar_2a, django_capture_on_commit_callbacks
):
    sync_fiches(today=TODAY)
    first, second = fiches_of(world.own)
    first.version = 2  # the apprentice saved a draft
    first.activities = [{"description": "Audit", "share": 100}]
    first.save()
    before = dates(first)

    # The first return to school comes a week earlier; the second one too.
    with django_capture_on_commit_callbacks(execute=True):
        set_week_kinds(
            school_year=calendar_2a,
            changes=[
                (2, monday(2026, 44), K.SCHOOL),
                (2, monday(2026, 46), K.COMPANY),
                (2, monday(2026, 48), K.SCHOOL),
                (2, monday(2026, 49), K.COMPANY),
            ],
            actor=world["scolarite"],
            description="décalage",
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert dates(first) == before  # started: never moves
    assert dates(second) == (2, d("2026-11-09"), d("2026-11-20"), d("2026-11-23"), d("2026-11-28"))
    assert second.state == FicheState.DRAFT and not second.is_started
    # The school period of week 50 now has a company week before it: its fiche opened on 23/11.
    third = fiches_of(world.own)[2]
    assert dates(third)[:4] == (3, d("2026-11-30"), d("2026-12-04"), d("2026-12-07"))
    assert second.history.count() == 2  # created, moved


def test_a_period_removed_cancels_its_unstarted_fiche(world, calendar_2a, django_capture_on_commit_callbacks):
    sync_fiches(today=TODAY)
    first, second = fiches_of(world.own)

    # Weeks 45-46 at school no more: the first two company periods are one.
    with django_capture_on_commit_callbacks(execute=True):
        set_week_kinds(
            school_year=calendar_2a,
            changes=[(2, monday(2026, 45), K.COMPANY), (2, monday(2026, 46), K.COMPANY)],
            actor=world["scolarite"],
            description="plus d'école en novembre",
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert dates(first) == (1, d("2026-09-28"), d("2026-11-27"), d("2026-11-30"), d("2026-12-05"))
    assert second.state == FicheState.CANCELLED
    log = TransitionLog.objects.get(object_id=second.pk, transition="cancel")
    assert (log.from_state, log.to_state, log.actor) == (FicheState.DRAFT, FicheState.CANCELLED, None)

    # Undone: the period is back, with a fiche of its own again (the cancelled one stays).
    with django_capture_on_commit_callbacks(execute=True):
        undo_last_edit(school_year=calendar_2a, actor=world["scolarite"])
    live = list(Fiche.objects.live().filter(apprenticeship=world.own).order_by("number"))
    assert [dates(fiche)[:4] for fiche in live] == [
        (1, d("2026-09-28"), d("2026-10-30"), d("2026-11-02")),
        (2, d("2026-11-16"), d("2026-11-27"), d("2026-11-30")),
    ]
    assert Fiche.objects.filter(apprenticeship=world.own, state=FicheState.CANCELLED).count() == 1


def test_a_started_fiche_never_disappears_and_a_new_period_takes_a_new_number(world, calendar_2a):
    sync_fiches(today=TODAY)
    _first, second = fiches_of(world.own)
    second.state = FicheState.SUBMITTED
    second.save()

    # A school week in the middle of the first company period: a new period before the others.
    plan(calendar_2a, 2, {**SCHOOL_2A, 42: K.SCHOOL, 49: K.COMPANY, 50: K.COMPANY})
    sync_fiches(today=TODAY)

    second.refresh_from_db()
    assert second.state == FicheState.SUBMITTED and second.return_on == d("2026-11-30")
    live = [
        dates(fiche)[:4] for fiche in Fiche.objects.live().filter(apprenticeship=world.own).order_by("pk")
    ]
    assert live == [
        (1, d("2026-09-28"), d("2026-10-09"), d("2026-10-12")),  # the first one, moved
        (2, d("2026-11-16"), d("2026-11-27"), d("2026-11-30")),  # started: kept
        # Rank 2 is held by the started fiche: a number after every period's rank (3 periods).
        (4, d("2026-10-19"), d("2026-10-30"), d("2026-11-02")),
    ]


def test_a_repeated_year_follows_its_own_study_years_calendar(world, calendar_2a):
    plan(calendar_2a, 1, {38: K.RENTREE, 39: K.SCHOOL, 40: K.SCHOOL, 47: K.SCHOOL})
    Enrolment.objects.filter(apprenticeship=world.own, school_year=calendar_2a).update(
        study_year=1, status=EnrolmentStatus.REPEATING
    )

    sync_fiches(today=TODAY)

    assert [(fiche.study_year, fiche.return_on) for fiche in fiches_of(world.own)] == [(1, d("2026-11-16"))]
    assert [fiche.study_year for fiche in fiches_of(world.other)] == [2, 2]


def test_no_fiche_without_an_enrolment_or_for_a_suspended_one(world, calendar_2a):
    Enrolment.objects.filter(apprenticeship=world.own, school_year=calendar_2a).update(
        status=EnrolmentStatus.SUSPENDED
    )
    Enrolment.objects.filter(apprenticeship=world.other, school_year=calendar_2a).delete()

    assert sync_fiches(today=TODAY)["created"] == 0


def test_a_contract_starting_mid_year(world, calendar_2a):
    late = f.ApprenticeshipFactory(contract_start=d("2026-10-12"), option=world.own.option)
    later = f.ApprenticeshipFactory(contract_start=d("2026-11-09"), option=world.own.option)

    sync_fiches(today=TODAY)

    # Its first company period starts with the contract…
    assert [dates(fiche)[:3] for fiche in fiches_of(late)] == [
        (1, d("2026-10-12"), d("2026-10-30")),
        (2, d("2026-11-16"), d("2026-11-27")),
    ]
    # …and no fiche for a period ended before it started: its first fiche is number 1.
    assert [dates(fiche)[:3] for fiche in fiches_of(later)] == [(1, d("2026-11-16"), d("2026-11-27"))]


def test_an_options_override_is_honoured(world, calendar_2a):
    # GenIndus (world.own's option) returns a week earlier in November; énergies does not.
    set_week_kinds(
        school_year=calendar_2a,
        changes=[(2, monday(2026, 48), K.SCHOOL), (2, monday(2026, 50), K.COMPANY)],
        option=world.own.option,
        actor=None,
        description="option",
    )

    sync_fiches(today=TODAY)

    assert [fiche.return_on for fiche in fiches_of(world.own)] == [d("2026-11-02"), d("2026-11-23")]
    assert [fiche.return_on for fiche in fiches_of(world.other)] == [d("2026-11-02"), d("2026-11-30")]


def test_copying_a_school_year_is_one_calendar_change(world, django_capture_on_commit_callbacks):
    """A copy writes one change per study year (and option): the fiches of the school year
    are synchronised once for it, not once per change."""
    from apprentissage.models import SchoolYear
    from planning.services import copy_school_year
    from planning.signals import calendar_changed

    source, target = SchoolYear.objects.get(start_year=2025), SchoolYear.objects.get(start_year=2026)
    for study_year in (1, 2, 3):
        plan(source, study_year, {38: K.RENTREE, 45: K.SCHOOL, 49: K.SCHOOL})
    sent = []

    def receiver(sender, school_year, **kwargs):
        sent.append(school_year.pk)

    calendar_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            copy_school_year(source=source, target=target, actor=world["scolarite"])
    finally:
        calendar_changed.disconnect(receiver)

    assert sent == [target.pk]
    # world.own's 2A calendar of 2026-2027, copied: returns to school in weeks 38, 45 and 49
    assert [fiche.return_on for fiche in fiches_of(world.own)] == [
        d("2026-09-14"),
        d("2026-11-02"),
        d("2026-11-30"),
    ]


def test_a_new_enrolment_makes_its_fiches(world, calendar_2a, django_capture_on_commit_callbacks):
    apprenticeship = f.ApprenticeshipFactory(enrolments=False, option=world.own.option)
    with django_capture_on_commit_callbacks(execute=True):
        Enrolment.objects.create(apprenticeship=apprenticeship, school_year=calendar_2a, study_year=2)

    assert len(fiches_of(apprenticeship)) == 2


def test_the_daily_task_catches_up(world, calendar_2a):
    from lea.tasks import sync_fiches as task

    task.delay()

    assert len(fiches_of(world.own)) == 2
    # …and the yearly missions description and project dossier of the year (lea.followup).
    assert world.own.yearly_plans.get(school_year=calendar_2a).study_year == 2
    assert world.own.project_dossiers.filter(school_year=calendar_2a).exists()


def _calendar_queries(queries) -> int:
    return sum('"planning_calendarweek"' in q["sql"] for q in queries)


@pytest.mark.parametrize("count", [5, 50])
def test_constant_queries_whatever_the_number_of_apprentices(
    world, calendar_2a, count, django_assert_num_queries
):
    option = world.own.option
    for _ in range(count - 2):
        f.ApprenticeshipFactory(option=option)

    with CaptureQueriesContext(connection) as first_run:
        sync_fiches(today=TODAY)
    assert Fiche.objects.count() == 2 * count
    assert _calendar_queries(first_run.captured_queries) == 1  # never a calendar query per apprentice

    # Nothing to change: school years, apprenticeships (+ their enrolments), calendar weeks,
    # the fiches in place.
    with django_assert_num_queries(5):
        sync_fiches(today=TODAY)


def test_a_past_school_years_calendar_change_makes_no_fiche(
    world, calendar_2a, django_capture_on_commit_callbacks
):
    from apprentissage.models import SchoolYear

    with django_capture_on_commit_callbacks(execute=True):
        plan(SchoolYear.objects.get(start_year=2025), 1, {38: K.RENTREE, 45: K.SCHOOL, 49: K.SCHOOL})
    assert Fiche.objects.count() == 0  # 2025-2026 is over: its periods are history


def test_a_broker_down_loses_nothing_the_daily_run_catches_up(
    world, calendar_2a, django_capture_on_commit_callbacks
):
    from apprentissage.celery import app

    def _reset_pools():  # forget connections pooled for another broker address
        app._pool = None
        if "amqp" in app.__dict__:
            app.amqp._producer_pool = None

    apprenticeship = f.ApprenticeshipFactory(enrolments=False, option=world.own.option)
    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:9/0")  # nobody listens
    _reset_pools()
    try:
        with django_capture_on_commit_callbacks(execute=True):  # the enrolment is saved all the same
            Enrolment.objects.create(apprenticeship=apprenticeship, school_year=calendar_2a, study_year=2)
    finally:
        app.conf.update(task_always_eager=previous[0], broker_url=previous[1])
        _reset_pools()
    assert fiches_of(apprenticeship) == []

    from lea.tasks import sync_fiches as daily

    daily.delay()
    assert len(fiches_of(apprenticeship)) == 2
