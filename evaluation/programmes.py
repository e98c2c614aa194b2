"""Making and reading a school year's programme: loaded from the seed (evaluation.programme_seed,
a plausible maquette until scolarité enters the school's own), copied from one school year to
the next, and its totals computed (hours, modules, ECTS) to show beside the seed's figures."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from apprentissage.models import Option, SchoolYear
from evaluation import programme_seed as seed
from evaluation.models import Assessment, Module, Programme, TeachingUnit, UnitComponent

# The assessments a module of the seed starts with (scolarité and its teachers change them).
DEFAULT_ASSESSMENTS = (("Contrôle continu", Decimal("0.4")), ("Examen final", Decimal("0.6")))

# The seed's own figures (DOMAIN.md §4), shown beside the programme's computed totals.
SEED_HOURS_PER_YEAR = 600
SEED_MODULES_PER_YEAR = 20
SEED_ECTS_PER_YEAR = 60
SEED_ECTS_TOTAL = 180


class ProgrammeExists(Exception):
    """The school year already has a programme: nothing is replaced."""


def rubric_data(criteria) -> list[dict]:
    """A seed rubric as stored on a component (JSON: points as strings, exact)."""
    return [
        {
            "code": criterion.code,
            "title": criterion.title,
            "max_points": str(criterion.max_points),
            "levels": [
                {
                    "code": level.code,
                    "title": level.title,
                    "descriptor": level.descriptor,
                    "min": str(level.min_points),
                    "max": str(level.max_points),
                }
                for level in criterion.levels
            ],
        }
        for criterion in criteria
    ]


@transaction.atomic
def load_seed(school_year: SchoolYear) -> Programme:
    """The seed's programme for `school_year` (its UEs, modules with their default
    assessments, the Unité Entreprise's components). Refused when it has one already."""
    if Programme.objects.filter(school_year=school_year).exists():
        raise ProgrammeExists(_("%(year)s already has a programme.") % {"year": school_year})
    programme = Programme.objects.create(school_year=school_year)
    options = {option.code: option for option in Option.objects.all()}
    company_years = {year.study_year: year for year in seed.COMPANY_UNIT}
    for study_year in seed.YEARS:
        for position, unit in enumerate(seed.UNITS):
            ects = seed.ECTS[study_year].get(unit.code)
            if ects is None:  # no such UE that year (SF in 3A)
                continue
            ue = TeachingUnit.objects.create(
                programme=programme,
                study_year=study_year,
                code=unit.code,
                title=unit.title,
                ects=ects,
                is_company_unit=not unit.has_modules,
                position=position,
            )
            if not unit.has_modules:
                UnitComponent.objects.bulk_create(
                    UnitComponent(
                        unit=ue,
                        code=component.code,
                        title=component.title,
                        description=component.description,
                        weight=component.weight,
                        graded_by=component.graded_by,
                        rubric=rubric_data(seed.RUBRICS[component.rubric]) if component.rubric else [],
                        position=index,
                    )
                    for index, component in enumerate(company_years[study_year].components)
                )
                continue
            modules = Module.objects.bulk_create(
                Module(
                    unit=ue,
                    code=module.code,
                    title=module.title,
                    semester=module.semester,
                    coefficient=module.coefficient,
                    hours=module.hours,
                    option=options.get(module.option) if module.option else None,
                )
                for module in seed.MODULES
                if module.unit == unit.code
                and module.study_year == study_year
                and (module.option is None or module.option in options)
            )
            Assessment.objects.bulk_create(
                Assessment(module=module, title=title, weight=weight, position=index)
                for module in modules
                for index, (title, weight) in enumerate(DEFAULT_ASSESSMENTS)
            )
    return programme


@transaction.atomic
def copy_programme(source: Programme, school_year: SchoolYear) -> Programme:
    """`source`'s programme for `school_year`: rules, UEs, modules with their teachers and
    assessments, components; no grade. Refused when `school_year` has one already."""
    if Programme.objects.filter(school_year=school_year).exists():
        raise ProgrammeExists(_("%(year)s already has a programme.") % {"year": school_year})
    rules = {
        field.name: getattr(source, field.name)
        for field in Programme._meta.concrete_fields
        if field.name not in ("id", "school_year")
    }
    programme = Programme.objects.create(school_year=school_year, **rules)
    units = list(source.units.prefetch_related("modules__assessments", "modules__teachers", "components"))
    for unit in units:
        copy = TeachingUnit.objects.create(
            programme=programme,
            study_year=unit.study_year,
            code=unit.code,
            title=unit.title,
            ects=unit.ects,
            is_company_unit=unit.is_company_unit,
            position=unit.position,
        )
        UnitComponent.objects.bulk_create(
            UnitComponent(
                unit=copy,
                code=c.code,
                title=c.title,
                description=c.description,
                weight=c.weight,
                graded_by=c.graded_by,
                rubric=c.rubric,
                position=c.position,
            )
            for c in unit.components.all()
        )
        for module in unit.modules.all():
            new = Module.objects.create(
                unit=copy,
                code=module.code,
                title=module.title,
                semester=module.semester,
                coefficient=module.coefficient,
                hours=module.hours,
                option_id=module.option_id,
            )
            new.teachers.set(module.teachers.all())
            Assessment.objects.bulk_create(
                Assessment(
                    module=new,
                    title=a.title,
                    weight=a.weight,
                    out_of=a.out_of,
                    is_resit=a.is_resit,
                    position=a.position,
                )
                for a in module.assessments.all()
            )
    return programme


@dataclass(frozen=True)
class YearTotals:
    """What an apprentice of `option` follows in `study_year`."""

    study_year: int
    option: Option | None
    modules: int
    hours: int
    ects: int

    @property
    def matches_seed(self) -> bool:
        return (
            self.modules == SEED_MODULES_PER_YEAR
            and self.hours == SEED_HOURS_PER_YEAR
            and self.ects == SEED_ECTS_PER_YEAR
        )


def programme_totals(programme: Programme) -> list[YearTotals]:
    """Per study year and option: the modules, hours and ECTS an apprentice follows (the
    common core and their option's modules), in two queries."""
    options = list(Option.objects.order_by("name"))
    ects = defaultdict(int)
    for unit in programme.units.all():
        ects[unit.study_year] += unit.ects
    common, own = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    for study_year, option_id, hours in Module.objects.filter(unit__programme=programme).values_list(
        "unit__study_year", "option_id", "hours"
    ):
        counts = common[study_year] if option_id is None else own[(study_year, option_id)]
        counts[0] += 1
        counts[1] += hours
    totals = []
    for study_year in sorted(ects):
        for option in options:
            modules = common[study_year][0] + own[(study_year, option.pk)][0]
            hours = common[study_year][1] + own[(study_year, option.pk)][1]
            totals.append(YearTotals(study_year, option, modules, hours, ects[study_year]))
    return totals
