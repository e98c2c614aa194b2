"""Shared by the evaluation tests: a year's grades filled for an apprentice."""

from decimal import Decimal

from apprentissage.models import Enrolment
from evaluation.models import Assessment, ComponentGrade, Grade, UnitComponent


def enrolment_of(apprenticeship, start_year: int = 2026) -> Enrolment:
    return Enrolment.objects.select_related("apprenticeship", "school_year").get(
        apprenticeship=apprenticeship, school_year__start_year=start_year
    )


def fill_year(enrolment, value=Decimal(12), components=Decimal(14)) -> None:
    """Every grade and Unité Entreprise component of the enrolment's year and option."""
    option = enrolment.apprenticeship.option_id
    year = {"school_year": enrolment.school_year, "study_year": enrolment.study_year}
    assessments = Assessment.objects.filter(
        module__unit__programme__school_year=year["school_year"], module__unit__study_year=year["study_year"]
    ).select_related("module")
    Grade.objects.bulk_create(
        Grade(assessment=a, enrolment=enrolment, value=value)
        for a in assessments
        if a.module.option_id in (None, option) and not a.is_resit
    )
    ComponentGrade.objects.bulk_create(
        ComponentGrade(component=component, enrolment=enrolment, value=components)
        for component in UnitComponent.objects.filter(
            unit__programme__school_year=year["school_year"], unit__study_year=year["study_year"]
        )
    )
