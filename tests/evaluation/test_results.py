"""Results read from the database (evaluation.results): the right modules for each apprentice,
the Unité Entreprise from its components, in a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apprentissage.models import Enrolment, SchoolYear
from evaluation import computation
from evaluation.models import Assessment, ComponentGrade, Grade, Module
from evaluation.programmes import load_seed
from evaluation.results import ProgrammeShape, year_results
from tests import factories as f
from tests.evaluation.helpers import enrolment_of, fill_year


@pytest.fixture
def programme(world):
    return load_seed(SchoolYear.objects.get(start_year=2026))


_enrolment = enrolment_of
_fill = fill_year


def test_a_complete_year_is_admitted_with_its_60_ects(world, programme):
    enrolment = _enrolment(world.own)
    _fill(enrolment)

    result = year_results([enrolment], programme)[enrolment.pk]

    assert result.status is computation.Status.COMPLETE
    assert [ue.code for ue in result.ues] == ["SF", "TI", "CI", "OPT", "UW"]
    option_modules = next(ue for ue in result.ues if ue.code == "OPT").modules
    assert len(option_modules) == 6  # the apprentice's option's only
    assert {m.code[:2] for m in option_modules} == {"GI"}
    uw = next(ue for ue in result.ues if ue.code == "UW")
    assert uw.average == 14 and [m.code for m in uw.modules] == ["RAPPORT_ING", "PROJET", "COMPORTEMENT"]
    assert result.ects_earned == 60 and result.proposal.code is computation.YearCode.ADM
    assert result.average == Decimal(40 * 12 + 20 * 14) / 60  # the UEs' 40 ECTS at 12, the UW's 20 at 14


def test_missing_and_pending_grades_make_no_proposal(world, programme):
    enrolment = _enrolment(world.own)
    _fill(enrolment)
    grade = Grade.objects.filter(enrolment=enrolment).first()
    grade.value, grade.special = None, "ATT"
    grade.save()
    ComponentGrade.objects.filter(enrolment=enrolment, component__code="COMPORTEMENT").delete()

    result = year_results([enrolment], programme)[enrolment.pk]

    assert result.status is computation.Status.PENDING and result.proposal.code is None
    kinds = {(gap.kind, gap.ue) for gap in computation.gaps(result)}
    assert (computation.GapKind.PENDING, grade.assessment.module.unit.code) in kinds
    assert (computation.GapKind.MISSING, "UW") in kinds


def test_a_resit_counts_by_the_programmes_rule(world, programme):
    enrolment = _enrolment(world.own)
    _fill(enrolment)
    module = Module.objects.get(unit__programme=programme, code="TI2-01")
    Grade.objects.filter(enrolment=enrolment, assessment__module=module).update(value=4)
    resit = Assessment.objects.create(module=module, title="Rattrapage", is_resit=True)
    Grade.objects.create(assessment=resit, enrolment=enrolment, value=15)
    programme.resit_rule = "capped"
    programme.save()

    result = year_results([enrolment], programme)[enrolment.pk]

    module_result = next(m for ue in result.ues for m in ue.modules if m.code == "TI2-01")
    assert module_result.resit_used and module_result.average == 10


def test_results_take_a_constant_number_of_queries(world, programme):
    def measure(n):
        apprenticeships = [world.own] + [
            f.ApprenticeshipFactory(cohort=world.own.cohort, option=world.own.option) for _ in range(n - 1)
        ]
        enrolments = list(
            Enrolment.objects.select_related("apprenticeship").filter(
                apprenticeship__in=apprenticeships, school_year__start_year=2026
            )
        )
        assert len(enrolments) == n
        with CaptureQueriesContext(connection) as queries:
            results = year_results(enrolments, ProgrammeShape.of(programme))
        assert len(results) == n
        return len(queries)

    assert measure(5) == measure(50) <= 7
