"""A school year's programme: loaded from the seed, copied to the next year, its totals."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apprentissage.models import SchoolYear
from evaluation import programme_seed as seed
from evaluation.models import Assessment, Module, Programme, TeachingUnit, UnitComponent
from evaluation.programmes import ProgrammeExists, copy_programme, load_seed, programme_totals
from tests import factories as f


@pytest.fixture
def programme(db):
    return load_seed(f.SchoolYearFactory(start_year=2026))


def test_the_seed_gives_every_ue_module_assessment_and_component(programme):
    assert programme.units.count() == 14  # SF, TI, CI, OPT, UW in 1A and 2A; TI, CI, OPT, UW in 3A
    assert Module.objects.filter(unit__programme=programme).count() == len(seed.MODULES) == 114
    assert Assessment.objects.filter(module__unit__programme=programme).count() == 2 * 114
    uw = TeachingUnit.objects.get(programme=programme, study_year=1, code="UW")
    assert uw.is_company_unit and uw.ects == 20
    assert list(uw.components.values_list("code", "weight", "graded_by")) == [
        ("RAPPORT_OBS", Decimal("0.25"), "school_tutor"),
        ("PROJET", Decimal("0.50"), "project_jury"),
        ("COMPORTEMENT", Decimal("0.25"), "company_tutor"),
    ]
    assert UnitComponent.objects.filter(unit__programme=programme, unit__study_year=3).count() == 2
    project = uw.components.get(code="PROJET")
    assert [c["code"] for c in project.rubric][:2] == ["contexte", "diagnostic"] and len(project.rubric) == 7
    assert sum(Decimal(c["max_points"]) for c in project.rubric) == 20
    assert (
        len(uw.components.get(code="COMPORTEMENT").rubric) == 6
        and not uw.components.get(code="RAPPORT_OBS").rubric
    )


def test_each_option_follows_600_hours_20_modules_and_60_ects_a_year(programme):
    with CaptureQueriesContext(connection) as queries:
        totals = programme_totals(programme)
    assert len(queries) == 3  # options, units, modules
    assert len(totals) == 3 * 4
    assert all(t.matches_seed for t in totals), [t for t in totals if not t.matches_seed]
    assert sum(t.ects for t in totals if t.option.code == "genindus") == 180


def test_a_changed_programme_shows_it_differs_from_the_seed(programme):
    Module.objects.filter(code="SF1-01").update(hours=36)
    totals = {(t.study_year, t.option.code): t for t in programme_totals(programme)}
    assert totals[(1, "genindus")].hours == 606 and not totals[(1, "genindus")].matches_seed
    assert totals[(2, "genindus")].matches_seed


def test_a_programme_is_copied_to_the_next_school_year_with_its_teachers(programme):
    teacher = f.UserFactory()
    module = Module.objects.get(unit__programme=programme, code="TI1-01")
    module.teachers.add(teacher)
    programme.resit_rule = "capped"
    programme.save()
    next_year = f.SchoolYearFactory(start_year=2027)

    copy = copy_programme(programme, next_year)

    assert copy.school_year == next_year and copy.resit_rule == "capped"
    assert copy.units.count() == programme.units.count()
    copied = Module.objects.get(unit__programme=copy, code="TI1-01")
    assert list(copied.teachers.all()) == [teacher] and copied.pk != module.pk
    assert copied.assessments.count() == 2
    assert UnitComponent.objects.filter(unit__programme=copy).count() == 8
    assert UnitComponent.objects.get(unit__programme=copy, unit__study_year=1, code="PROJET").rubric[0][
        "levels"
    ]
    # The source is untouched
    assert Module.objects.filter(unit__programme=programme).count() == 114


def test_a_school_year_with_a_programme_keeps_it(programme):
    with pytest.raises(ProgrammeExists):
        load_seed(programme.school_year)
    with pytest.raises(ProgrammeExists):
        copy_programme(programme, programme.school_year)
    assert Programme.objects.count() == 1 and SchoolYear.objects.filter(programme=programme).exists()


def test_the_rules_are_the_computations(programme):
    programme.eliminatory_below = Decimal(6)
    rules = programme.rules()
    assert rules.pass_mark == 10 and rules.eliminatory_below == 6 and rules.resit_rule == "best"
