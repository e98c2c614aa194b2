"""Scolarité edits a range of weeks in the calendar grid, in a real browser: the table is
updated by htmx without reloading the page, and Undo puts the weeks back."""

import pytest

from apprentissage.models import SchoolYear, User
from planning.enums import WeekKind
from planning.models import CalendarWeek
from planning.services import set_week_kinds
from planning.weeks import school_year_mondays

from .test_roles import Watcher, assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WEEKS = ["2026-11-16", "2026-11-23", "2026-11-30"]  # S47–S49 of 2026-2027


def cell(page, study_year: int, monday: str):
    return page.locator(f"#week-grid td[data-study-year='{study_year}'][data-monday='{monday}']")


@pytest.fixture
def calendar_2026(demo_data):
    """2A of 2026-2027 planned in the company from S47 to S50 (whatever the demo planned)."""
    year = SchoolYear.for_start_year(2026)
    mondays = [m for m in school_year_mondays(2026) if "2026-11-16" <= m.isoformat() <= "2026-12-07"]
    set_week_kinds(
        school_year=year,
        changes=[(2, m, WeekKind.COMPANY) for m in mondays],
        actor=User.objects.get(email="scolarite@example.com"),
        description="test set-up",
    )
    return year


def test_scolarite_sets_a_range_of_weeks_without_reloading_then_undoes(context, live_server, calendar_2026):
    page = context.new_page()
    watcher = Watcher(page)
    log_in(page, live_server, "scolarite@example.com")
    page.goto("/planning/calendrier/2026/")
    assert cell(page, 2, WEEKS[0]).get_attribute("data-kind") == WeekKind.COMPANY
    watcher.assert_healthy()
    page.mouse.move(0, 0)  # no hover state left on the last button clicked
    assert_accessible(page)

    page.evaluate("() => { window.gridMarker = 'still the same page'; }")
    form = page.locator("#week-range-form")
    form.locator("select[name='study_years']").select_option("2")
    form.locator("select[name='first']").select_option(WEEKS[0])
    form.locator("select[name='last']").select_option(WEEKS[-1])
    form.locator("select[name='kind']").select_option(WeekKind.SCHOOL.value)
    form.locator("button[type='submit'], input[type='submit']").click()

    for monday in WEEKS:
        page.wait_for_selector(
            f"#week-grid td[data-study-year='2'][data-monday='{monday}'][data-kind='{WeekKind.SCHOOL}']"
        )
        assert "week-ecole" in cell(page, 2, monday).get_attribute("class")  # orange
        assert cell(page, 2, monday).inner_text().strip()  # and a word, not colour alone
    assert cell(page, 2, "2026-12-07").get_attribute("data-kind") == WeekKind.COMPANY
    assert page.evaluate("() => window.gridMarker") == "still the same page"  # no full reload
    assert page.locator("#grid-status").inner_text().strip()  # the change is announced
    assert "S47–S49" in page.locator(".grid-history").inner_text()  # and audited
    kinds = CalendarWeek.objects.filter(school_year=calendar_2026, study_year=2, option=None)
    assert {kinds.get(monday=m).kind for m in WEEKS} == {WeekKind.SCHOOL}

    page.locator("#grid-undo").click()
    page.wait_for_selector(
        f"#week-grid td[data-study-year='2'][data-monday='{WEEKS[0]}'][data-kind='{WeekKind.COMPANY}']"
    )
    assert {cell(page, 2, m).get_attribute("data-kind") for m in WEEKS} == {WeekKind.COMPANY}
    assert page.evaluate("() => window.gridMarker") == "still the same page"
    assert {kinds.get(monday=m).kind for m in WEEKS} == {WeekKind.COMPANY}
    assert not watcher.errors, watcher.errors
    page.mouse.move(0, 0)  # no hover state left on the last button clicked
    assert_accessible(page)
