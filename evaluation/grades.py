"""Grade entry: who is graded in a module, its grade grid with each row's average (computed live
by evaluation.computation with the programme's rules), the modules a teacher grades with their
fill progress, and saving grades one cell at a time or a whole grid at once.

Saving never overwrites someone else's entry: each cell carries the version it was read at; a
cell saved by someone else since, with another value, is refused (`GradeConflict`, with their
value, who and when) and nothing is saved. The same value sent twice is saved once. Every change
is audited by django-simple-history (who, the new value; the row before it holds the old one).

Reads are a constant number of queries whatever the number of apprentices: the grid is three
(assessments, enrolments, grades), the teacher's modules three (the modules with their
assessments counted, the apprentices per study year and option, the grades counted per module)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apprentissage.enums import EnrolmentStatus
from apprentissage.models import Enrolment, SchoolYear
from evaluation import computation
from evaluation.models import Assessment, Grade, Module, Programme

GRADED_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.REPEATING)

# A module average's state, in words (never by colour alone).
STATUS_LABELS = {
    computation.Status.COMPLETE: gettext_lazy("complete"),
    computation.Status.PENDING: gettext_lazy("pending (ATT)"),
    computation.Status.MISSING: gettext_lazy("provisional: grades missing"),
    computation.Status.EXEMPT: gettext_lazy("excused"),
    computation.Status.EMPTY: gettext_lazy("no assessment"),
}


class GradesLocked(Exception):
    """The module's grades are locked (the jury has deliberated): nothing is saved."""

    def __init__(self):
        super().__init__(_("The grades of this module are locked: the jury has deliberated."))


class GradeConflict(Exception):
    """Someone else saved this grade, with another value, since the cell was read."""

    def __init__(self, grade: Grade, entered: computation.Grade, row: dict | None = None):
        self.grade = grade  # as stored now (their value, version, who, when)
        self.entered = entered  # what was refused
        self.row = row or {}  # the apprentice's grades of the module, by assessment id
        super().__init__(self.message)

    @property
    def by(self) -> str:
        user = self.grade.updated_by
        return str(user) if user else _("someone")

    @property
    def at(self) -> str:
        return formats.date_format(timezone.localtime(self.grade.updated_at), "SHORT_DATETIME_FORMAT")

    @property
    def message(self) -> str:
        return _(
            "Not saved: %(person)s entered %(theirs)s on %(when)s while you were typing. "
            "Your entry was %(yours)s; type it again to replace theirs."
        ) % {
            "person": self.by,
            "theirs": shown(self.grade.entered),
            "when": self.at,
            "yours": shown(self.entered),
        }


def shown(entered: computation.Grade) -> str:
    """A grade as the grid shows it: "12,50", "ABS", or "" when none."""
    return "" if entered is None else computation.display(entered)


# --- Who is graded, and the module's programme ---------------------------------------------------


def module_queryset() -> QuerySet[Module]:
    """Modules with what every grade page reads of them (one query)."""
    return Module.objects.select_related("unit__programme__school_year", "option")


def graded_enrolments(module: Module) -> QuerySet[Enrolment]:
    """The enrolments graded in `module`: its programme's school year, its UE's study year,
    enrolled or repeating; only the option's apprentices for an Option-UE module. Sorted by
    name. A repeating apprentice who capitalised the UE is listed (the computation leaves the
    UE's grades out of their year)."""
    unit = module.unit
    rows = Enrolment.objects.filter(
        school_year_id=unit.programme.school_year_id, study_year=unit.study_year, status__in=GRADED_STATUSES
    )
    if module.option_id:
        rows = rows.filter(apprenticeship__option_id=module.option_id)
    return rows.select_related("apprenticeship__apprentice").order_by(
        "apprenticeship__apprentice__last_name", "apprenticeship__apprentice__first_name", "pk"
    )


def grades_locked(module: Module, school_year: SchoolYear) -> bool:
    """Whether the module's grades of `school_year` are locked: a jury covering its study
    year (and option) has deliberated (evaluation.juries.grades_locked)."""
    from evaluation.juries import grades_locked as locked_by_a_jury

    return locked_by_a_jury(school_year.pk, module.unit.study_year, module.option_id)


def out_of(assessment: Assessment) -> Decimal:
    """The assessment's maximum without trailing zeros (messages say "at most 20", not "20,00")."""
    return Decimal(assessment.out_of).normalize() + 0


def ordered_assessments(assessments: Iterable[Assessment]) -> list[Assessment]:
    """The grid's columns: the assessments in order, the resit last."""
    return sorted(assessments, key=lambda a: (a.is_resit, a.position, a.pk))


def module_input(
    module: Module, assessments: Sequence[Assessment], entered: dict[int, computation.Grade]
) -> computation.Module:
    """What the computation reads of a module for one apprentice (`entered`: by assessment id)."""
    regular = [a for a in assessments if not a.is_resit]
    resit = next((a for a in assessments if a.is_resit), None)

    def one(assessment: Assessment) -> computation.Assessment:
        return computation.Assessment(
            grade=entered.get(assessment.pk),
            weight=Decimal(assessment.weight),
            out_of=Decimal(assessment.out_of),
            label=assessment.title,
            ref=assessment.pk,
        )

    return computation.Module(
        code=module.code,
        label=module.title,
        coefficient=Decimal(module.coefficient),
        assessments=[one(a) for a in regular],
        resit=one(resit) if resit else None,
    )


@dataclass(frozen=True)
class RowAverage:
    """A row's module average, as the grid shows it."""

    result: computation.ModuleResult | None  # None: a stored grade is above its maximum now

    @property
    def shown(self) -> str:
        return computation.display(self.result.average) if self.result else "—"

    @property
    def status(self) -> str:
        if self.result is None:
            return str(_("a grade is above its assessment's maximum"))
        return str(STATUS_LABELS[self.result.status])

    @property
    def complete(self) -> bool:
        return self.result is not None and self.result.status is computation.Status.COMPLETE

    @property
    def resit_used(self) -> bool:
        return self.result is not None and self.result.resit_used


def row_average(
    module: Module,
    assessments: Sequence[Assessment],
    entered: dict[int, computation.Grade],
    rules: computation.Rules,
) -> RowAverage:
    try:
        return RowAverage(computation.compute_module(module_input(module, assessments, entered), rules))
    except ValueError:  # the assessment's maximum was lowered below a grade already entered
        return RowAverage(None)


# --- The grid ----------------------------------------------------------------------------------


@dataclass(slots=True)
class Cell:
    assessment_id: int
    entered: computation.Grade
    version: int  # 0: never saved

    @property
    def text(self) -> str:
        return shown(self.entered)


@dataclass(slots=True)
class Row:
    enrolment_id: int
    last_name: str
    first_name: str
    status: str
    cells: list[Cell]
    average: RowAverage

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()

    @property
    def repeating(self) -> bool:
        return self.status == EnrolmentStatus.REPEATING


@dataclass
class Grid:
    module: Module
    assessments: list[Assessment]
    rows: list[Row]
    rules: computation.Rules
    locked: bool


def _stored(value, special) -> computation.Grade:
    if special:
        return computation.Special(special)
    return value  # a Decimal, or None


def module_grid(module: Module) -> Grid:
    """The module's grid: one row per graded apprentice, one cell per assessment (the resit
    last), each row's average. Three queries (assessments, enrolments, grades), read as plain
    values: a grid is 200 apprentices."""
    programme: Programme = module.unit.programme
    assessments = ordered_assessments(module.assessments.all())
    graded = graded_enrolments(module)
    enrolments = list(
        graded.values_list(
            "pk", "status", "apprenticeship__apprentice__last_name", "apprenticeship__apprentice__first_name"
        )
    )
    stored = Grade.objects.filter(
        assessment_id__in=[a.pk for a in assessments], enrolment__in=graded.order_by().values("pk")
    ).values_list("enrolment_id", "assessment_id", "value", "special", "version")
    by_cell = {
        (enrolment_id, assessment_id): (_stored(value, special), version)
        for enrolment_id, assessment_id, value, special, version in stored.order_by()
    }
    rules = programme.rules()
    empty = (None, 0)
    rows = []
    for enrolment_id, status, last_name, first_name in enrolments:
        cells = [Cell(a.pk, *by_cell.get((enrolment_id, a.pk), empty)) for a in assessments]
        entered = {cell.assessment_id: cell.entered for cell in cells}
        average = row_average(module, assessments, entered, rules)
        rows.append(Row(enrolment_id, last_name, first_name, status, cells, average))
    return Grid(module, assessments, rows, rules, grades_locked(module, programme.school_year))


# --- Saving ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Saved:
    grade: Grade | None  # None: nothing stored (an empty cell left empty)
    changed: bool
    row: dict[int, computation.Grade] = field(default_factory=dict)  # the apprentice's module grades

    @property
    def version(self) -> int:
        return self.grade.version if self.grade else 0

    @property
    def entered(self) -> computation.Grade:
        return self.grade.entered if self.grade else None


def _write(grade: Grade, entered: computation.Grade, actor) -> None:
    grade.set_entered(entered)
    grade.updated_by = actor
    grade._history_user = actor  # the audit's author, in a job as in a request
    grade.save()


def _locked_row(assessment: Assessment, enrolment: Enrolment) -> dict[int, Grade]:
    """The apprentice's grades in the assessment's module, locked (for the row's average)."""
    in_module = Assessment.objects.filter(module_id=assessment.module_id).values("pk")
    rows = Grade.objects.select_for_update().filter(enrolment=enrolment, assessment_id__in=in_module)
    return {grade.assessment_id: grade for grade in rows.order_by()}


def save_grade(
    *, assessment: Assessment, enrolment: Enrolment, text: str, expected_version: int, actor
) -> Saved:
    """Save one cell as typed ("12,5", "12.5", "abs"…; empty clears it) if nobody saved another
    value since `expected_version` (0: the cell was empty and had never been saved).

    `enrolment` must be graded in the assessment's module (`graded_enrolments`). Raises
    ValidationError (the text is not a grade of this assessment), GradesLocked, or GradeConflict;
    nothing is saved then. The same value as stored saves nothing (`changed` False), whatever the
    version. Effects: the grade's row (created if absent) with `updated_by`/`updated_at`, a new
    version and a history row by `actor`. The apprentice's other grades of the module are read
    (and locked) with it: `Saved.row`, for the row's average."""
    entered = computation.parse_grade(text, out_of(assessment))
    module = assessment.module
    with transaction.atomic():
        if grades_locked(module, module.unit.programme.school_year):
            raise GradesLocked
        row = _locked_row(assessment, enrolment)
        grade = row.get(assessment.pk)
        if grade is None and entered is not None:
            grade, created = _create(assessment, enrolment, entered, actor)
            row[assessment.pk] = grade
            if created:
                return Saved(grade, changed=True, row=_entered(row))
        if grade is None or grade.entered == entered:
            return Saved(grade, changed=False, row=_entered(row))
        if grade.version != expected_version:
            raise GradeConflict(grade, entered, _entered(row))
        grade.version += 1
        _write(grade, entered, actor)
    return Saved(grade, changed=True, row=_entered(row))


def _create(assessment: Assessment, enrolment: Enrolment, entered, actor) -> tuple[Grade, bool]:
    """A new grade, or (created False) the one someone else created meanwhile, locked."""
    try:
        with transaction.atomic():
            grade = Grade(assessment=assessment, enrolment=enrolment)
            _write(grade, entered, actor)
        return grade, True
    except IntegrityError:  # the unique constraint: theirs is compared with ours by the caller
        return Grade.objects.select_for_update().get(assessment=assessment, enrolment=enrolment), False


def _entered(row: dict[int, Grade]) -> dict[int, computation.Grade]:
    return {assessment_id: grade.entered for assessment_id, grade in row.items()}


_UNKNOWN = object()  # a version the history does not hold: taken for a change of the sender's


@dataclass(frozen=True)
class CellEntry:
    """One cell of a grid sent as a whole (the form without JavaScript)."""

    assessment_id: int
    enrolment_id: int
    text: str
    version: int


@dataclass
class GridSave:
    saved: int = 0
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # (enrolment, assessment) → message
    conflicts: dict[tuple[int, int], str] = field(default_factory=dict)
    texts: dict[tuple[int, int], str] = field(default_factory=dict)  # what was typed, to show again

    @property
    def ok(self) -> bool:
        return not self.errors and not self.conflicts


def save_grid(*, module: Module, entries: Iterable[CellEntry], actor) -> GridSave:
    """Save a whole grid sent at once: each cell whose value differs from the stored one
    (`save_grade`, one by one). A cell the sender left as they read it while someone else
    changed it is not a conflict: theirs stays (the value at the sent version is read from the
    history). Bad cells and conflicts are reported by cell; the others are saved."""
    report = GridSave()
    assessments = {a.pk: a for a in module.assessments.all()}
    for a in assessments.values():
        a.module = module
    enrolments = {e.pk: e for e in graded_enrolments(module)}
    stored = {
        (g.enrolment_id, g.assessment_id): g
        for g in Grade.objects.filter(assessment__module=module, enrolment_id__in=list(enrolments))
    }
    wanted = []
    for entry in entries:
        assessment, enrolment = assessments.get(entry.assessment_id), enrolments.get(entry.enrolment_id)
        if assessment is None or enrolment is None:
            continue
        key = (enrolment.pk, assessment.pk)
        try:
            entered = computation.parse_grade(entry.text, out_of(assessment))
        except ValidationError as error:
            report.errors[key], report.texts[key] = error.messages[0], entry.text
            continue
        grade = stored.get(key)
        if (grade.entered if grade else None) != entered:
            wanted.append((entry, assessment, enrolment, entered, grade))
    # Cells read at an older version: were they changed by the sender, or only by someone else?
    stale = [
        (grade.pk, entry.version)
        for entry, *_rest, grade in wanted
        if grade and grade.version != entry.version
    ]
    read_values = {}
    if stale:
        history = Grade.history.filter(id__in={pk for pk, _v in stale}).values_list(
            "id", "version", "value", "special"
        )
        for pk, version, value, special in history:
            read_values[(pk, version)] = computation.Special(special) if special else value
    for entry, assessment, enrolment, entered, grade in wanted:
        key = (enrolment.pk, assessment.pk)
        if grade and grade.version != entry.version:
            read = None if entry.version == 0 else read_values.get((grade.pk, entry.version), _UNKNOWN)
            if read == entered:
                continue  # left as read: the newer value stays
        try:
            result = save_grade(
                assessment=assessment,
                enrolment=enrolment,
                text=entry.text,
                expected_version=entry.version,
                actor=actor,
            )
        except GradeConflict as conflict:
            report.conflicts[key], report.texts[key] = conflict.message, entry.text
        except (GradesLocked, ValidationError) as error:
            report.errors[key], report.texts[key] = str(getattr(error, "message", error)), entry.text
        else:
            report.saved += result.changed
    return report


# --- A teacher's modules -----------------------------------------------------------------------


@dataclass
class ModuleProgress:
    module: Module
    apprentices: int
    assessments: int  # not counting the resit (not expected of everyone)
    entered: int  # grades entered in those (numbers, ABS, EXC, ATT)
    pending: int  # ATT, resit included

    @property
    def expected(self) -> int:
        return self.apprentices * self.assessments

    @property
    def percent(self) -> int:
        return round(100 * self.entered / self.expected) if self.expected else 100

    @property
    def complete(self) -> bool:
        return self.entered >= self.expected and not self.pending


def modules_of(user, school_year: SchoolYear, *, everything: bool = False, **filters) -> QuerySet[Module]:
    """The modules of `school_year` that `user` teaches (`everything`: all of them, for
    scolarité), with `filters` (`study_year`, `unit_code`, `option`) applied."""
    modules = Module.objects.select_related("unit", "option").filter(unit__programme__school_year=school_year)
    if not everything:
        modules = modules.filter(teachers=user)
    if filters.get("study_year"):
        modules = modules.filter(unit__study_year=filters["study_year"])
    if filters.get("unit_code"):
        modules = modules.filter(unit__code=filters["unit_code"])
    if filters.get("option"):
        modules = modules.filter(option=filters["option"])
    return modules.annotate(
        regular_assessments=Count("assessments", filter=Q(assessments__is_resit=False))
    ).order_by("unit__study_year", "unit__position", "unit__code", "semester", "code")


def modules_progress(modules: Iterable[Module], school_year: SchoolYear) -> list[ModuleProgress]:
    """Each module (of `school_year`, from `modules_of`) with its fill progress: two queries
    (apprentices per study year and option, grade counts per module), whatever the numbers."""
    modules = list(modules)
    if not modules:
        return []
    counts = defaultdict(int)
    for study_year, option_id, number in (
        Enrolment.objects.filter(school_year=school_year, status__in=GRADED_STATUSES)
        .values_list("study_year", "apprenticeship__option")
        .annotate(number=Count("pk"))
        .order_by()
    ):
        counts[(study_year, option_id)] += number
        counts[(study_year, None)] += number
    module_field = "assessment__module"
    filled = Q(value__isnull=False) | ~Q(special="")
    grades = (
        Grade.objects.filter(
            assessment__module__in=[m.pk for m in modules],
            enrolment__status__in=GRADED_STATUSES,
            enrolment__school_year=school_year,
            enrolment__study_year=F("assessment__module__unit__study_year"),
        )
        .filter(
            Q(assessment__module__option__isnull=True)
            | Q(enrolment__apprenticeship__option=F("assessment__module__option"))
        )
        .values(module_field)
        .annotate(
            entered=Count("pk", filter=filled & Q(assessment__is_resit=False)),
            pending=Count("pk", filter=Q(special=computation.Special.ATT)),
        )
        .order_by()
    )
    by_module = {row[module_field]: row for row in grades}
    return [
        ModuleProgress(
            module=module,
            apprentices=counts[(module.unit.study_year, module.option_id)],
            assessments=module.regular_assessments,
            entered=by_module.get(module.pk, {}).get("entered", 0),
            pending=by_module.get(module.pk, {}).get("pending", 0),
        )
        for module in modules
    ]
