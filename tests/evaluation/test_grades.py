"""Grade entry services (evaluation.grades): who is graded in a module, saving one cell
(parsing, optimistic locking, idempotence, clearing, the audit, locked grades), the grid and
its averages, a whole grid saved at once, and the teachers' modules with their progress."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apprentissage.enums import EnrolmentStatus
from apprentissage.models import SchoolYear
from evaluation import computation, grades
from evaluation.grades import (
    CellEntry,
    GradeConflict,
    GradesLocked,
    graded_enrolments,
    module_grid,
    modules_of,
    modules_progress,
    save_grade,
    save_grid,
)
from evaluation.models import Grade
from tests import factories as f

from .grade_helpers import add_apprentices, assessments_of, make_module


@pytest.fixture
def teacher(world):
    return world["module_teacher"]


@pytest.fixture
def module(world, teacher):
    return make_module(teachers=[teacher])


@pytest.fixture
def own(world):
    """world.own's 2026-2027 enrolment (2A GenIndus)."""
    return world.own.enrolments.get(school_year__start_year=2026)


def _save(assessment, enrolment, text, version, actor):
    return save_grade(
        assessment=assessment, enrolment=enrolment, text=text, expected_version=version, actor=actor
    )


# --- Who is graded --------------------------------------------------------------------------


def test_graded_are_the_study_year_s_enrolled_and_repeating_apprentices_sorted_by_name(world, module):
    zoe, alice = add_apprentices(2)
    alice.apprenticeship.apprentice.last_name = "Abadie"
    alice.apprenticeship.apprentice.save()
    zoe.apprenticeship.apprentice.last_name = "Zidane"
    zoe.apprenticeship.apprentice.save()
    repeating = add_apprentices(1, status=EnrolmentStatus.REPEATING)[0]
    suspended = add_apprentices(1, status=EnrolmentStatus.SUSPENDED)[0]
    left = add_apprentices(1, status=EnrolmentStatus.LEFT)[0]
    first_year = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2026))  # 1A in 2026

    graded = list(graded_enrolments(module))

    assert graded[0] == alice and graded[-1] == zoe
    assert repeating in graded and world.own.enrolments.get(school_year__start_year=2026) in graded
    assert world.other.enrolments.get(school_year__start_year=2026) in graded  # another option, common UE
    assert suspended not in graded and left not in graded
    assert not {e.apprenticeship_id for e in graded} & {first_year.pk}
    assert all(e.school_year.start_year == 2026 for e in graded)  # not 2025's 1A enrolments


def test_an_option_module_grades_only_that_option_s_apprentices(world):
    module = make_module(option=f.option("genindus"))
    materiaux = add_apprentices(1, option=f.option("materiaux"))[0]

    graded = list(graded_enrolments(module))

    assert [e.apprenticeship for e in graded] == [world.own]
    assert materiaux not in graded


# --- Saving one cell ------------------------------------------------------------------------


def test_a_grade_typed_with_a_comma_or_a_point_is_saved_with_who_and_a_history_row(module, own, teacher):
    first, second, _resit = assessments_of(module)

    created = _save(first, own, "12,5", 0, teacher)
    with_point = _save(second, own, " 14.25 ", 0, teacher)

    assert created.changed and created.version == 1 and created.entered == Decimal("12.5")
    assert with_point.entered == Decimal("14.25")
    grade = Grade.objects.get(assessment=first, enrolment=own)
    assert grade.value == Decimal("12.5") and grade.special == "" and grade.updated_by == teacher
    history = grade.history.get()
    assert history.history_user == teacher and history.value == Decimal("12.5") and history.version == 1
    assert created.row == {first.pk: Decimal("12.5")}  # the row as it was then
    assert with_point.row == {first.pk: Decimal("12.5"), second.pk: Decimal("14.25")}


@pytest.mark.parametrize("text", ["abs", "ABS", " Abs "])
def test_special_values_are_accepted_in_any_case(module, own, teacher, text):
    first, *_ = assessments_of(module)
    saved = _save(first, own, text, 0, teacher)
    grade = Grade.objects.get(pk=saved.grade.pk)
    assert grade.special == "ABS" and grade.value is None and grade.shown == "ABS"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("21", "grade_too_high"),
        ("-1", "grade_negative"),
        ("douze", "grade_format"),
        ("12,345", "grade_decimals"),
        ("=1+1", "grade_format"),
    ],
)
def test_a_bad_grade_is_refused_and_nothing_is_saved(module, own, teacher, text, code):
    first, *_ = assessments_of(module)
    _save(first, own, "10", 0, teacher)

    with pytest.raises(ValidationError) as refused:
        _save(first, own, text, 1, teacher)

    assert refused.value.code == code
    grade = Grade.objects.get(assessment=first, enrolment=own)
    assert grade.value == 10 and grade.version == 1 and grade.history.count() == 1


def test_the_maximum_is_the_assessment_s_own(module, own, teacher):
    first, *_ = assessments_of(module)
    first.out_of = 30
    first.save()
    assert _save(first, own, "27,5", 0, teacher).entered == Decimal("27.5")
    with pytest.raises(ValidationError) as refused:
        _save(first, own, "31", 1, teacher)
    assert refused.value.params == {"max": "30"}  # "at most 30", not "30,00"


def test_a_change_at_the_read_version_is_saved_and_audited_old_and_new(module, own, teacher, world):
    first, *_ = assessments_of(module)
    _save(first, own, "10", 0, teacher)

    saved = _save(first, own, "11", 1, world["scolarite"])

    assert saved.changed and saved.version == 2
    grade = Grade.objects.get(pk=saved.grade.pk)
    assert grade.value == 11 and grade.updated_by == world["scolarite"]
    trail = list(grade.history.order_by("history_date", "history_id").values_list("value", "history_user"))
    assert trail == [(10, teacher.pk), (11, world["scolarite"].pk)]  # who, old, new (and when)


def test_the_same_value_sent_twice_is_saved_once(module, own, teacher):
    first, *_ = assessments_of(module)
    _save(first, own, "12,5", 0, teacher)

    again = _save(first, own, "12.50", 0, teacher)  # a retried request, an old version

    assert not again.changed and again.version == 1
    assert Grade.objects.get(assessment=first, enrolment=own).history.count() == 1


def test_someone_else_s_newer_value_is_never_overwritten(module, own, teacher, world):
    first, *_ = assessments_of(module)
    _save(first, own, "10", 0, teacher)
    _save(first, own, "14", 1, world["scolarite"])  # scolarité changes it meanwhile

    with pytest.raises(GradeConflict) as conflict:
        _save(first, own, "11", 1, teacher)  # the teacher's cell was read at version 1

    assert conflict.value.grade.entered == 14 and conflict.value.grade.version == 2
    assert conflict.value.by == str(world["scolarite"]) and conflict.value.entered == 11
    assert conflict.value.row == {first.pk: Decimal(14)}
    grade = Grade.objects.get(assessment=first, enrolment=own)
    assert grade.value == 14 and grade.version == 2 and grade.history.count() == 2


def test_a_first_entry_made_meanwhile_by_someone_else_is_a_conflict_too(module, own, teacher, world):
    first, *_ = assessments_of(module)
    _save(first, own, "9", 0, world["scolarite"])
    with pytest.raises(GradeConflict):
        _save(first, own, "15", 0, teacher)  # read empty, at version 0
    assert _save(first, own, "9", 0, teacher).changed is False  # the same value: fine


def test_an_empty_text_clears_the_grade_and_keeps_its_history(module, own, teacher):
    first, *_ = assessments_of(module)
    _save(first, own, "ATT", 0, teacher)

    cleared = _save(first, own, "  ", 1, teacher)

    grade = Grade.objects.get(pk=cleared.grade.pk)
    assert cleared.changed and grade.value is None and grade.special == "" and grade.entered is None
    assert grade.version == 2 and grade.history.count() == 2
    assert _save(first, own, "", 2, teacher).changed is False
    assert _save(assessments_of(module)[1], own, "", 0, teacher).grade is None  # nothing to clear


def test_locked_grades_are_not_saved(module, own, teacher, monkeypatch):
    first, *_ = assessments_of(module)
    assert grades.grades_locked(module, module.unit.programme.school_year) is False
    monkeypatch.setattr(grades, "grades_locked", lambda module, school_year: True)

    with pytest.raises(GradesLocked):
        _save(first, own, "12", 0, teacher)

    assert not Grade.objects.exists()


def test_saving_a_cell_reads_a_few_queries(module, own, teacher):
    first, *_ = assessments_of(module)
    _save(first, own, "10", 0, teacher)
    first = type(first).objects.select_related("module__unit__programme__school_year").get(pk=first.pk)
    with CaptureQueriesContext(connection) as queries:
        _save(first, own, "11", 1, teacher)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    # whether a jury has deliberated (the lock), the row's grades (locked), the update, its history row
    assert len(statements) == 4, statements


# --- The grid -------------------------------------------------------------------------------


def test_the_grid_has_a_row_per_apprentice_a_column_per_assessment_resit_last_and_live_averages(
    world, module, own, teacher
):
    first, second, resit = assessments_of(module)
    resit.position = 0  # even first by position, the resit comes last
    resit.save()
    _save(first, own, "8", 0, teacher)
    _save(second, own, "ABS", 0, teacher)
    _save(resit, own, "12", 0, teacher)
    other = world.other.enrolments.get(school_year__start_year=2026)
    _save(first, other, "15", 0, teacher)

    with CaptureQueriesContext(connection) as queries:
        grid = module_grid(module)

    assert len(queries) == 4  # assessments, enrolments (with apprentice), grades, the jury's lock
    assert [a.pk for a in grid.assessments] == [first.pk, second.pk, resit.pk]
    rows = {row.enrolment_id: row for row in grid.rows}
    mine = rows[own.pk]
    assert [cell.text for cell in mine.cells] == ["8,00", "ABS", "12,00"]
    assert [cell.version for cell in mine.cells] == [1, 1, 1]
    # 8 × 0.4 + 0 × 0.6 = 3.2; the resit (best of) gives 12
    assert mine.average.shown == "12,00" and mine.average.complete and mine.average.resit_used
    theirs = rows[other.pk]
    assert theirs.average.shown == "15,00" and not theirs.average.complete  # provisional
    assert theirs.average.result.status is computation.Status.MISSING


def test_the_programme_s_resit_rule_is_applied(module, own, teacher):
    programme = module.unit.programme
    programme.resit_rule = computation.ResitRule.CAPPED
    programme.save()
    first, second, resit = assessments_of(module)
    for assessment, text in ((first, "6"), (second, "6"), (resit, "14")):
        _save(assessment, own, text, 0, teacher)
    module = grades.module_queryset().get(pk=module.pk)  # as the views read it
    row = next(r for r in module_grid(module).rows if r.enrolment_id == own.pk)
    assert row.average.shown == "10,00"  # capped at 10


def test_a_grade_above_a_lowered_maximum_shows_no_average_rather_than_failing(module, own, teacher):
    first, *_ = assessments_of(module)
    _save(first, own, "18", 0, teacher)
    type(first).objects.filter(pk=first.pk).update(out_of=10)
    row = next(r for r in module_grid(module).rows if r.enrolment_id == own.pk)
    assert row.average.shown == "—" and row.average.result is None


# --- A whole grid at once (without JavaScript) --------------------------------------------------


def test_a_whole_grid_saves_the_changed_cells_and_reports_the_bad_ones(module, own, teacher, world):
    first, second, _resit = assessments_of(module)
    other = world.other.enrolments.get(school_year__start_year=2026)
    _save(first, other, "10", 0, teacher)

    report = save_grid(
        module=module,
        entries=[
            CellEntry(first.pk, own.pk, "12,5", 0),
            CellEntry(second.pk, own.pk, "25", 0),
            CellEntry(first.pk, other.pk, "10,00", 1),  # unchanged
            CellEntry(second.pk, other.pk, "", 0),  # still empty
        ],
        actor=teacher,
    )

    assert report.saved == 1 and not report.ok
    assert set(report.errors) == {(own.pk, second.pk)}
    assert report.texts[(own.pk, second.pk)] == "25"
    assert Grade.objects.get(assessment=first, enrolment=own).value == Decimal("12.5")
    assert not Grade.objects.filter(assessment=second).exists()


def test_a_whole_grid_keeps_someone_else_s_newer_value_of_a_cell_left_as_read(module, own, teacher, world):
    first, second, _resit = assessments_of(module)
    _save(first, own, "10", 0, teacher)
    _save(second, own, "10", 0, teacher)
    # scolarité changes both after the teacher's page was loaded (both at version 1)
    _save(first, own, "14", 1, world["scolarite"])
    _save(second, own, "15", 1, world["scolarite"])

    report = save_grid(
        module=module,
        entries=[
            CellEntry(first.pk, own.pk, "10,00", 1),  # left as read: scolarité's 14 stays
            CellEntry(second.pk, own.pk, "11", 1),  # changed by the teacher too: a conflict
        ],
        actor=teacher,
    )

    assert report.saved == 0 and set(report.conflicts) == {(own.pk, second.pk)} and not report.errors
    assert Grade.objects.get(assessment=first, enrolment=own).value == 14
    assert Grade.objects.get(assessment=second, enrolment=own).value == 15


def test_a_whole_grid_ignores_cells_outside_the_module(module, own, teacher):
    elsewhere = make_module()
    stranger = f.AssessmentFactory(module=elsewhere)
    report = save_grid(module=module, entries=[CellEntry(stranger.pk, own.pk, "12", 0)], actor=teacher)
    assert report.saved == 0 and report.ok and not Grade.objects.exists()


# --- The teachers' modules -------------------------------------------------------------------


def test_a_teacher_s_modules_are_those_they_teach_this_year(world, module, teacher):
    year = SchoolYear.for_start_year(2026)
    make_module(study_year=3)  # not theirs
    last_year = f.ModuleFactory(
        unit=f.TeachingUnitFactory(programme=f.ProgrammeFactory(school_year=SchoolYear.for_start_year(2025))),
        teachers=[teacher],
    )
    assert list(modules_of(teacher, year)) == [module]
    assert last_year not in modules_of(teacher, SchoolYear.for_start_year(2026), everything=True)
    assert len(modules_of(teacher, year, everything=True)) == 2
    assert list(modules_of(teacher, year, everything=True, study_year=1)) == []
    assert list(modules_of(teacher, year, everything=True, unit_code="TI", study_year=2)) == [module]


def test_progress_counts_grades_entered_out_of_expected_and_att(world, module, own, teacher):
    first, second, resit = assessments_of(module)
    other = world.other.enrolments.get(school_year__start_year=2026)
    left = add_apprentices(1, status=EnrolmentStatus.LEFT)[0]
    _save(first, own, "12", 0, teacher)
    _save(second, own, "ATT", 0, teacher)
    _save(resit, own, "ATT", 0, teacher)  # counted as pending, not as expected
    _save(first, other, "", 0, teacher)
    Grade.objects.create(assessment=first, enrolment=left, value=3)  # not graded any more
    Grade.objects.create(assessment=second, enrolment=other)  # a cleared grade

    (progress,) = modules_progress(modules_of(teacher, SchoolYear.for_start_year(2026)), own.school_year)

    assert progress.apprentices == 2 and progress.assessments == 2 and progress.expected == 4
    assert progress.entered == 2 and progress.pending == 2
    assert progress.percent == 50 and not progress.complete


def test_an_option_module_expects_only_its_option_s_apprentices(world, teacher):
    module = make_module(option=f.option("genindus"), teachers=[teacher])
    add_apprentices(2, option=f.option("materiaux"))
    (progress,) = modules_progress(
        modules_of(teacher, module.unit.programme.school_year), module.unit.programme.school_year
    )
    assert progress.apprentices == 1 and progress.expected == 2
