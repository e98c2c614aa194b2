"""What the Unité Entreprise's tests build: the UW of a school year's study year with the seed's
components and rubrics (without the rest of the programme: fast), an apprentice's enrolment,
points for a whole rubric, a defence week in a calendar, a PDF upload."""

import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from apprentissage.models import Enrolment, SchoolYear
from apprentissage.signatures import SignerEvidence
from evaluation import company_unit as uw
from evaluation import programme_seed as seed
from evaluation.enums import ScorerRole
from evaluation.models import Defence, TeachingUnit, UnitComponent
from evaluation.programmes import rubric_data
from planning.enums import WeekKind
from planning.models import CalendarWeek
from tests import factories as f
from tests import pdfs

PARIS = ZoneInfo("Europe/Paris")
DEFENCE_MONDAY = datetime.date(2027, 6, 14)  # week 24 of 2027: a defence week of 2026-2027's 2A
DEFENCE_START = datetime.datetime(2027, 6, 15, 10, 0, tzinfo=PARIS)
DEFENCE_END = datetime.datetime(2027, 6, 15, 11, 0, tzinfo=PARIS)
REPORT = {1: "RAPPORT_OBS", 2: "RAPPORT_ING"}
PROJECT = {1: "PROJET", 2: "PROJET", 3: "PFE"}
BEHAVIOUR = "COMPORTEMENT"


def company_unit(school_year: SchoolYear, study_year: int = 2) -> dict[str, UnitComponent]:
    """The school year's UW of `study_year` (found or made from the seed): code → component."""
    programme = f.ProgrammeFactory(school_year=school_year)
    unit, _created = TeachingUnit.objects.get_or_create(
        programme=programme,
        study_year=study_year,
        code="UW",
        defaults={"title": "Unité Entreprise", "ects": 20, "is_company_unit": True, "position": 4},
    )
    year = next(y for y in seed.COMPANY_UNIT if y.study_year == study_year)
    components = {}
    for index, c in enumerate(year.components):
        components[c.code], _created = UnitComponent.objects.get_or_create(
            unit=unit,
            code=c.code,
            defaults={
                "title": c.title,
                "description": c.description,
                "weight": c.weight,
                "graded_by": c.graded_by,
                "rubric": rubric_data(seed.RUBRICS[c.rubric]) if c.rubric else [],
                "position": index,
            },
        )
    return components


def enrolment_of(apprenticeship, start_year: int = 2026) -> Enrolment:
    return uw.enrolments_with_people().get(apprenticeship=apprenticeship, school_year__start_year=start_year)


def own(world, study_year: int = 2):
    """world.own's enrolment of 2026-2027 (2A) and its components (code → component)."""
    enrolment = enrolment_of(world.own)
    return enrolment, company_unit(enrolment.school_year, study_year)


def slot(enrolment, component, role=""):
    return uw.Slot(enrolment, component, role)


def full_points(component, value=None) -> dict:
    """Every criterion at its maximum (or `value`)."""
    return {c["code"]: value if value is not None else c["max_points"] for c in component.rubric}


def rubric_post(component, points: dict | None = None, *, version=0, comment="", action="save") -> dict:
    points = full_points(component) if points is None else points
    data = {f"points_{code}": value for code, value in points.items()}
    return {**data, "comment": comment, "version": version, action: "1"}


def pdf_upload(content: bytes | None = None, name: str = "rapport.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, pdfs.plain() if content is None else content, content_type="application/pdf"
    )


def defence_week(school_year, study_year=2, monday=DEFENCE_MONDAY, kind=WeekKind.DEFENCES, option=None):
    CalendarWeek.objects.update_or_create(
        school_year=school_year, study_year=study_year, monday=monday, option=option, defaults={"kind": kind}
    )


def defence_data(enrolment, start=DEFENCE_START, end=DEFENCE_END, **changes) -> dict:
    apprenticeship = enrolment.apprenticeship
    return {
        "starts_at": start,
        "ends_at": end,
        "room": "Salle B102",
        "video_url": "",
        "company_tutor": apprenticeship.company_tutor,
        "school_tutor": apprenticeship.school_tutor,
        "option_lead": apprenticeship.option.lead,
        **changes,
    }


def make_defence(enrolment, component, start=DEFENCE_START, end=DEFENCE_END, **changes) -> Defence:
    """A defence written directly (the scheduling rules are tested in test_defences)."""
    data = defence_data(enrolment, start, end, **changes)
    return Defence.objects.create(enrolment=enrolment, component=component, **data)


def evidence_of(user) -> SignerEvidence:
    return SignerEvidence(
        typed_name=f"{user.first_name} {user.last_name}", ip_address="127.0.0.1", user_agent="t"
    )


def signed_behaviour(enrolment, component, tutor):
    return uw.sign_behaviour(
        slot=slot(enrolment, component, ScorerRole.COMPANY_TUTOR),
        points=full_points(component, "2"),
        comment="Très bon comportement.",
        expected_version=0,
        actor=tutor,
        evidence=evidence_of(tutor),
    )
