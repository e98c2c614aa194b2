import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from apprentissage.enums import ApprenticeshipStatus, EnrolmentStatus
from apprentissage.models import (
    Apprenticeship,
    Cohort,
    Company,
    CompanyContact,
    CompanyTutor,
    Enrolment,
    Option,
    SchoolYear,
    User,
)
from apprentissage.models.academics import school_year_end, school_year_start
from apprentissage.validators import luhn_complete

PASSWORD = "un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.com")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        for name in extracted or []:
            obj.groups.add(Group.objects.get_or_create(name=name)[0])


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Entreprise {n}")
    siret = factory.Sequence(lambda n: luhn_complete(f"8{n:08d}0001"))
    address = "1 rue de l'Usine"
    postal_code = "81000"
    city = "Albi"
    opco = "OPCO 2i"


class CompanyTutorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyTutor

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    has_engineering_degree = True
    years_as_engineer = 5


class CompanyContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyContact

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    is_hr_contact = True
    is_signatory = True


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("start_year",)
        skip_postgeneration_save = True

    start_year = 2026
    start_date = factory.LazyAttribute(lambda o: school_year_start(o.start_year))
    end_date = factory.LazyAttribute(lambda o: school_year_end(o.start_year))

    @factory.post_generation
    def enrolments(obj, create, extracted, **kwargs):
        """Apprenticeships created before their school year get enrolled in it too (nominal
        study year), so a test may create them in any order (`enrolments=False`: none)."""
        if create and extracted is not False:
            enrol_cohort_span(school_years=[obj])


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort
        django_get_or_create = ("entry_year",)

    entry_year = 2025


def option(code: str = "genindus") -> Option:
    """The four options come from a data migration; tests use them, not copies."""
    return Option.objects.get(code=code)


class ApprenticeshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Apprenticeship
        skip_postgeneration_save = True

    apprentice = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    company_tutor = factory.SubFactory(UserFactory)
    school_tutor = factory.SubFactory(UserFactory)
    option = factory.LazyFunction(option)
    cohort = factory.SubFactory(CohortFactory)
    contract_start = datetime.date(2025, 9, 1)
    contract_end = datetime.date(2028, 8, 31)
    status = ApprenticeshipStatus.ACTIVE

    @factory.post_generation
    def enrolments(obj, create, extracted, **kwargs):
        """Enrolled by default in every existing school year of the cohort's three years, at
        the cohort's nominal study year (`enrolments=False`: none)."""
        if create and extracted is not False:
            enrol_cohort_span([obj])


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment
        django_get_or_create = ("apprenticeship", "school_year")

    apprenticeship = factory.SubFactory(ApprenticeshipFactory, enrolments=False)
    school_year = factory.SubFactory(SchoolYearFactory, enrolments=False)
    study_year = factory.LazyAttribute(lambda o: o.apprenticeship.cohort.study_year_in(o.school_year) or 1)
    status = EnrolmentStatus.ENROLLED


def enrol_cohort_span(apprenticeships=None, school_years=None) -> None:
    """Enrol apprenticeships in each school year of their cohort's three years that exists
    and where they have no enrolment yet, at the cohort's nominal study year (what the data
    migration did for existing records)."""
    apprenticeships = list(apprenticeships if apprenticeships is not None else Apprenticeship.objects.all())
    school_years = list(school_years if school_years is not None else SchoolYear.objects.all())
    for apprenticeship in apprenticeships:
        for school_year in school_years:
            study_year = apprenticeship.cohort.study_year_in(school_year)
            if study_year is not None:
                Enrolment.objects.get_or_create(
                    apprenticeship=apprenticeship,
                    school_year=school_year,
                    defaults={"study_year": study_year},
                )
        apprenticeship.forget_enrolments()


# The LEA


class CompetencyBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lea.CompetencyBlock"

    name = factory.Sequence(lambda n: f"Bloc {n}")
    option = None


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lea.Competency"

    block = factory.SubFactory(CompetencyBlockFactory)
    code = factory.Sequence(lambda n: f"c{n}")
    label = factory.Sequence(lambda n: f"Compétence {n}")


def _school_year_of(o):
    return SchoolYearFactory(start_year=2026, enrolments=False)


class FicheFactory(factory.django.DjangoModelFactory):
    """A fiche of the company period before the return to school of Monday 30/11/2026 (not a
    period of any planned calendar: tests that need the calendar use `lea.fiches.sync_fiches`)."""

    class Meta:
        model = "lea.Fiche"

    apprenticeship = factory.SubFactory(ApprenticeshipFactory)
    school_year = factory.LazyAttribute(_school_year_of)
    study_year = factory.LazyAttribute(lambda o: o.apprenticeship.study_year_in(o.school_year) or 1)
    number = factory.Sequence(lambda n: n + 1)
    period_start = datetime.date(2026, 10, 5)
    period_end = datetime.date(2026, 11, 27)
    return_on = datetime.date(2026, 11, 30)
    due_on = datetime.date(2026, 12, 4)
    framework = factory.LazyFunction(
        lambda: [
            {"code": "conception", "label": "Concevoir une solution", "block": "Compétences communes"},
            {"code": "projet", "label": "Conduire un projet", "block": "Compétences communes"},
        ]
    )


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lea.Visit"

    apprenticeship = factory.SubFactory(ApprenticeshipFactory)
    school_year = factory.LazyAttribute(_school_year_of)
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 12, 8, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    )
    attendees = "L'apprenti, le tuteur entreprise, le tuteur école"


class YearlyPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lea.YearlyPlan"
        django_get_or_create = ("apprenticeship", "school_year")

    apprenticeship = factory.SubFactory(ApprenticeshipFactory)
    school_year = factory.LazyAttribute(_school_year_of)
    study_year = factory.LazyAttribute(lambda o: o.apprenticeship.study_year_in(o.school_year) or 1)


class ProjectDossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "lea.ProjectDossier"
        django_get_or_create = ("apprenticeship", "school_year")

    apprenticeship = factory.SubFactory(ApprenticeshipFactory)
    school_year = factory.LazyAttribute(_school_year_of)
    study_year = factory.LazyAttribute(lambda o: o.apprenticeship.study_year_in(o.school_year) or 1)


# --- Evaluation ---------------------------------------------------------------------------


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """An empty programme (its rules only); `evaluation.programmes.load_seed` gives a whole one."""

    class Meta:
        model = "evaluation.Programme"
        django_get_or_create = ("school_year",)

    school_year = factory.SubFactory(SchoolYearFactory, enrolments=False)


class TeachingUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.TeachingUnit"
        django_get_or_create = ("programme", "study_year", "code")

    programme = factory.SubFactory(ProgrammeFactory)
    study_year = 2
    code = "TI"
    title = "Techniques pour l'Ingénieur"
    ects = 12


class ModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.Module"
        skip_postgeneration_save = True

    unit = factory.SubFactory(TeachingUnitFactory)
    code = factory.Sequence(lambda n: f"TI2-{n + 1:02d}")
    title = factory.Sequence(lambda n: f"Module {n + 1}")
    semester = factory.LazyAttribute(lambda o: 2 * o.unit.study_year - 1)

    @factory.post_generation
    def teachers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.teachers.set(extracted)


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.Assessment"

    module = factory.SubFactory(ModuleFactory)
    title = factory.Sequence(lambda n: f"Épreuve {n + 1}")


class GradeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluation.Grade"
        django_get_or_create = ("assessment", "enrolment")

    assessment = factory.SubFactory(AssessmentFactory)
    enrolment = factory.SubFactory(EnrolmentFactory)
    value = 12
