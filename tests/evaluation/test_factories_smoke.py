"""The evaluation factories make valid rows (the other tests build on them)."""

from tests import factories as f


def test_a_grade_of_a_module_of_a_programme(db):
    grade = f.GradeFactory(assessment=f.AssessmentFactory(module=f.ModuleFactory(teachers=[f.UserFactory()])))
    module = grade.assessment.module
    assert module.unit.programme.school_year.start_year == 2026 and module.semester == 3
    assert module.teachers.count() == 1 and grade.entered == 12 and grade.shown == "12,00"
