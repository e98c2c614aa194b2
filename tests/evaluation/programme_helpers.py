"""A tiny programme for the programme pages' tests: one UE of courses with one module (and
its two assessments), the Option UE, and the Unité Entreprise with two components; all in
2A of 2026-2027 (the school year the tests run in)."""

from dataclasses import dataclass
from decimal import Decimal

from apprentissage.models import Option, SchoolYear
from evaluation.models import Assessment, Module, Programme, TeachingUnit, UnitComponent

from .. import factories as f


@dataclass
class Tiny:
    programme: Programme
    unit: TeachingUnit  # TI, 2A
    option_unit: TeachingUnit  # OPT, 2A
    company_unit: TeachingUnit  # UW, 2A
    module: Module  # TI2-01, S3
    assessment: Assessment  # its first


def tiny_programme(start_year: int = 2026) -> Tiny:
    """The same rows however often it is asked for in a test."""
    school_year = SchoolYear.for_start_year(start_year)
    programme, _ = Programme.objects.get_or_create(school_year=school_year)
    unit = f.TeachingUnitFactory(programme=programme, study_year=2, code="TI", ects=12, position=1)
    option_unit = f.TeachingUnitFactory(
        programme=programme, study_year=2, code="OPT", title="Option", ects=12, position=3
    )
    company_unit, created = TeachingUnit.objects.get_or_create(
        programme=programme,
        study_year=2,
        code="UW",
        defaults={"title": "Unité Entreprise", "ects": 20, "is_company_unit": True, "position": 4},
    )
    if created:
        UnitComponent.objects.create(
            unit=company_unit, code="PROJET", title="Projet", weight=Decimal("0.5"), graded_by="project_jury"
        )
        UnitComponent.objects.create(
            unit=company_unit,
            code="COMPORTEMENT",
            title="Comportement",
            weight=Decimal("0.5"),
            graded_by="company_tutor",
        )
    module = Module.objects.filter(unit=unit, code="TI2-01").first()
    if module is None:
        module = f.ModuleFactory(unit=unit, code="TI2-01", title="Automatique", semester=3)
        f.AssessmentFactory(module=module, title="Contrôle continu", weight=Decimal("0.4"), position=1)
        f.AssessmentFactory(module=module, title="Examen final", weight=Decimal("0.6"), position=2)
    return Tiny(
        programme=programme,
        unit=unit,
        option_unit=option_unit,
        company_unit=company_unit,
        module=module,
        assessment=module.assessments.order_by("position").first(),
    )


def genindus() -> Option:
    return Option.objects.get(code="genindus")
