"""`ensure_yearly_documents`: one yearly plan and one project dossier per enrolled
apprenticeship and school year, at its study year, idempotent, constant queries."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprentissage.enums import EnrolmentStatus
from apprentissage.models import Enrolment
from lea.models import ProjectDossier, YearlyPlan
from lea.plans import ensure_yearly_documents
from recruitment.enums import ExpectedLevel

from .. import factories as f
from .plans_helpers import documents_of, year


def test_creates_one_plan_and_one_project_at_the_study_year(world):
    created = ensure_yearly_documents([world.own, world.other], year())

    assert created == (2, 2)
    plan = YearlyPlan.objects.get(apprenticeship=world.own, school_year=year())
    assert plan.study_year == 2
    assert plan.level == ExpectedLevel.ASSISTANT_ENGINEER  # the 2A default
    assert plan.state == "draft" and plan.missions == ""
    assert ProjectDossier.objects.get(apprenticeship=world.own, school_year=year()).study_year == 2


def test_is_idempotent(world):
    ensure_yearly_documents([world.own], year())
    plan = YearlyPlan.objects.get(apprenticeship=world.own, school_year=year())
    YearlyPlan.objects.filter(pk=plan.pk).update(missions="déjà écrit")

    assert ensure_yearly_documents([world.own], year()) == (0, 0)
    assert YearlyPlan.objects.filter(apprenticeship=world.own).count() == 1
    assert YearlyPlan.objects.get(pk=plan.pk).missions == "déjà écrit"


def test_the_study_year_comes_from_the_enrolment_a_repeated_year(world):
    Enrolment.objects.filter(apprenticeship=world.own, school_year=year()).update(
        study_year=1, status=EnrolmentStatus.REPEATING
    )

    plan, project = documents_of(world.own)

    assert (plan.study_year, project.study_year) == (1, 1)
    assert plan.level == ExpectedLevel.TECHNICIAN


@pytest.mark.parametrize("status", [EnrolmentStatus.SUSPENDED, EnrolmentStatus.LEFT])
def test_none_for_an_apprentice_not_followed_that_year(world, status):
    Enrolment.objects.filter(apprenticeship=world.own, school_year=year()).update(status=status)

    assert ensure_yearly_documents([world.own], year()) == (0, 0)
    assert not YearlyPlan.objects.filter(apprenticeship=world.own).exists()


def test_none_without_an_enrolment_in_the_school_year(world):
    newcomer = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2027), option=world.own.option)

    assert ensure_yearly_documents([newcomer], year()) == (0, 0)


def test_a_1a_plan_starts_from_the_recruitment_mission_sheet(world):
    first_year = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2026), option=world.own.option)
    dossier = world.dossier
    dossier.apprenticeship = first_year
    dossier.save(update_fields=["apprenticeship"])
    sheet = dossier.mission_sheet
    sheet.year1_missions = "Observer la production\nMettre à jour les gammes"
    sheet.year1_family = "production"
    sheet.year1_level = ExpectedLevel.TECHNICIAN
    sheet.year2_missions = "Pas celles-ci"
    sheet.save()

    plan, _project = documents_of(first_year)

    assert plan.study_year == 1
    assert plan.missions == "Observer la production\nMettre à jour les gammes"
    assert plan.family == "production"
    assert plan.level == ExpectedLevel.TECHNICIAN


def test_a_2a_plan_does_not_copy_the_mission_sheet(world):
    world.dossier.apprenticeship = world.own
    world.dossier.save(update_fields=["apprenticeship"])
    sheet = world.dossier.mission_sheet
    sheet.year1_missions = "Missions de 1A"
    sheet.save()

    plan, _project = documents_of(world.own)

    assert plan.missions == ""


def _queries(apprenticeships, school_year) -> int:
    with CaptureQueriesContext(connection) as queries:
        ensure_yearly_documents(apprenticeships, school_year)
    return len(queries)


def test_constant_queries_5_vs_40(world):
    """40, not 50: SQLite splits an insert into batches of 999 parameters (about 45 history
    rows of a project dossier), which is the database's limit, not a query per apprentice."""
    school_year = year()
    cohort = f.CohortFactory(entry_year=2025)
    few = [f.ApprenticeshipFactory(cohort=cohort) for _ in range(4)]
    many = [f.ApprenticeshipFactory(cohort=cohort) for _ in range(35)]
    first = f.CohortFactory(entry_year=2026)
    few += [f.ApprenticeshipFactory(cohort=first)]
    many += [f.ApprenticeshipFactory(cohort=first) for _ in range(5)]

    # enrolments, existing plans, existing dossiers, 1A mission sheets, then the inserts
    # (and their history) in a transaction
    assert _queries(few, school_year) == _queries(many, school_year)
    assert YearlyPlan.objects.filter(school_year=school_year).count() == 45
    # Everything exists now: three reads inside the savepoint, nothing written.
    assert _queries(many, school_year) == 2 + 3


@pytest.mark.parametrize(
    "study_year,level,expectation",
    [
        (1, ExpectedLevel.TECHNICIAN, "la dimension technique prime"),
        (2, ExpectedLevel.ASSISTANT_ENGINEER, "technique et managériale équilibrées"),
        (3, ExpectedLevel.JUNIOR_ENGINEER, "la dimension managériale prime"),
    ],
)
def test_each_study_year_has_its_level_and_the_form_shows_its_expectation(
    world, login, study_year, level, expectation
):
    Enrolment.objects.filter(apprenticeship=world.own, school_year=year()).update(study_year=study_year)
    plan, _project = documents_of(world.own)

    response = login(world["company_tutor"]).get(reverse("lea:plan_edit", args=[plan.pk]))

    assert plan.level == level
    assert expectation in html.unescape(response.content.decode())
