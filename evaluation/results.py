"""Results read from the database: the inputs of evaluation.computation built from a programme
and the grades of some enrolments, in a constant number of queries whatever their number
(the programme's units, modules and assessments; the grades; the Unité Entreprise's grades).

The computation itself is pure (evaluation.computation): this module only reads and shapes."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Subquery

from apprentissage.models import Enrolment, SchoolYear
from evaluation import computation
from evaluation.grades import module_input
from evaluation.models import ComponentGrade, Grade, Programme, TeachingUnit


@dataclass(frozen=True)
class ProgrammeShape:
    """A programme's units with their modules, assessments and components, read once."""

    programme: Programme
    units: list[TeachingUnit]

    @classmethod
    def of(cls, programme: Programme) -> "ProgrammeShape":
        units = list(
            programme.units.prefetch_related("modules__assessments", "components").order_by(
                "study_year", "position", "code"
            )
        )
        return cls(programme, units)

    def units_of(self, study_year: int) -> list[TeachingUnit]:
        return [unit for unit in self.units if unit.study_year == study_year]


def year_results(
    enrolments: Iterable[Enrolment], shape: ProgrammeShape | Programme
) -> dict[int, computation.YearResult]:
    """enrolment id → its year's results under the programme's rules (modules of its study
    year, of its option for the Option UE; the Unité Entreprise from its components). The
    enrolments' apprenticeships give the option (`select_related("apprenticeship")`, else one
    query)."""
    shape = shape if isinstance(shape, ProgrammeShape) else ProgrammeShape.of(shape)
    enrolments = list(enrolments)
    if not enrolments:
        return {}
    ids = [e.pk for e in enrolments]
    fields = ("enrolment_id", "value", "special")
    programme = shape.programme
    grades: dict[int, dict[int, computation.Grade]] = defaultdict(dict)  # enrolment → assessment → grade
    for g in Grade.objects.filter(enrolment_id__in=ids, assessment__module__unit__programme=programme).only(
        "assessment_id", *fields
    ):
        grades[g.enrolment_id][g.assessment_id] = g.entered
    components = {
        (g.enrolment_id, g.component_id): g.entered
        for g in ComponentGrade.objects.filter(
            enrolment_id__in=ids, component__unit__programme=programme
        ).only("component_id", *fields)
    }
    options = _options_of(enrolments)
    acquired = acquired_ues(enrolments, programme.school_year_id)
    rules = programme.rules()
    return {
        enrolment.pk: computation.compute_year(
            [
                _ue(unit, enrolment.pk, options[enrolment.pk], grades, components)
                for unit in shape.units_of(enrolment.study_year)
            ],
            rules,
            acquired=acquired.get(enrolment.pk, ()),
        )
        for enrolment in enrolments
    }


def acquired_ues(enrolments: list[Enrolment], school_year_id: int) -> dict[int, list[computation.AcquiredUE]]:
    """enrolment id → the UEs its apprentice validated in an earlier year of the same study
    year (a repeated year), from the published decisions' snapshots (capitalisation), in one
    query; none for an apprentice who repeats nothing."""
    from evaluation.enums import JuryState
    from evaluation.models import JuryDecision

    repeating = {e.apprenticeship_id: e for e in enrolments}
    found: dict[int, list[computation.AcquiredUE]] = {}
    earlier = JuryDecision.objects.filter(
        enrolment__apprenticeship_id__in=list(repeating),
        enrolment__school_year__start_year__lt=Subquery(
            SchoolYear.objects.filter(pk=school_year_id).values("start_year")
        ),
        session__state=JuryState.PUBLISHED,
    ).values_list(
        "enrolment__apprenticeship_id",
        "enrolment__study_year",
        "enrolment__school_year__start_year",
        "snapshot",
    )
    for apprenticeship_id, study_year, year, data in earlier.order_by("enrolment__school_year__start_year"):
        enrolment = repeating[apprenticeship_id]
        if study_year != enrolment.study_year:
            continue
        for ue in data.get("ues", []):
            if ue.get("decision") in computation.VALIDATED:
                found.setdefault(enrolment.pk, []).append(
                    computation.AcquiredUE(
                        code=ue["code"],
                        average=None if ue.get("average") is None else Decimal(ue["average"]),
                        decision=computation.UECode(ue["decision"]),
                        year=str(year),
                    )
                )
    return found


def _options_of(enrolments: list[Enrolment]) -> dict[int, int]:
    loaded = {e.pk: e.apprenticeship.option_id for e in enrolments if Enrolment.apprenticeship.is_cached(e)}
    missing = [e.pk for e in enrolments if e.pk not in loaded]
    if missing:
        loaded.update(Enrolment.objects.filter(pk__in=missing).values_list("pk", "apprenticeship__option_id"))
    return loaded


def _ue(unit: TeachingUnit, enrolment_id: int, option_id: int, grades, components) -> computation.UE:
    if unit.is_company_unit:
        modules = [
            computation.component(c.code, components.get((enrolment_id, c.pk)), weight=c.weight)
            for c in unit.components.all()
        ]
    else:
        modules = [
            module_input(module, module.assessments.all(), grades[enrolment_id])
            for module in unit.modules.all()
            if module.option_id is None or module.option_id == option_id
        ]
    return computation.UE(code=unit.code, modules=modules, ects=unit.ects, label=unit.title)
