"""Making and reading a school year's programme: loaded from the seed (evaluation.programme_seed,
a plausible maquette until scolarité enters the school's own), copied from one school year to
the next, and its totals computed (hours, modules, ECTS) to show beside the seed's figures."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models, transaction
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from apprentissage.enums import StaffRole, StudyYear
from apprentissage.models import Option, SchoolYear, User
from evaluation import programme_seed as seed
from evaluation.enums import ResitRule, YearWeights
from evaluation.models import Assessment, Grade, Module, Programme, TeachingUnit, UnitComponent

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


# --- Reading a programme: the programme page -------------------------------------------------

# The Option UE: its modules, and only its modules, belong to one option each.
OPTION_UNIT = "OPT"
SEED_MODULES_TOTAL = 3 * SEED_MODULES_PER_YEAR
SEED_HOURS_TOTAL = 3 * SEED_HOURS_PER_YEAR


def semesters_of(study_year: int) -> tuple[int, int]:
    """The semesters of a study year: 1A → S1, S2; 2A → S3, S4; 3A → S5, S6."""
    return (2 * study_year - 1, 2 * study_year)


@dataclass(frozen=True)
class Figure:
    """One computed total beside the seed's figure."""

    value: int
    seed: int

    @property
    def differs(self) -> bool:
        return self.value != self.seed


@dataclass(frozen=True)
class TotalsRow:
    """What an apprentice of `option` follows in `study_year` (None: the three years)."""

    study_year: int | None
    option: Option
    modules: Figure
    hours: Figure
    ects: Figure

    @property
    def figures(self) -> tuple[Figure, Figure, Figure]:
        return (self.modules, self.hours, self.ects)

    @property
    def matches_seed(self) -> bool:
        return not any(figure.differs for figure in self.figures)


@dataclass
class YearOutline:
    study_year: int
    label: str
    units: list[TeachingUnit]  # the UEs of courses, each with `.module_list`
    company_units: list[TeachingUnit]  # the Unité Entreprise, with `.component_list`
    totals: list[TotalsRow]

    @property
    def ects(self) -> int:
        return sum(unit.ects for unit in self.units) + sum(unit.ects for unit in self.company_units)


@dataclass
class ProgrammeOutline:
    programme: Programme
    years: list[YearOutline]
    overall: list[TotalsRow]  # per option, over the three years


def short_number(value: Decimal | int, separator: str = ",") -> str:
    """1.50 → "1,5"; 10.00 → "10" (`separator`: the language's decimal separator)."""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", separator)


@dataclass
class AssessmentRow:
    pk: int
    title: str
    weight: Decimal
    out_of: Decimal
    is_resit: bool
    shown: str = ""  # "Examen final (0,6, /20)"


@dataclass
class ModuleRow:
    """A module as the programme page shows it (read as tuples, its numbers written once:
    the page lists them all)."""

    pk: int
    code: str
    title: str
    semester: int
    coefficient: Decimal
    hours: int
    option_id: int | None
    option: Option | None = None
    teachers: list[str] = field(default_factory=list)
    assessments: list[AssessmentRow] = field(default_factory=list)
    coefficient_shown: str = ""
    hours_shown: str = ""
    semester_shown: str = ""
    teachers_shown: str = ""


def _course_units(programme: Programme, options: dict[int, Option]) -> list[TeachingUnit]:
    """The programme's UEs, each with its modules (`module_list`: their option, teachers and
    assessments) and its components (`component_list`): five queries whatever the size."""
    units = list(programme.units.order_by("study_year", "position", "code"))
    by_unit: dict[int, list[ModuleRow]] = defaultdict(list)
    modules: dict[int, ModuleRow] = {}
    rows = (
        Module.objects.filter(unit__programme=programme)
        .order_by("unit_id", "option__name", "semester", "code")
        .values_list("unit_id", "pk", "code", "title", "semester", "coefficient", "hours", "option_id")
    )
    separator = get_format("DECIMAL_SEPARATOR")
    for unit_id, *values in rows:
        module = modules[values[0]] = ModuleRow(*values)
        module.option = options.get(module.option_id)
        module.coefficient_shown = short_number(module.coefficient, separator)
        module.hours_shown = str(module.hours)
        module.semester_shown = f"S{module.semester}"
        by_unit[unit_id].append(module)
    for module_id, *values in (
        Assessment.objects.filter(module__unit__programme=programme)
        .order_by("module_id", "is_resit", "position", "pk")
        .values_list("module_id", "pk", "title", "weight", "out_of", "is_resit")
    ):
        assessment = AssessmentRow(*values)
        assessment.shown = (
            f"{assessment.title} ({short_number(assessment.weight, separator)}, "
            f"/{short_number(assessment.out_of, separator)})"
        )
        modules[module_id].assessments.append(assessment)
    for module_id, first_name, last_name, email in (
        Module.teachers.through.objects.filter(module__unit__programme=programme)
        .order_by("user__last_name", "user__first_name", "user__email")
        .values_list("module_id", "user__first_name", "user__last_name", "user__email")
    ):
        modules[module_id].teachers.append(f"{first_name} {last_name.upper()}".strip() or email)
    for module in modules.values():
        module.teachers_shown = ", ".join(module.teachers)
    components: dict[int, list[UnitComponent]] = defaultdict(list)
    for component in UnitComponent.objects.filter(unit__programme=programme).order_by("position", "code"):
        components[component.unit_id].append(component)
    for unit in units:
        unit.module_list = by_unit[unit.pk]
        unit.component_list = components[unit.pk]
        unit.components_weight = sum((c.weight for c in unit.component_list), Decimal(0))
    return units


def _totals(
    units: list[TeachingUnit], options: list[Option]
) -> tuple[dict[int, list[TotalsRow]], list[TotalsRow]]:
    ects: dict[int, int] = defaultdict(int)
    common: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    own: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for unit in units:
        ects[unit.study_year] += unit.ects
        for module in getattr(unit, "module_list", ()):
            counts = (
                common[unit.study_year]
                if module.option_id is None
                else own[(unit.study_year, module.option_id)]
            )
            counts[0] += 1
            counts[1] += module.hours
    per_year: dict[int, list[TotalsRow]] = {}
    overall = {option.pk: [0, 0, 0] for option in options}
    for study_year in sorted(ects):
        rows = per_year[study_year] = []
        for option in options:
            modules = common[study_year][0] + own[(study_year, option.pk)][0]
            hours = common[study_year][1] + own[(study_year, option.pk)][1]
            rows.append(
                TotalsRow(
                    study_year,
                    option,
                    Figure(modules, SEED_MODULES_PER_YEAR),
                    Figure(hours, SEED_HOURS_PER_YEAR),
                    Figure(ects[study_year], SEED_ECTS_PER_YEAR),
                )
            )
            overall[option.pk][0] += modules
            overall[option.pk][1] += hours
            overall[option.pk][2] += ects[study_year]
    totals = [
        TotalsRow(
            None,
            option,
            Figure(overall[option.pk][0], SEED_MODULES_TOTAL),
            Figure(overall[option.pk][1], SEED_HOURS_TOTAL),
            Figure(overall[option.pk][2], SEED_ECTS_TOTAL),
        )
        for option in options
    ]
    return per_year, totals


def programme_outline(programme: Programme) -> ProgrammeOutline:
    """Everything the programme page shows, in six queries whatever the size: the options,
    the UEs, their modules, the modules' assessments, their teachers, the UW's components."""
    options = list(Option.objects.order_by("name"))
    units = _course_units(programme, {option.pk: option for option in options})
    per_year, overall = _totals(units, options)
    labels = dict(StudyYear.choices)
    years = []
    for study_year in sorted({unit.study_year for unit in units}):
        mine = [unit for unit in units if unit.study_year == study_year]
        years.append(
            YearOutline(
                study_year=study_year,
                label=labels.get(study_year, str(study_year)),
                units=[unit for unit in mine if not unit.is_company_unit],
                company_units=[unit for unit in mine if unit.is_company_unit],
                totals=per_year.get(study_year, []),
            )
        )
    return ProgrammeOutline(programme=programme, years=years, overall=overall)


def rules_in_words(programme: Programme) -> list[str]:
    """The programme's grading rules (its règlement), as sentences a reader understands."""
    separator = get_format("DECIMAL_SEPARATOR")
    pass_mark = short_number(programme.pass_mark, separator)
    words = [
        _(
            "Grades are out of 20 (an assessment graded on another scale is brought back to 20). "
            "Averages are kept at full precision and rounded to 2 decimals for display only; a "
            "threshold is reached with a tolerance of 0.005 (%(almost)s reaches %(mark)s)."
        )
        % {"almost": short_number(programme.pass_mark - Decimal("0.005"), separator), "mark": pass_mark}
    ]
    words.append(
        _(
            "A module's average is the weighted mean of its assessments; a UE's, the mean of its modules "
            "weighted by their coefficients."
        )
    )
    if programme.modules_compensate:
        words.append(
            _(
                "A UE is validated (ADM) when its average reaches %(mark)s/20: its modules compensate "
                "each other."
            )
            % {"mark": pass_mark}
        )
    else:
        words.append(
            _("A UE is validated (ADM) when its average and each of its modules' averages reach %(mark)s/20.")
            % {"mark": pass_mark}
        )
    if programme.eliminatory_below is not None:
        words.append(
            _(
                "A module average below %(mark)s/20 is eliminatory: its UE is not validated, whatever "
                "the others."
            )
            % {"mark": short_number(programme.eliminatory_below, separator)}
        )
    else:
        words.append(_("No module grade is eliminatory."))
    if programme.year_compensation:
        words.append(
            _(
                "A UE not validated but whose average reaches %(floor)s/20 is compensated (CMP) when the "
                "year average reaches %(mark)s/20."
            )
            % {"floor": short_number(programme.compensation_floor, separator), "mark": pass_mark}
        )
    else:
        words.append(_("UEs are not compensated by the year average: each must be validated on its own."))
    if programme.year_average_weights == YearWeights.ECTS:
        words.append(_("The year average weighs each UE by its ECTS credits."))
    else:
        words.append(_("The year average weighs every UE the same."))
    if programme.resit_rule == ResitRule.BEST:
        words.append(_("Resit (rattrapage): the better of the first result and the resit counts."))
    elif programme.resit_rule == ResitRule.REPLACE:
        words.append(_("Resit (rattrapage): the resit replaces the first result, even when lower."))
    else:
        words.append(
            _("Resit (rattrapage): the resit counts up to %(cap)s/20 and never lowers the first result.")
            % {"cap": short_number(programme.resit_cap, separator)}
        )
    words.append(
        _(
            "A UE's ECTS credits are earned when it is validated (ADM, CMP, or ADJ by the jury); a "
            "validated UE stays acquired if the year is repeated."
        )
    )
    words.append(
        _("ABS (absent) counts 0; EXC (excused) is left out of the average; ATT (pending) blocks the jury.")
    )
    return words


# --- Writing a programme: scolarité's pages ---------------------------------------------------


class HasGrades(Exception):
    """Grades were entered: the assessment or module stays (its grades are kept)."""


def previous_programme(school_year: SchoolYear) -> Programme | None:
    """The programme of the school year before `school_year`, if it has one."""
    return (
        Programme.objects.select_related("school_year")
        .filter(school_year__start_year=school_year.start_year - 1)
        .first()
    )


@transaction.atomic
def start_programme(*, school_year: SchoolYear, source: str) -> Programme:
    """`school_year`'s first programme: the seed's (`source` "seed") or a copy of the previous
    year's ("previous"). Raises `ProgrammeExists` when it has one, `LookupError` when there is
    no previous programme to copy."""
    if source == "previous":
        previous = previous_programme(school_year)
        if previous is None:
            previous_label = f"{school_year.start_year - 1}-{school_year.start_year}"
            raise LookupError(_("%(year)s has no programme to copy.") % {"year": previous_label})
        return copy_programme(previous, school_year)
    return load_seed(school_year)


@transaction.atomic
def copy_to_next_year(programme: Programme) -> Programme:
    """`programme` copied into the next school year (created if needed). Raises
    `ProgrammeExists` when the next year has a programme: it is never replaced."""
    target = SchoolYear.for_start_year(programme.school_year.start_year + 1)
    return copy_programme(programme, target)


def add_default_assessments(module: Module) -> None:
    """A new module starts with the seed's assessments (scolarité and its teachers adjust them)."""
    Assessment.objects.bulk_create(
        Assessment(module=module, title=title, weight=weight, position=index)
        for index, (title, weight) in enumerate(DEFAULT_ASSESSMENTS, start=1)
    )


def graded_assessments(assessments) -> set[int]:
    """Which of `assessments` have a grade (one query)."""
    return set(
        Grade.objects.filter(assessment__in=assessments).values_list("assessment_id", flat=True).distinct()
    )


def has_grades(*, module: Module | None = None, assessment: Assessment | None = None) -> bool:
    grades = (
        Grade.objects.filter(assessment=assessment)
        if assessment
        else Grade.objects.filter(assessment__module=module)
    )
    return grades.exists()


@transaction.atomic
def delete_assessment(assessment: Assessment) -> None:
    """Remove an assessment without grades (`HasGrades` otherwise: nothing is removed)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if has_grades(assessment=assessment):
        raise HasGrades
    try:
        assessment.delete()
    except models.ProtectedError as error:  # a grade entered meanwhile
        raise HasGrades from error


@transaction.atomic
def delete_module(module: Module) -> None:
    """Remove a module and its assessments while none has a grade (`HasGrades` otherwise)."""
    module = Module.objects.select_for_update().get(pk=module.pk)
    if has_grades(module=module):
        raise HasGrades
    try:
        module.delete()
    except models.ProtectedError as error:
        raise HasGrades from error


def teacher_candidates(programme: Programme):
    """Who may teach a module of `programme`: school tutors and module teachers (their
    groups), and whoever teaches one of its modules already."""
    return (
        User.objects.filter(
            models.Q(groups__name__in=[StaffRole.SCHOOL_TUTOR, StaffRole.MODULE_TEACHER])
            | models.Q(taught_modules__unit__programme=programme)
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )
