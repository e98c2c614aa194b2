"""The calendar's week arithmetic and the API other apps call."""

import pytest
from django.utils import translation

from apprentissage.models import Option
from planning import selectors
from planning.enums import WeekKind as K
from planning.models import CalendarWeek
from planning.services import CalendarError, copy_school_year, set_week_kinds, undo_last_edit
from planning.weeks import monday_of, school_year_mondays, weeks_in_iso_year

from .. import factories as f
from .conftest import d, plan


class TestWeekArithmetic:
    def test_iso_week_1_of_2026_starts_on_29_december_2025(self):
        assert monday_of(2026, 1) == d("2025-12-29")

    def test_53_week_years(self):
        assert [y for y in range(2020, 2033) if weeks_in_iso_year(y) == 53] == [2020, 2026, 2032]

    def test_2025_2026_runs_from_week_38_2025_to_week_39_2026(self):
        mondays = school_year_mondays(2025)
        assert (mondays[0], mondays[-1]) == (d("2025-09-15"), d("2026-09-21"))
        assert len(mondays) == 54
        assert [m.isocalendar()[1] for m in mondays[:2]] == [38, 39]

    def test_a_53_week_year_has_its_week_53(self):
        numbers = [m.isocalendar()[1] for m in school_year_mondays(2026)]
        assert 53 in numbers and numbers.count(38) == 2  # 2026-2027 runs to week 39 of 2027


class TestApprenticeCalendar:
    @pytest.fixture
    def apprenticeship(self, year_2025, year_2026):
        return f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025))  # 1A in 2025-2026

    def test_school_periods_merge_consecutive_school_weeks(self, year_2025, apprenticeship):
        plan(year_2025, 1, {38: K.RENTREE, 39: K.PROPEDEUTIC, 40: K.SCHOOL, 45: K.SCHOOL, 46: K.SCHOOL})
        assert selectors.school_periods(apprenticeship, year_2025) == [
            (d("2025-09-15"), d("2025-10-03")),
            (d("2025-11-03"), d("2025-11-14")),
        ]

    def test_returns_to_school_between_dates(self, year_2025, apprenticeship):
        plan(year_2025, 1, {40: K.SCHOOL, 45: K.SCHOOL, 2: K.SCHOOL})
        assert selectors.returns_to_school(apprenticeship, d("2025-10-01"), d("2026-01-31")) == [
            d("2025-11-03"),
            d("2026-01-05"),
        ]
        assert selectors.next_return_to_school(apprenticeship, d("2025-11-04")) == d("2026-01-05")

    def test_is_during_school_time(self, year_2025, apprenticeship):
        plan(year_2025, 1, {45: K.SCHOOL})
        assert selectors.is_during_school_time(apprenticeship, d("2025-11-07"), d("2025-11-20"))
        assert not selectors.is_during_school_time(apprenticeship, d("2025-11-10"), d("2025-11-30"))

    def test_an_option_override_wins_for_its_apprentices_only(self, year_2025, apprenticeship):
        plan(year_2025, 1, {45: K.SCHOOL})
        set_week_kinds(
            school_year=year_2025,
            changes=[(1, d("2025-11-03"), K.COMPANY)],
            option=apprenticeship.option,
            actor=None,
            description="GenIndus en entreprise",
        )
        assert not selectors.is_during_school_time(apprenticeship, d("2025-11-03"), d("2025-11-07"))
        other = f.ApprenticeshipFactory(
            cohort=apprenticeship.cohort, option=Option.objects.get(code="energies")
        )
        assert selectors.is_during_school_time(other, d("2025-11-03"), d("2025-11-07"))
        week = next(w for w in selectors.apprentice_weeks(apprenticeship, year_2025) if w.iso_week == 45)
        assert week.overridden

    def test_the_study_year_follows_the_cohort(self, year_2025, year_2026, apprenticeship):
        plan(year_2026, 2, {47: K.SCHOOL})
        plan(year_2026, 1, {48: K.SCHOOL})
        assert selectors.returns_to_school(apprenticeship, d("2026-11-01"), d("2026-12-31")) == [
            d("2026-11-16")
        ]


class TestEditingAndUndo:
    def test_set_then_undo_puts_weeks_back(self, year_2025, django_user_model):
        plan(year_2025, 1, {})
        edit = set_week_kinds(
            school_year=year_2025,
            changes=[(1, d("2025-10-06"), K.SCHOOL), (1, d("2025-10-13"), K.SCHOOL)],
            actor=None,
            description="two weeks at school",
        )
        assert CalendarWeek.objects.filter(kind=K.SCHOOL).count() == 2
        assert undo_last_edit(school_year=year_2025, actor=None) == edit
        assert CalendarWeek.objects.filter(kind=K.SCHOOL).count() == 0
        assert CalendarWeek.objects.count() == 54  # the first plan is intact

    def test_setting_the_same_kinds_again_changes_nothing(self, year_2025):
        plan(year_2025, 1, {})
        assert plan(year_2025, 1, {}) is None

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ((1, d("2025-09-16"), K.SCHOOL), "Week 38 of 2025"),  # a Tuesday: not a week of the year
            ((1, d("2027-01-04"), K.SCHOOL), "is not in school year"),
            ((4, d("2025-09-15"), K.SCHOOL), "1, 2 or 3"),
            ((1, d("2025-09-15"), "vacances"), "vacances"),
        ],
    )
    def test_bad_changes_are_refused_naming_the_week(self, year_2025, change, message):
        with translation.override("en"), pytest.raises(CalendarError, match=message):
            set_week_kinds(school_year=year_2025, changes=[change], actor=None, description="x")
        assert CalendarWeek.objects.count() == 0

    def test_copy_to_next_year_maps_iso_weeks(self, year_2025, year_2026):
        plan(year_2025, 1, {38: K.RENTREE, 52: K.CLOSURE, 1: K.CLOSURE})
        copy_school_year(source=year_2025, target=year_2026, actor=None)
        weeks = selectors.effective_weeks(year_2026, 1)
        assert [w.kind for w in weeks[:2]] == [K.RENTREE, K.COMPANY]  # week 38 of 2026 ...
        assert weeks[-2].kind == K.COMPANY  # ... and week 38 of 2027, each from its own
        by_number = {w.iso_week: w.kind for w in weeks[:-2]}
        assert by_number[52] == K.CLOSURE and by_number[53] == K.CLOSURE and by_number[1] == K.CLOSURE


def test_totals_are_computed_and_shown_beside_the_targets(year_2025):
    plan(year_2025, 1, {n: K.SCHOOL for n in range(40, 58) if n <= 52})
    totals = selectors.totals(year_2025, 1)
    assert totals["computed"]["school_weeks"] == 13
    assert totals["targets"]["tape_sessions"] == 46
    assert totals["targets"]["tape_sessions_hours"] == 161.0  # not the published 160: shown


class TestCalendarChangedSignal:
    """Other apps (the LEA's fiches de liaison) follow the calendar through `calendar_changed`."""

    @pytest.fixture
    def received(self):
        from planning.signals import calendar_changed

        school_years = []

        def listener(sender, school_year, **kwargs):
            school_years.append(school_year)

        calendar_changed.connect(listener, dispatch_uid="test_calendar_changed")
        yield school_years
        calendar_changed.disconnect(dispatch_uid="test_calendar_changed")

    def test_an_edit_and_its_undo_are_sent_once_committed(
        self, year_2025, received, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            plan(year_2025, 1, {})
            assert received == []  # not before the commit
        assert received == [year_2025]

        with django_capture_on_commit_callbacks(execute=True):
            plan(year_2025, 1, {})  # the same kinds again: nothing changed, nothing sent
        assert received == [year_2025]

        with django_capture_on_commit_callbacks(execute=True):
            undo_last_edit(school_year=year_2025, actor=None)
        assert received == [year_2025, year_2025]

    def test_nothing_is_sent_when_the_edit_rolls_back(
        self, year_2025, received, django_capture_on_commit_callbacks
    ):
        from django.db import transaction

        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            plan(year_2025, 1, {})
            raise RuntimeError("the edit failed")
        assert callbacks == [] and received == []
