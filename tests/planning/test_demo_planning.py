"""`make demo`'s planning data: complete calendars of the previous and the current school
year meeting the 18/34-week split, the seed's fixed weeks, TAPE sessions only in company
weeks, and a demo apprentice with answers and a next return to school."""

import datetime

import pytest
from django.utils import timezone

from apprentissage.models import Apprenticeship, Notification, Option, SchoolYear
from planning import demo, selectors, tape
from planning.enums import WeekKind as K
from planning.models import CalendarEdit, CalendarWeek, TapeAttendance, TapeSession
from planning.weeks import monday_of

from ..demo_once import load_demo

COUNTED = (CalendarWeek, CalendarEdit, TapeSession, TapeAttendance)


@pytest.fixture
def demo_data(_demo_once, db):
    """The demo, loaded once for the module (tests/conftest.py), and its school years by start
    year."""
    # The suite runs on 2026-11-24: the seed's 2025-2026 and the current 2026-2027.
    return {y.start_year: y for y in SchoolYear.objects.all()}


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def _kind(school_year, study_year, monday) -> str:
    return CalendarWeek.objects.get(
        school_year=school_year, study_year=study_year, option=None, monday=monday
    ).kind


def test_both_school_years_have_complete_calendars_of_18_school_and_34_company_weeks(demo_data):
    assert set(demo_data) == {2025, 2026}
    for school_year in demo_data.values():
        for study_year in (1, 2, 3):
            computed = selectors.totals(school_year, study_year)["computed"]
            assert (computed["school_weeks"], computed["company_weeks"], computed["unplanned_weeks"]) == (
                18,
                34,
                0,
            ), (school_year.label, study_year)

    _the_option_override_keeps_the_split(demo_data)
    _the_seed_fixed_weeks(demo_data)
    _christmas_is_closed_and_week_53_is_planned(demo_data)
    _the_edits_are_scolarite_s_in_the_audit_trail()


def _the_option_override_keeps_the_split(demo_data):
    materiaux = Option.objects.get(code="materiaux")
    year = demo_data[2026]
    assert CalendarWeek.objects.filter(school_year=year, option=materiaux).count() == 2
    computed = selectors.totals(year, 2, materiaux)["computed"]
    assert (computed["school_weeks"], computed["company_weeks"]) == (18, 34)


def _the_seed_fixed_weeks(demo_data):
    year = demo_data[2025]
    assert _kind(year, 1, monday_of(2025, 38)) == K.RENTREE
    assert _kind(year, 1, monday_of(2025, 39)) == K.PROPEDEUTIC
    assert _kind(year, 3, monday_of(2026, 38)) == K.DEFENCES
    # The same weeks one year on, in the current year.
    assert _kind(demo_data[2026], 1, monday_of(2026, 38)) == K.RENTREE
    assert _kind(demo_data[2026], 3, monday_of(2027, 38)) == K.DEFENCES


def _christmas_is_closed_and_week_53_is_planned(demo_data):
    for study_year in (1, 2, 3):
        assert _kind(demo_data[2025], study_year, monday_of(2025, 52)) == K.CLOSURE
        assert _kind(demo_data[2026], study_year, monday_of(2026, 53)) == K.CLOSURE


def _the_edits_are_scolarite_s_in_the_audit_trail():
    edits = CalendarEdit.objects.select_related("made_by")
    assert edits.count() == 7  # 3 study years × 2 school years + the option's override
    assert {e.made_by.email for e in edits} == {"scolarite@example.com"}


def test_tape_sessions_only_in_company_weeks_none_in_3a_last_company_period(demo_data):
    year = demo_data[2026]
    sessions = list(TapeSession.objects.filter(school_year=year))
    counts = {y: sum(s.study_year == y for s in sessions) for y in (1, 2, 3)}
    assert counts == {1: 46, 2: 40, 3: 26}
    kinds = {
        (w.study_year, w.monday): w.kind for w in CalendarWeek.objects.filter(school_year=year, option=None)
    }
    overrides = set(
        CalendarWeek.objects.filter(school_year=year)
        .exclude(option=None)
        .exclude(kind=K.COMPANY)
        .values_list("study_year", "monday")
    )
    for session in sessions:
        day = timezone.localtime(session.starts_at).date()
        monday = day - datetime.timedelta(days=day.weekday())
        assert kinds[(session.study_year, monday)] == K.COMPANY, session
        assert (session.study_year, monday) not in overrides, session
        assert session.hours == 3.5
    # 3A's last company period runs from week 27 to week 37 of 2027 (then the defences).
    assert not [s for s in sessions if s.study_year == 3 and s.starts_at.date() >= monday_of(2027, 27)]
    weeks = selectors.effective_weeks(year, 3)
    last_company = [w for w in weeks if w.kind == K.COMPANY][-1]
    assert weeks[weeks.index(last_company) + 1].kind == K.DEFENCES


def test_the_demo_apprentice_answered_past_sessions_and_has_a_next_return_to_school(demo_data):
    apprenticeship = Apprenticeship.objects.get(apprentice__email="apprenti@example.com")
    today = timezone.localdate()
    answers = list(TapeAttendance.objects.filter(apprenticeship=apprenticeship).select_related("session"))
    assert answers
    assert all(timezone.localtime(a.session.starts_at).date() < today for a in answers)
    assert all(a.session.study_year == 2 for a in answers)
    missed = [a for a in answers if not a.followed]
    assert sorted(a.reason for a in missed) == ["Audit client", "Intervention urgente sur la ligne 3"]
    assert all(a.session.starts_at.date() >= today - datetime.timedelta(weeks=4) for a in missed)
    assert tape.missed_pattern(apprenticeship, today)
    assert Notification.objects.filter(
        recipient__email="scolarite@example.com", url__contains=f"/{apprenticeship.pk}/tape"
    ).exists()
    # At school in week 48 of 2026, back after Christmas.
    upcoming = selectors.next_return_to_school(apprenticeship, today)
    assert upcoming is not None and upcoming > today


def test_running_twice_changes_no_counts(demo_data):
    before = _counts()
    assert all(before.values())  # the module's demo is there
    load_demo()
    assert _counts() == before


def test_runs_with_a_gap_or_stopping_early_are_refused():
    with pytest.raises(demo.DemoDataError, match="before the end"):
        demo.expand([(38, 39, K.COMPANY), (40, 40, K.SCHOOL)], 2025)
    with pytest.raises(demo.DemoDataError, match="does not follow"):
        demo.expand([(39, 52, K.COMPANY)], 2025)


def test_a_rhythm_off_the_18_34_split_is_refused_loudly(db, monkeypatch):
    wrong = [(38, 40, K.SCHOOL), (41, 39, K.COMPANY)]  # 3 school weeks, 51 company weeks
    monkeypatch.setattr(demo, "RHYTHM", {1: wrong})
    with pytest.raises(demo.DemoDataError, match="3 school, 51 company"):
        demo._load_calendar(SchoolYear.for_start_year(2025), actor=None)
