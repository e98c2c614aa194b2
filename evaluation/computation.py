"""Grades of a study year computed from plain values, with the rules French grading software
applies (ScoDoc's defaults, ../shared/PRACTICE.md §4). No database: the ORM layer builds the
inputs (`UE`, `Module`, `Assessment`, `AcquiredUE`) from the models and shows the frozen results.
Everything a school may set differently is a field of `Rules`, whose defaults are the common ones.

Choices where the common rules are silent:
- Full precision is kept everywhere (`Decimal`, never float); thresholds are reached with a
  tolerance (9.995 reaches 10); rounding happens in `display` only.
- While a grade is missing or pending, averages are provisional (computed over the grades entered)
  and the status says so; a UE gets no code until it is complete, and a compensated UE (CMP) waits
  for the whole year to be complete since it depends on the year average.
- A resit is one grade per module. "capped": the resit counts up to `resit_cap` and never lowers the
  first result (first 6, resit 14 → 10; first 6, resit 8 → 8; first 6, resit 4 → 6). A resit EXC is a
  resit not sat (the first result stays), ABS counts 0 (so it only matters under "replace").
- An eliminatory grade makes its UE AJ: a UE average is itself modules compensating each other.
  With `modules_compensate` off, a module below the pass mark keeps its UE from ADM, but the UE
  may still be compensated by the year (CMP) on its average: the two settings stay independent.
- A UE acquired in an earlier year (same code, ADM/CMP/ADJ) keeps its snapshot average and code;
  this year's grades in it are shown but neither required nor counted.
- A code the jury set on a UE (`UE.jury_code`, e.g. ADJ) wins over the computed one.
"""

import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ZERO = Decimal(0)
TWENTY = Decimal(20)


class Special(StrEnum):
    ABS = "ABS"  # absent: counts 0
    EXC = "EXC"  # excused: left out of the average
    ATT = "ATT"  # pending: blocks the jury until replaced


Grade = Decimal | Special | None  # None: not entered yet


class Status(StrEnum):
    COMPLETE = "complete"
    PENDING = "pending"  # an ATT somewhere
    MISSING = "missing"  # a grade not entered
    EXEMPT = "exempt"  # every grade EXC: no average
    EMPTY = "empty"  # no assessment: no average


class ResitRule(StrEnum):
    BEST = "best"
    REPLACE = "replace"
    CAPPED = "capped"


class YearWeights(StrEnum):
    ECTS = "ects"
    EQUAL = "equal"


class UECode(StrEnum):
    ADM = "ADM"
    CMP = "CMP"
    AJ = "AJ"
    ADJ = "ADJ"  # by the jury only, never computed


class YearCode(StrEnum):
    ADM = "ADM"
    ADJ = "ADJ"  # jury only, with a reason
    AJ = "AJ"
    RAT = "RAT"
    DEF = "DEF"  # jury only
    DEM = "DEM"  # jury only


class Outcome(StrEnum):
    NEXT_YEAR = "next_year"
    REPEAT = "repeat"
    LEAVE = "leave"


VALIDATED = frozenset({UECode.ADM, UECode.CMP, UECode.ADJ})


def _as_decimal(value, name: str) -> Decimal:
    """Ints are welcome, floats are refused: 0.1 + 0.2 is not 0.3 and a grade must not drift."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    return Decimal(value)


@dataclass(frozen=True)
class Rules:
    """A programme's grading settings (its règlement de scolarité); defaults from PRACTICE §4."""

    scale: Decimal = TWENTY
    pass_mark: Decimal = Decimal(10)
    tolerance: Decimal = Decimal("0.005")
    resit_rule: ResitRule = ResitRule.BEST
    resit_cap: Decimal = Decimal(10)
    modules_compensate: bool = True  # inside a UE; off: each module must reach the pass mark for ADM
    year_compensation: bool = True  # a UE ≥ floor is CMP when the year average passes
    compensation_floor: Decimal = Decimal(8)
    eliminatory_below: Decimal | None = None  # default for every module (a module may set its own)
    year_average_weights: YearWeights = YearWeights.ECTS

    def __post_init__(self):
        object.__setattr__(self, "resit_rule", ResitRule(self.resit_rule))
        object.__setattr__(self, "year_average_weights", YearWeights(self.year_average_weights))


def reaches(value: Decimal | None, threshold: Decimal, rules: Rules | None = None) -> bool:
    """Thresholds forgive 0.005 so that a 9.995 shown as "10,00" is not refused."""
    tolerance = (rules or Rules()).tolerance
    return value is not None and value >= threshold - tolerance


# --- Inputs --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Assessment:
    """One grade on its own scale (`out_of`), e.g. 24 / 30; `ref` lets the caller find it back."""

    grade: Grade = None
    weight: Decimal = Decimal(1)
    out_of: Decimal = TWENTY
    label: str = ""
    ref: Hashable = None

    def __post_init__(self):
        grade = self.grade
        if isinstance(grade, str):
            grade = Special(grade)
        elif grade is not None:
            grade = _as_decimal(grade, "grade")
        object.__setattr__(self, "grade", grade)
        if _as_decimal(self.weight, "weight") <= 0 or _as_decimal(self.out_of, "out_of") <= 0:
            raise ValueError("An assessment's weight and maximum are positive.")
        if isinstance(grade, Decimal) and not ZERO <= grade <= self.out_of:
            raise ValueError(f"Grade {grade} is outside 0..{self.out_of}.")


@dataclass(frozen=True)
class Module:
    """A module (or a UW component): its assessments, its coefficient in the UE, an optional
    resit (one grade; its weight is not used) and an optional eliminatory grade of its own."""

    code: str
    assessments: Sequence[Assessment] = ()
    coefficient: Decimal = Decimal(1)
    resit: Assessment | None = None
    eliminatory_below: Decimal | None = None
    label: str = ""

    def __post_init__(self):
        object.__setattr__(self, "assessments", tuple(self.assessments))
        if _as_decimal(self.coefficient, "coefficient") < 0:
            raise ValueError("A coefficient is not negative.")


def component(code: str, grade: Grade, weight: Decimal = Decimal(1), out_of: Decimal = TWENTY) -> Module:
    """A graded part of the Unité Entreprise (observation report, project, behaviour): a module
    with one assessment, whose coefficient is its weight in the UW."""
    return Module(code=code, assessments=(Assessment(grade, out_of=out_of, label=code),), coefficient=weight)


@dataclass(frozen=True)
class UE:
    code: str
    modules: Sequence[Module]
    ects: Decimal = ZERO
    label: str = ""
    jury_code: UECode | None = None  # set by the jury (e.g. ADJ): wins over the computed code

    def __post_init__(self):
        object.__setattr__(self, "modules", tuple(self.modules))


@dataclass(frozen=True)
class AcquiredUE:
    """A UE validated in an earlier year: its average and code at decision time (a snapshot)."""

    code: str
    average: Decimal | None
    decision: UECode
    year: str = ""


# --- Results -------------------------------------------------------------------------------------


class GapKind(StrEnum):
    PENDING = "pending"
    MISSING = "missing"


@dataclass(frozen=True)
class Gap:
    """A grade the jury waits for: where it is, and its `ref` to link to the grading page."""

    ue: str
    module: str
    assessment: str
    kind: GapKind
    ref: Hashable = None


@dataclass(frozen=True)
class ModuleResult:
    code: str
    label: str
    coefficient: Decimal
    status: Status
    average: Decimal | None  # what counts, resit included
    first_average: Decimal | None
    resit: Decimal | Special | None  # on the scale of the rules
    resit_used: bool
    eliminated: bool


@dataclass(frozen=True)
class UEResult:
    code: str
    label: str
    ects: Decimal
    status: Status
    average: Decimal | None
    modules: tuple[ModuleResult, ...]
    gaps: tuple[Gap, ...]
    decision: UECode | None = None  # None: not decided yet
    by_jury: bool = False
    capitalised: bool = False
    acquired_in: str = ""
    ects_awarded: Decimal = ZERO

    @property
    def validated(self) -> bool:
        return self.decision in VALIDATED


class Why(StrEnum):
    NO_UE = "no_ue"
    PENDING = "pending"
    MISSING = "missing"
    UNDECIDED = "undecided"
    ALL_VALIDATED = "all_validated"
    RESIT_POSSIBLE = "resit_possible"
    NO_RESIT = "no_resit"


REASONS = {
    Why.NO_UE: _("The year has no teaching unit to decide on."),
    Why.PENDING: _("Grades are pending (ATT) in %(ues)s: no proposal until they are entered."),
    Why.MISSING: _("Grades are missing in %(ues)s: no proposal until they are entered."),
    Why.UNDECIDED: _("No average in %(ues)s (every module excused or without assessment): the jury decides."),
    Why.ALL_VALIDATED: _("Every teaching unit is validated."),
    Why.RESIT_POSSIBLE: _("Not validated: %(ues)s; a resit is still possible."),
    Why.NO_RESIT: _("Not validated: %(ues)s; no resit remains."),
}


@dataclass(frozen=True)
class Proposal:
    """An automatic proposal (`code` None: none, and `why` says why); `ues` are the UEs concerned."""

    code: YearCode | None
    why: Why
    ues: tuple[str, ...] = ()

    @property
    def reason(self) -> str:
        """In the language of the moment it is read, not of the moment it was computed."""
        return REASONS[self.why] % {"ues": ", ".join(self.ues)}


@dataclass(frozen=True)
class YearResult:
    ues: tuple[UEResult, ...]
    average: Decimal | None
    status: Status
    ects_earned: Decimal
    ects_total: Decimal
    proposal: Proposal | None = None

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return tuple(gap for ue in self.ues for gap in ue.gaps)


# --- Computation ---------------------------------------------------------------------------------


def weighted_mean(pairs: Iterable[tuple[Decimal, Decimal]]) -> Decimal | None:
    """Σ(value × weight) / Σ weight; None when there is nothing to weigh."""
    pairs = list(pairs)
    total = sum((weight for _value, weight in pairs), ZERO)
    if not total:
        return None
    return sum((value * weight for value, weight in pairs), ZERO) / total


def _counted(assessment: Assessment, rules: Rules) -> Decimal | None:
    """The grade on the rules' scale as it enters an average: ABS is 0; EXC, ATT, missing are out."""
    if assessment.grade is Special.ABS:
        return ZERO
    if isinstance(assessment.grade, Decimal):
        return assessment.grade * rules.scale / assessment.out_of  # multiply first: 15/30 → 10 exactly
    return None


def _with_resit(first: Decimal | None, resit: Decimal | None, rules: Rules) -> tuple[Decimal | None, bool]:
    """(the module's result, whether it comes from the resit) under the rules' resit rule."""
    if resit is None:
        return first, False
    candidate = min(resit, rules.resit_cap) if rules.resit_rule is ResitRule.CAPPED else resit
    if rules.resit_rule is ResitRule.REPLACE or first is None or candidate > first:
        return candidate, True
    return first, False


def _module_status(module: Module, average: Decimal | None) -> Status:
    grades = [a.grade for a in module.assessments] + ([module.resit.grade] if module.resit else [])
    if Special.ATT in grades:
        return Status.PENDING
    if any(a.grade is None for a in module.assessments):
        return Status.MISSING
    if average is None:
        return Status.EXEMPT if module.assessments else Status.EMPTY
    return Status.COMPLETE


def compute_module(module: Module, rules: Rules) -> ModuleResult:
    first = weighted_mean(
        (value, a.weight) for a in module.assessments if (value := _counted(a, rules)) is not None
    )
    resit = _counted(module.resit, rules) if module.resit else None
    average, resit_used = _with_resit(first, resit, rules)
    floor = module.eliminatory_below if module.eliminatory_below is not None else rules.eliminatory_below
    return ModuleResult(
        code=module.code,
        label=module.label,
        coefficient=module.coefficient,
        status=_module_status(module, average),
        average=average,
        first_average=first,
        resit=module.resit.grade if module.resit and isinstance(module.resit.grade, Special) else resit,
        resit_used=resit_used,
        eliminated=floor is not None and average is not None and not reaches(average, floor, rules),
    )


def _gaps(ue: UE) -> tuple[Gap, ...]:
    gaps = []
    for module in ue.modules:
        for index, a in enumerate(module.assessments, start=1):
            if a.grade is None or a.grade is Special.ATT:
                kind = GapKind.MISSING if a.grade is None else GapKind.PENDING
                gaps.append(Gap(ue.code, module.code, a.label or str(index), kind, a.ref))
        if module.resit and module.resit.grade is Special.ATT:
            gaps.append(
                Gap(ue.code, module.code, module.resit.label or "resit", GapKind.PENDING, module.resit.ref)
            )
    return tuple(gaps)


def _ue_draft(ue: UE, rules: Rules, acquired: AcquiredUE | None) -> UEResult:
    """The UE before its code (which may depend on the year average)."""
    modules = tuple(compute_module(module, rules) for module in ue.modules)
    common = {"code": ue.code, "label": ue.label, "ects": ue.ects, "modules": modules}
    if acquired is not None:
        return UEResult(
            **common,
            status=Status.COMPLETE,
            average=acquired.average,
            gaps=(),
            decision=ue.jury_code or acquired.decision,
            by_jury=ue.jury_code is not None,
            capitalised=True,
            acquired_in=acquired.year,
        )
    statuses = {m.status for m in modules}
    status = next((s for s in (Status.PENDING, Status.MISSING) if s in statuses), Status.COMPLETE)
    average = weighted_mean((m.average, m.coefficient) for m in modules if m.average is not None)
    if status is Status.COMPLETE and average is None:
        status = Status.EXEMPT
    return UEResult(
        **common,
        status=status,
        average=average,
        gaps=_gaps(ue),
        decision=ue.jury_code,
        by_jury=ue.jury_code is not None,
    )


def _ue_code(ue: UEResult, rules: Rules, year_average: Decimal | None, year_complete: bool) -> UECode | None:
    """ADM at the pass mark, CMP between the floor and it when the year passes, else AJ."""
    if ue.status is not Status.COMPLETE or ue.average is None:
        return None
    if any(m.eliminated for m in ue.modules):
        return UECode.AJ
    modules_pass = rules.modules_compensate or all(
        reaches(m.average, rules.pass_mark, rules) for m in ue.modules if m.average is not None
    )
    if modules_pass and reaches(ue.average, rules.pass_mark, rules):
        return UECode.ADM
    if not (rules.year_compensation and reaches(ue.average, rules.compensation_floor, rules)):
        return UECode.AJ
    if not year_complete:
        return None
    return UECode.CMP if reaches(year_average, rules.pass_mark, rules) else UECode.AJ


def _year_average(ues: Sequence[UEResult], rules: Rules) -> Decimal | None:
    equal = rules.year_average_weights is YearWeights.EQUAL
    return weighted_mean(
        (ue.average, Decimal(1) if equal else ue.ects) for ue in ues if ue.average is not None
    )


def compute_year(
    ues: Sequence[UE],
    rules: Rules | None = None,
    *,
    acquired: Iterable[AcquiredUE] = (),
    resit_possible: bool = False,
) -> YearResult:
    """A study year's results and the automatic proposal. `acquired`: UEs validated in earlier
    years (only ADM/CMP/ADJ are kept; one per code, the last wins)."""
    rules = rules or Rules()
    snapshots = {a.code: a for a in acquired if a.decision in VALIDATED}
    drafts = [_ue_draft(ue, rules, snapshots.get(ue.code)) for ue in ues]
    average = _year_average(drafts, rules)
    statuses = {ue.status for ue in drafts}
    status = next((s for s in (Status.PENDING, Status.MISSING) if s in statuses), Status.COMPLETE)
    results = []
    for ue in drafts:
        decision = ue.decision or _ue_code(ue, rules, average, status is Status.COMPLETE)
        results.append(
            replace(ue, decision=decision, ects_awarded=ue.ects if decision in VALIDATED else ZERO)
        )
    year = YearResult(
        ues=tuple(results),
        average=average,
        status=status,
        ects_earned=sum((ue.ects_awarded for ue in results), ZERO),
        ects_total=sum((ue.ects for ue in results), ZERO),
    )
    return replace(year, proposal=propose_decision(year, resit_possible=resit_possible))


# --- Completeness, proposals, decisions ------------------------------------------------------------


def gaps(year: YearResult, kind: GapKind | None = None) -> tuple[Gap, ...]:
    """What the jury waits for (ATT and missing grades), optionally of one kind."""
    return tuple(gap for gap in year.gaps if kind is None or gap.kind is kind)


def _codes(ues: Iterable[UEResult]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ue.code for ue in ues))


def propose_decision(year: YearResult, *, resit_possible: bool = False) -> Proposal:
    """A proposal for clear cases only; never ADJ, DEF or DEM, which are the jury's."""
    if not year.ues:
        return Proposal(None, Why.NO_UE)
    for kind, why in ((GapKind.PENDING, Why.PENDING), (GapKind.MISSING, Why.MISSING)):
        if found := gaps(year, kind):
            return Proposal(None, why, tuple(dict.fromkeys(gap.ue for gap in found)))
    if undecided := [ue for ue in year.ues if ue.decision is None]:
        return Proposal(None, Why.UNDECIDED, _codes(undecided))
    failed = _codes(ue for ue in year.ues if not ue.validated)
    if not failed:
        return Proposal(YearCode.ADM, Why.ALL_VALIDATED)
    if resit_possible:
        return Proposal(YearCode.RAT, Why.RESIT_POSSIBLE, failed)
    return Proposal(YearCode.AJ, Why.NO_RESIT, failed)


@dataclass(frozen=True)
class Decision:
    """A year decision as stored: `automatic` when it came from a proposal, not from a person."""

    code: YearCode | None
    automatic: bool = False
    reason: str = ""

    @property
    def is_manual(self) -> bool:
        return self.code is not None and not self.automatic


def jury_decision(code: YearCode, reason: str = "") -> Decision:
    """A decision made by a person; ADJ needs the jury's reason."""
    if YearCode(code) is YearCode.ADJ and not reason.strip():
        raise ValidationError(
            _("Give the reason for a pass by decision of the jury (ADJ)."), code="adj_reason"
        )
    return Decision(code=YearCode(code), automatic=False, reason=reason.strip())


K = TypeVar("K")


def apply_proposals(
    current: Mapping[K, Decision | None], proposals: Mapping[K, Proposal]
) -> dict[K, Decision | None]:
    """New decisions: a proposal fills an empty or automatic decision (and clears an automatic one
    it no longer supports); a decision a person made is never overwritten."""
    result = dict(current)
    for key, proposal in proposals.items():
        decision = current.get(key)
        if decision is not None and decision.is_manual:
            continue
        result[key] = None if proposal.code is None else Decision(proposal.code, automatic=True)
    return result


def outcome_for(code: YearCode | None) -> Outcome | None:
    """The usual outcome of a decision; for AJ the jury may choose to let the apprentice leave."""
    return {
        YearCode.ADM: Outcome.NEXT_YEAR,
        YearCode.ADJ: Outcome.NEXT_YEAR,
        YearCode.AJ: Outcome.REPEAT,
        YearCode.DEF: Outcome.LEAVE,
        YearCode.DEM: Outcome.LEAVE,
    }.get(code)


# --- Display and input -----------------------------------------------------------------------------


def display(value: Decimal | Special | None) -> str:
    """French style with 2 decimals ("12,50"), rounded half up, for display only; "—" for none."""
    if value is None:
        return "—"
    if isinstance(value, Special):
        return value.value
    return f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}".replace(".", ",")


def display_credits(value) -> str:
    """ECTS credits as shown: "12", "7,5" (credits are whole or half numbers)."""
    text = f"{Decimal(value).normalize():f}" if value is not None else "—"
    return text.replace(".", ",")


def display_credits_of(earned, total) -> str:
    """Credits earned out of the total, e.g. "54/60"."""
    return f"{display_credits(earned)}/{display_credits(total)}"


_NUMBER = re.compile(r"-?(?:\d+(?:[.,]\d*)?|[.,]\d+)")


def parse_grade(text: str | None, out_of: Decimal = TWENTY) -> Grade:
    """A grade as typed: "12,5", "12.5", " 12 ", ABS/EXC/ATT in any case; empty → None."""
    cleaned = (text or "").strip()
    if not cleaned:
        return None
    if cleaned.upper() in Special.__members__:
        return Special(cleaned.upper())
    if not _NUMBER.fullmatch(cleaned):
        raise ValidationError(_("Enter a grade such as 12,5, or ABS, EXC or ATT."), code="grade_format")
    value = Decimal(cleaned.replace(",", "."))
    if value < 0:
        raise ValidationError(_("A grade cannot be negative."), code="grade_negative")
    if value > out_of:
        raise ValidationError(
            _("A grade is at most %(max)s."),
            code="grade_too_high",
            params={"max": f"{out_of:f}".replace(".", ",")},
        )
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("A grade has at most 2 decimals."), code="grade_decimals")
    return value + ZERO  # "-0" → 0
