"""A module teacher fills a grade grid from the keyboard in a real browser: arrows, Tab and
Shift+Tab, Enter, "12,5", "abs"; each cell is saved as it is typed (its state said in words),
a bad grade is refused with its message, and after a reload every grade is there. The grid
and the teacher's modules have no serious or critical axe-core violation."""

import pytest

from evaluation.models import Grade
from tests import factories as f
from tests.evaluation.grade_helpers import add_apprentices, assessments_of, make_module

from .test_roles import Watcher, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

EMAIL = "enseignant.grille@example.com"


@pytest.fixture
def grid_data(live_server):
    """A 2A module of 2026-2027 taught by the teacher, three apprentices (sorted A, B, C)."""
    f.SchoolYearFactory(start_year=2025)
    f.SchoolYearFactory(start_year=2026)
    teacher = f.UserFactory(email=EMAIL, first_name="Inès", last_name="Enseignante")
    module = make_module(teachers=[teacher])
    enrolments = add_apprentices(3)
    for enrolment, (first, last) in zip(
        enrolments, [("Alice", "Abadie"), ("Bruno", "Bernard"), ("Chloé", "Colin")], strict=True
    ):
        apprentice = enrolment.apprenticeship.apprentice
        apprentice.first_name, apprentice.last_name = first, last
        apprentice.save()
    return module, enrolments


def _log_in(page, live_server):
    page.goto("/accounts/login/")
    form = page.locator("form", has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(EMAIL)
    form.locator("input[name='password']").fill(f.PASSWORD)
    form.locator("button[type='submit']").click()
    page.wait_for_url(f"{live_server.url}/")


def _cell(assessment, enrolment) -> str:
    return f"#c-{assessment.pk}-{enrolment.pk}"


def _wait_saved(page, assessment, enrolment):
    page.wait_for_selector(f"#s-{assessment.pk}-{enrolment.pk} .cell-status[data-state='saved']")


def _focused(page) -> str:
    return page.evaluate("() => document.activeElement.id")


def test_a_teacher_fills_the_grid_from_the_keyboard(context, live_server, grid_data):
    module, (alice, bruno, chloe) = grid_data
    first, second, resit = assessments_of(module)
    page = context.new_page()
    watcher = Watcher(page)
    _log_in(page, live_server)

    page.goto(f"/evaluation/notes/module/{module.pk}/")
    watcher.assert_healthy()
    assert_accessible(page)

    page.click(_cell(first, alice))
    page.keyboard.type("12,5")
    page.keyboard.press("Tab")  # → Examen final, same row
    assert _focused(page) == _cell(second, alice)[1:]
    _wait_saved(page, first, alice)
    page.keyboard.type("abs")
    page.keyboard.press("Enter")  # → down
    assert _focused(page) == _cell(second, bruno)[1:]
    _wait_saved(page, second, alice)
    assert page.locator(_cell(first, alice)).input_value() == "12,50"  # as stored
    assert page.locator(_cell(second, alice)).input_value() == "ABS"
    assert page.locator(f"#avg-{alice.pk} .avg-value").inner_text() == "5,00"  # 12.5 × 0.4 + 0 × 0.6
    assert "Alice" in page.locator("#grid-status").inner_text()  # announced (aria-live)

    page.keyboard.type("14.5")
    page.keyboard.press("Enter")
    assert _focused(page) == _cell(second, chloe)[1:]
    page.keyboard.press("ArrowLeft")  # the cell's text is all selected on arrival: moves
    assert _focused(page) == _cell(first, chloe)[1:]
    page.keyboard.type("9")
    page.keyboard.press("ArrowUp")
    assert _focused(page) == _cell(first, bruno)[1:]
    page.keyboard.type("att")
    page.keyboard.press("ArrowRight")
    assert _focused(page) == _cell(second, bruno)[1:]
    page.keyboard.press("ArrowRight")
    assert _focused(page) == _cell(resit, bruno)[1:]
    page.keyboard.press("Shift+Tab")
    assert _focused(page) == _cell(second, bruno)[1:]
    for assessment, enrolment in ((second, bruno), (first, chloe), (first, bruno)):
        _wait_saved(page, assessment, enrolment)
    assert not watcher.errors, watcher.errors

    # A grade above the maximum: refused, said in words at the cell, nothing saved.
    page.click(_cell(resit, chloe))
    page.keyboard.type("25")
    page.keyboard.press("Enter")
    error = page.locator(f"#s-{resit.pk}-{chloe.pk} .cell-status[data-state='error']")
    error.wait_for()
    assert "20" in error.inner_text()
    assert page.locator(_cell(resit, chloe)).get_attribute("aria-invalid") == "true"
    assert not Grade.objects.filter(assessment=resit).exists()
    page.mouse.move(0, 0)
    assert_accessible(page)  # with the states shown

    page.reload()
    values = {
        (a.pk, e.pk): page.locator(_cell(a, e)).input_value()
        for a, e in ((first, alice), (second, alice), (second, bruno), (first, chloe), (first, bruno))
    }
    assert values == {
        (first.pk, alice.pk): "12,50",
        (second.pk, alice.pk): "ABS",
        (second.pk, bruno.pk): "14,50",
        (first.pk, chloe.pk): "9,00",
        (first.pk, bruno.pk): "ATT",
    }
    saved = {(g.assessment_id, g.enrolment_id): g.shown for g in Grade.objects.all()}
    assert saved == values
    assert {g.updated_by.email for g in Grade.objects.select_related("updated_by")} == {EMAIL}


def test_the_teacher_s_modules_page_is_accessible(context, live_server, grid_data):
    module, _enrolments = grid_data
    page = context.new_page()
    watcher = Watcher(page)
    _log_in(page, live_server)
    page.goto("/evaluation/notes/mes-modules/")
    assert module.code in page.locator("main").inner_text()
    watcher.assert_healthy()
    assert_accessible(page)
