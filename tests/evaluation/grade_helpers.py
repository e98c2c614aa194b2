"""A module of 2026-2027 (2A, TI) with its assessments, for the grade tests: world.own is a
2A GenIndus apprentice that year."""

from decimal import Decimal

from apprentissage.models import SchoolYear
from evaluation.models import Assessment, Module
from tests import factories as f


def make_module(*, teachers=(), study_year: int = 2, option=None, resit: bool = True, **fields) -> Module:
    """A module with two assessments (0.4 and 0.6, out of 20) and a resit, in 2026-2027."""
    year = SchoolYear.for_start_year(2026)
    unit = f.TeachingUnitFactory(
        programme=f.ProgrammeFactory(school_year=year),
        study_year=study_year,
        code="OPT" if option else "TI",
    )
    module = f.ModuleFactory(unit=unit, option=option, teachers=list(teachers), **fields)
    f.AssessmentFactory(module=module, title="Contrôle continu", weight=Decimal("0.4"), position=0)
    f.AssessmentFactory(module=module, title="Examen final", weight=Decimal("0.6"), position=1)
    if resit:
        f.AssessmentFactory(module=module, title="Rattrapage", is_resit=True, position=2)
    return module


def assessments_of(module: Module) -> tuple[Assessment, ...]:
    """(first, second, resit or None) in the grid's order."""
    rows = list(module.assessments.order_by("is_resit", "position", "pk"))
    resit = next((a for a in rows if a.is_resit), None)
    regular = [a for a in rows if not a.is_resit]
    return (*regular, resit)


def add_apprentices(count: int, *, option=None, status=None) -> list:
    """`count` apprentices of cohort 2025 (2A in 2026-2027), each enrolled (the factories enrol
    them in the existing school years); returns their 2026-2027 enrolments."""
    year = SchoolYear.for_start_year(2026)
    enrolments = []
    for _ in range(count):
        kwargs = {"option": option} if option else {}
        apprenticeship = f.ApprenticeshipFactory(**kwargs)
        enrolment = apprenticeship.enrolments.get(school_year=year)
        if status:
            enrolment.status = status
            enrolment.save()
        enrolments.append(enrolment)
    return enrolments
