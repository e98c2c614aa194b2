"""Grade computation (evaluation/computation.py), case tables against PRACTICE.md §4: averages,
special values, thresholds with their tolerance, resits, compensation, capitalisation, the UW,
proposals that never overwrite a person's decision, display and input of grades."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluation.computation import (
    UE,
    AcquiredUE,
    Assessment,
    Decision,
    GapKind,
    Module,
    Outcome,
    Proposal,
    ResitRule,
    Rules,
    Special,
    Status,
    UECode,
    Why,
    YearCode,
    YearWeights,
    apply_proposals,
    component,
    compute_module,
    compute_year,
    display,
    gaps,
    jury_decision,
    outcome_for,
    parse_grade,
    propose_decision,
    reaches,
)

D = Decimal
ADM, CMP, AJ, ADJ = UECode.ADM, UECode.CMP, UECode.AJ, UECode.ADJ
ABS, EXC, ATT = Special.ABS, Special.EXC, Special.ATT


def g(value):
    """A grade from a table: "12.5" → Decimal, "ABS" → Special, None stays None."""
    if value is None:
        return None
    return Special(value) if value in Special.__members__ else D(value)


def module(*grades, code="M", coefficient="1", resit=None, out_of="20", **kwargs) -> Module:
    """A module from grades; a grade may be (grade, weight) or (grade, weight, out_of)."""
    assessments = []
    for index, grade in enumerate(grades, start=1):
        grade, weight, scale = (*grade, out_of)[:3] if isinstance(grade, tuple) else (grade, "1", out_of)
        assessments.append(Assessment(g(grade), D(weight), D(scale), label=f"E{index}", ref=(code, index)))
    resit = resit if resit is None or isinstance(resit, Assessment) else Assessment(g(resit))
    return Module(code, assessments, D(coefficient), resit=resit, **kwargs)


def ue(code, *averages, ects="10", **kwargs) -> UE:
    """A UE whose modules have one grade each: averages as strings, or ready Modules."""
    modules = [
        m if isinstance(m, Module) else module(m, code=f"{code}{i}") for i, m in enumerate(averages, start=1)
    ]
    return UE(code, modules, D(ects), **kwargs)


def codes(year) -> list:
    return [u.decision for u in year.ues]


# --- Thresholds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "threshold", "expected"),
    [
        ("10", "10", True),
        ("9.995", "10", True),
        ("9.9950", "10", True),
        ("9.9949", "10", False),
        ("9.994", "10", False),
        ("7.995", "8", True),
        ("7.994", "8", False),
        ("0", "0", True),
        (None, "10", False),
    ],
)
def test_a_threshold_is_reached_with_a_tolerance_of_0_005(value, threshold, expected):
    assert reaches(g(value), D(threshold)) is expected


def test_the_tolerance_is_a_rule():
    assert reaches(D("9.99"), D(10), Rules(tolerance=D("0.01")))
    assert not reaches(D("9.995"), D(10), Rules(tolerance=D(0)))


# --- Module averages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grades", "average", "status"),
    [
        (["12", "14"], "13", Status.COMPLETE),
        ([("10", "1"), ("16", "2")], "14", Status.COMPLETE),
        (["ABS", "16"], "8", Status.COMPLETE),  # absent counts 0
        (["ABS", "ABS"], "0", Status.COMPLETE),
        (["EXC", "16"], "16", Status.COMPLETE),  # excused is left out
        ([("EXC", "3"), ("11", "1")], "11", Status.COMPLETE),
        (["EXC", "EXC"], None, Status.EXEMPT),
        ([], None, Status.EMPTY),
        (["ATT", "16"], "16", Status.PENDING),  # provisional over what is entered
        ([None, "16"], "16", Status.MISSING),
        (["ATT", None], None, Status.PENDING),  # ATT says more than a gap
        ([None, None], None, Status.MISSING),
        (["EXC", None], None, Status.MISSING),
        ([("24", "1", "30")], "16", Status.COMPLETE),  # scaled to 20
        ([("15", "1", "30"), ("10", "1", "20")], "10", Status.COMPLETE),
        ([("7", "1", "8")], "17.5", Status.COMPLETE),
        ([("45", "1", "100")], "9", Status.COMPLETE),
        (["9.99", "10"], "9.995", Status.COMPLETE),  # full precision kept
        (["19.99", "19.99", "0"], "13.32666666666666666666666667", Status.COMPLETE),
    ],
)
def test_module_average_is_the_weighted_mean_of_its_assessments(grades, average, status):
    result = compute_module(module(*grades), Rules())

    assert result.average == g(average)
    assert result.status is status
    assert result.resit_used is False


def test_a_scaled_grade_keeps_full_precision():
    result = compute_module(module(("19", "1", "30")), Rules())

    assert result.average == D(19) * 20 / 30
    assert result.average != D("12.67")
    assert display(result.average) == "12,67"


# --- Resits --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "first", "resit", "average", "resit_used"),
    [
        (ResitRule.BEST, "6", None, "6", False),
        (ResitRule.BEST, "6", "14", "14", True),
        (ResitRule.BEST, "12", "8", "12", False),
        (ResitRule.BEST, "10", "10", "10", False),
        (ResitRule.BEST, "6", "ABS", "6", False),
        (ResitRule.BEST, "6", "EXC", "6", False),  # resit not sat
        (ResitRule.BEST, "EXC", "13", "13", True),  # nothing to compare with
        (ResitRule.REPLACE, "12", "8", "8", True),
        (ResitRule.REPLACE, "6", "14", "14", True),
        (ResitRule.REPLACE, "6", "ABS", "0", True),
        (ResitRule.REPLACE, "12", "EXC", "12", False),
        (ResitRule.CAPPED, "6", "14", "10", True),  # capped at 10
        (ResitRule.CAPPED, "6", "8", "8", True),
        (ResitRule.CAPPED, "6", "4", "6", False),  # never lower than the first result
        (ResitRule.CAPPED, "9", "12", "10", True),
        (ResitRule.CAPPED, "11", "15", "11", False),
        (ResitRule.CAPPED, "6", "ABS", "6", False),
        (ResitRule.CAPPED, "EXC", "14", "10", True),
    ],
)
def test_a_resit_counts_by_the_resit_rule(rule, first, resit, average, resit_used):
    result = compute_module(module(first, resit=resit), Rules(resit_rule=rule))

    assert result.average == D(average)
    assert result.first_average == (None if first == "EXC" else D(first))
    assert result.resit_used is resit_used
    assert result.status is Status.COMPLETE


def test_a_resit_is_scaled_and_capped_by_the_rules():
    scaled = compute_module(module("6", resit=Assessment(D(15), out_of=D(30))), Rules())
    capped = compute_module(module("6", resit="14"), Rules(resit_rule="capped", resit_cap=D(12)))

    assert (scaled.average, scaled.resit) == (D(10), D(10))
    assert capped.average == D(12)


def test_a_pending_resit_makes_the_module_pending():
    result = compute_module(module("6", resit="ATT"), Rules())

    assert result.status is Status.PENDING
    assert (result.average, result.resit, result.resit_used) == (D(6), ATT, False)


# --- UE averages and codes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("modules", "average", "status"),
    [
        ([("12", "1"), ("8", "1")], "10", Status.COMPLETE),
        ([("12", "3"), ("6", "1")], "10.5", Status.COMPLETE),
        ([("EXC", "5"), ("14", "1")], "14", Status.COMPLETE),  # exempt module left out
        ([(None, "1"), ("14", "1")], "14", Status.MISSING),
        ([("ATT", "1"), ("14", "1")], "14", Status.PENDING),
        ([("EXC", "1"), ("EXC", "2")], None, Status.EXEMPT),
        ([("4", "0"), ("14", "2")], "14", Status.COMPLETE),  # coefficient 0 weighs nothing
    ],
)
def test_ue_average_weighs_module_averages_by_coefficient(modules, average, status):
    parts = [module(grade, code=f"M{i}", coefficient=coef) for i, (grade, coef) in enumerate(modules)]
    result = compute_year([UE("SF", parts, D(10))]).ues[0]

    assert result.average == g(average)
    assert result.status is status


def test_an_empty_module_is_left_out_of_its_ue():
    result = compute_year([UE("TI", [module(code="M1"), module("13", code="M2")], D(6))]).ues[0]

    assert [m.status for m in result.modules] == [Status.EMPTY, Status.COMPLETE]
    assert (result.average, result.status, result.decision) == (D(13), Status.COMPLETE, ADM)


OFF = Rules(year_compensation=False)
EQUAL = Rules(year_average_weights="equal")


@pytest.mark.parametrize(
    ("averages", "rules", "expected"),
    [
        (["12", "14"], Rules(), [ADM, ADM]),
        (["10", "10"], Rules(), [ADM, ADM]),
        (["9.995", "12"], Rules(), [ADM, ADM]),
        (["9.994", "12"], Rules(), [CMP, ADM]),  # year average ≥ 10: compensated
        (["9.994", "12"], OFF, [AJ, ADM]),
        (["9.9949", "12"], OFF, [AJ, ADM]),  # shows as 9,99 and stays below 10
        (["9.995", "12"], OFF, [ADM, ADM]),  # shows as 10,00 and passes
        (["7.995", "14"], Rules(), [CMP, ADM]),  # the floor has the tolerance too
        (["7.994", "14"], Rules(), [AJ, ADM]),
        (["9", "10.5"], Rules(), [AJ, ADM]),  # year average 9.75
        (["9", "10.99"], Rules(), [CMP, ADM]),  # year average 9.995 reaches 10
        (["9", "10.988"], Rules(), [AJ, ADM]),  # year average 9.994
        (["9", "14"], OFF, [AJ, ADM]),
        (["8.5", "14"], Rules(compensation_floor=D(9)), [AJ, ADM]),
        (["8", "9"], Rules(), [AJ, AJ]),
        (["15", "15", "0"], Rules(), [ADM, ADM, AJ]),
    ],
)
def test_ue_codes_with_compensation(averages, rules, expected):
    year = compute_year([ue(f"U{i}", a) for i, a in enumerate(averages)], rules)

    assert codes(year) == expected
    assert [u.ects_awarded for u in year.ues] == [D(10) if c in (ADM, CMP) else D(0) for c in expected]


@pytest.mark.parametrize(
    ("rules", "grades", "expected", "eliminated"),
    [
        (Rules(), ["16", "5"], ADM, [False, False]),
        (Rules(eliminatory_below=D(6)), ["16", "5"], AJ, [False, True]),  # 10.5 but a 5
        (Rules(eliminatory_below=D(6)), ["16", "5.995"], ADM, [False, False]),
        (Rules(eliminatory_below=D(6)), ["16", "5.994"], AJ, [False, True]),
        (Rules(eliminatory_below=D(6)), ["16", "EXC"], ADM, [False, False]),  # no average, no elimination
        (Rules(eliminatory_below=D(6)), ["11", "5", "12"], AJ, [False, True, False]),  # 9.33: no CMP
        (Rules(), ["11", "5", "12"], CMP, [False, False, False]),
    ],
)
def test_an_eliminatory_grade_blocks_compensation(rules, grades, expected, eliminated):
    year = compute_year([ue("SF", *grades), ue("TI", "16")], rules)

    assert year.ues[0].decision is expected
    assert [m.eliminated for m in year.ues[0].modules] == eliminated


def test_a_module_may_set_its_own_eliminatory_grade():
    harsh = module("7", code="MATH", eliminatory_below=D(8))
    year = compute_year([UE("SF", [harsh, module("15", code="PHYS")], D(10))])

    assert year.ues[0].average == D(11)
    assert year.ues[0].decision is AJ


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (Rules(), ADM),  # 16 and 9 compensate: 12.5
        (Rules(modules_compensate=False), CMP),  # the 9 keeps the UE from ADM; the year compensates
        (Rules(modules_compensate=False, year_compensation=False), AJ),
    ],
)
def test_modules_compensate_inside_a_ue_by_default(rules, expected):
    year = compute_year([ue("SF", "16", "9"), ue("TI", "12")], rules)

    assert year.ues[0].average == D("12.5")
    assert year.ues[0].decision is expected


def test_a_ue_gets_no_code_until_complete_and_cmp_waits_for_the_year():
    year = compute_year([ue("SF", "9"), ue("TI", "15"), ue("CI", "ATT")])

    assert codes(year) == [None, ADM, None]  # SF's CMP depends on CI
    assert year.ects_earned == D(10)


def test_a_code_set_by_the_jury_wins_and_adj_earns_ects():
    year = compute_year([ue("SF", "7", jury_code=ADJ), ue("TI", "14")])

    assert codes(year) == [ADJ, ADM]
    assert year.ues[0].by_jury and not year.ues[1].by_jury
    assert (year.ects_earned, year.ects_total) == (D(20), D(20))
    assert year.proposal.code is YearCode.ADM


# --- Year average ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "expected"),
    [
        (YearWeights.ECTS, D(32) / 3),  # (12 × 20 + 8 × 10) / 30
        (YearWeights.EQUAL, D(10)),
    ],
)
def test_year_average_weighs_ues_by_the_rule(weights, expected):
    year = compute_year(
        [ue("SF", "12", ects="20"), ue("TI", "8", ects="10")], Rules(year_average_weights=weights)
    )

    assert year.average == expected
    assert (year.ects_total, year.status) == (D(30), Status.COMPLETE)


@pytest.mark.parametrize(
    ("weights", "expected"),
    [(YearWeights.ECTS, [CMP, ADM]), (YearWeights.EQUAL, [AJ, ADM])],
)
def test_year_average_weighting_decides_compensation(weights, expected):
    # ECTS: (9 × 10 + 10.9 × 30) / 40 = 10.425; equal: (9 + 10.9) / 2 = 9.95
    year = compute_year(
        [ue("SF", "9", ects="10"), ue("TI", "10.9", ects="30")], Rules(year_average_weights=weights)
    )

    assert codes(year) == expected


def test_ues_without_average_are_left_out_of_the_year_average():
    year = compute_year([ue("SF", "EXC"), ue("TI", "13")])

    assert year.average == D(13)
    assert year.ues[0].status is Status.EXEMPT


# --- Capitalisation ----------------------------------------------------------------------------------


def test_a_ue_acquired_in_an_earlier_year_stays_acquired_when_the_year_is_repeated():
    acquired = [AcquiredUE("SF", D("12.5"), ADM, year="2025-2026"), AcquiredUE("CI", D("9"), CMP)]
    # SF is not retaken (no grades), CI is retaken badly; TI is graded this year.
    year = compute_year([ue("SF", None), ue("CI", "3"), ue("TI", "7")], acquired=acquired)

    sf, ci, ti = year.ues
    assert (sf.capitalised, sf.average, sf.decision, sf.acquired_in) == (True, D("12.5"), ADM, "2025-2026")
    assert (ci.capitalised, ci.average, ci.decision) == (True, D(9), CMP)
    assert (ti.capitalised, ti.decision) == (False, AJ)
    assert sf.gaps == () and year.status is Status.COMPLETE
    assert (year.ects_earned, year.ects_total) == (D(20), D(30))
    assert year.average == (D("12.5") + D(9) + D(7)) / 3
    assert year.proposal.code is YearCode.AJ and year.proposal.ues == ("TI",)


@pytest.mark.parametrize(
    ("acquired", "capitalised", "decision"),
    [
        ([AcquiredUE("SF", D("6"), AJ)], False, AJ),  # an AJ carries nothing
        ([AcquiredUE("SF", D("8"), ADJ)], True, ADJ),
        ([AcquiredUE("OPT", D("15"), ADM)], False, AJ),  # another code
        ([], False, AJ),
    ],
)
def test_only_validated_ues_are_capitalised_and_matched_by_code(acquired, capitalised, decision):
    year = compute_year([ue("SF", "6"), ue("TI", "8")], acquired=acquired)

    assert year.ues[0].capitalised is capitalised
    assert year.ues[0].decision is decision


# --- Unité Entreprise ------------------------------------------------------------------------------


def test_the_unite_entreprise_is_graded_from_weighted_components():
    uw = UE(
        "UW",
        [
            component("rapport_observation", D(14)),
            component("projet", D(18), weight=D(2), out_of=D(30)),  # 12 / 20
            component("comportement", D(3), out_of=D(4)),  # 15 / 20
        ],
        ects=D(20),
    )
    year = compute_year([uw, ue("SF", "11", ects="40")])

    assert year.ues[0].average == D("13.25")  # (14 + 12 × 2 + 15) / 4
    assert year.ues[0].decision is ADM
    assert year.ects_earned == D(60)


def test_a_pending_uw_component_blocks_the_year():
    uw = UE("UW", [component("rapport", D(14)), component("projet", ATT, weight=D(2))], ects=D(20))
    year = compute_year([uw])

    assert year.status is Status.PENDING
    assert [(gap.module, gap.kind) for gap in year.gaps] == [("projet", GapKind.PENDING)]
    assert year.proposal.code is None


# --- Completeness --------------------------------------------------------------------------------


def test_completeness_lists_every_missing_and_pending_grade_with_its_ref():
    year = compute_year(
        [
            UE("SF", [module("12", None, code="MATH"), module("ATT", code="PHYS", resit="ATT")], D(10)),
            UE("TI", [module("EXC", "ABS", code="MECA")], D(10)),
        ]
    )

    assert [(x.ue, x.module, x.assessment, x.kind, x.ref) for x in gaps(year)] == [
        ("SF", "MATH", "E2", GapKind.MISSING, ("MATH", 2)),
        ("SF", "PHYS", "E1", GapKind.PENDING, ("PHYS", 1)),
        ("SF", "PHYS", "resit", GapKind.PENDING, None),
    ]
    assert len(gaps(year, GapKind.PENDING)) == 2
    assert year.status is Status.PENDING


# --- Proposals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ues", "resit_possible", "code", "why", "concerned"),
    [
        ([ue("SF", "12"), ue("TI", "14")], False, YearCode.ADM, Why.ALL_VALIDATED, ()),
        ([ue("SF", "9"), ue("TI", "14")], False, YearCode.ADM, Why.ALL_VALIDATED, ()),  # CMP
        ([ue("SF", "7"), ue("TI", "14")], True, YearCode.RAT, Why.RESIT_POSSIBLE, ("SF",)),
        ([ue("SF", "7"), ue("TI", "14")], False, YearCode.AJ, Why.NO_RESIT, ("SF",)),
        ([ue("SF", "7"), ue("TI", "6")], False, YearCode.AJ, Why.NO_RESIT, ("SF", "TI")),
        ([ue("SF", "ATT"), ue("TI", "14")], True, None, Why.PENDING, ("SF",)),
        ([ue("SF", None), ue("TI", "14")], False, None, Why.MISSING, ("SF",)),
        ([ue("SF", None), ue("TI", "ATT")], False, None, Why.PENDING, ("TI",)),  # ATT first
        ([ue("SF", "EXC"), ue("TI", "14")], False, None, Why.UNDECIDED, ("SF",)),
        ([ue("SF", module("12", resit="ATT"))], False, None, Why.PENDING, ("SF",)),
        ([], False, None, Why.NO_UE, ()),
    ],
)
def test_proposals_only_for_clear_cases(ues, resit_possible, code, why, concerned):
    year = compute_year(ues, resit_possible=resit_possible)
    proposal = propose_decision(year, resit_possible=resit_possible)

    assert (proposal.code, proposal.why, proposal.ues) == (code, why, concerned)
    assert year.proposal == proposal
    assert proposal.code not in (YearCode.ADJ, YearCode.DEF, YearCode.DEM)
    assert all(c in str(proposal.reason) for c in concerned)


def test_a_proposal_reason_names_the_ues():
    proposal = Proposal(None, Why.MISSING, ("SF", "TI"))

    assert "SF, TI" in str(proposal.reason)


# --- Decisions: a person's decision is never overwritten -------------------------------------------

AUTO_ADM = Decision(YearCode.ADM, automatic=True)
AUTO_AJ = Decision(YearCode.AJ, automatic=True)
MANUAL_ADJ = Decision(YearCode.ADJ, reason="Stage à l'étranger validé")
MANUAL_AJ = Decision(YearCode.AJ)
MANUAL_DEM = Decision(YearCode.DEM)
P_ADM = Proposal(YearCode.ADM, Why.ALL_VALIDATED)
P_NONE = Proposal(None, Why.PENDING, ("SF",))


@pytest.mark.parametrize(
    ("current", "proposal", "expected"),
    [
        (None, P_ADM, AUTO_ADM),  # empty: filled
        (Decision(None), P_ADM, AUTO_ADM),  # a person cleared it: still empty
        (AUTO_AJ, P_ADM, AUTO_ADM),  # automatic: replaced
        (AUTO_ADM, P_NONE, None),  # automatic and no longer supported: cleared
        (None, P_NONE, None),
        (MANUAL_ADJ, P_ADM, MANUAL_ADJ),  # a person's: kept
        (MANUAL_AJ, P_ADM, MANUAL_AJ),
        (MANUAL_AJ, P_NONE, MANUAL_AJ),
        (MANUAL_DEM, P_ADM, MANUAL_DEM),
    ],
)
def test_proposals_never_overwrite_a_decision_a_person_made(current, proposal, expected):
    assert apply_proposals({"alice": current}, {"alice": proposal}) == {"alice": expected}


def test_apply_proposals_keeps_decisions_without_proposal_and_changes_nothing_in_place():
    current = {"alice": MANUAL_AJ, "bob": AUTO_AJ, "chloe": None}

    result = apply_proposals(current, {"bob": P_ADM, "chloe": P_ADM})

    assert result == {"alice": MANUAL_AJ, "bob": AUTO_ADM, "chloe": AUTO_ADM}
    assert current == {"alice": MANUAL_AJ, "bob": AUTO_AJ, "chloe": None}


@pytest.mark.parametrize(("reason"), ["", "   "])
def test_adj_needs_a_reason(reason):
    with pytest.raises(ValidationError) as error:
        jury_decision(YearCode.ADJ, reason)
    assert error.value.code == "adj_reason"


@pytest.mark.parametrize(
    ("code", "reason"), [("ADJ", " Stage validé "), ("AJ", ""), ("DEF", ""), (YearCode.DEM, "")]
)
def test_jury_decisions_are_manual(code, reason):
    decision = jury_decision(code, reason)

    assert decision.is_manual and decision.code == code and decision.reason == reason.strip()


@pytest.mark.parametrize(
    ("code", "outcome"),
    [
        (YearCode.ADM, Outcome.NEXT_YEAR),
        (YearCode.ADJ, Outcome.NEXT_YEAR),
        (YearCode.AJ, Outcome.REPEAT),
        (YearCode.RAT, None),
        (YearCode.DEF, Outcome.LEAVE),
        (YearCode.DEM, Outcome.LEAVE),
        (None, None),
    ],
)
def test_outcome_of_a_year_decision(code, outcome):
    assert outcome_for(code) == outcome


# --- Display ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "—"),
        (ABS, "ABS"),
        (EXC, "EXC"),
        (ATT, "ATT"),
        (D("12.5"), "12,50"),
        (D(0), "0,00"),
        (D(20), "20,00"),
        (D("9.995"), "10,00"),
        (D("9.9949"), "9,99"),
        (D("12.345"), "12,35"),  # half up, not to even
        (D("12.355"), "12,36"),
        (D(32) / 3, "10,67"),
    ],
)
def test_display_rounds_to_2_decimals_french_style(value, text):
    assert display(value) == text


def test_rounding_is_for_display_only():
    year = compute_year([ue("SF", "9.9949")], Rules(year_compensation=False))

    assert display(year.ues[0].average) == "9,99"
    assert year.ues[0].decision is AJ
    assert year.ues[0].average == D("9.9949")


# --- Input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "out_of", "expected"),
    [
        ("12,5", "20", D("12.5")),
        ("12.5", "20", D("12.5")),
        (" 12 ", "20", D(12)),
        ("12,50", "20", D("12.5")),
        ("12.500", "20", D("12.5")),
        ("0", "20", D(0)),
        ("-0", "20", D(0)),
        ("20", "20", D(20)),
        (",5", "20", D("0.5")),
        ("12.", "20", D(12)),
        ("27,25", "30", D("27.25")),
        ("\u00a014\u00a0", "20", D(14)),
        ("abs", "20", ABS),
        ("ABS", "20", ABS),
        (" Exc ", "20", EXC),
        ("att", "20", ATT),
        ("", "20", None),
        ("   ", "20", None),
        (None, "20", None),
    ],
)
def test_parse_grade_accepts(text, out_of, expected):
    result = parse_grade(text, D(out_of))

    assert result == expected
    assert type(result) is type(expected)


@pytest.mark.parametrize(
    ("text", "out_of", "code"),
    [
        ("20.01", "20", "grade_too_high"),
        ("21", "20", "grade_too_high"),
        ("31", "30", "grade_too_high"),
        ("-1", "20", "grade_negative"),
        ("-0,5", "20", "grade_negative"),
        ("12,345", "20", "grade_decimals"),
        ("12.001", "20", "grade_decimals"),
        ("douze", "20", "grade_format"),
        ("12,5,1", "20", "grade_format"),
        ("1e1", "20", "grade_format"),
        ("12 5", "20", "grade_format"),
        ("NaN", "20", "grade_format"),
        ("Infinity", "20", "grade_format"),
        ("+-3", "20", "grade_format"),
        ("absent", "20", "grade_format"),
        ("12/20", "20", "grade_format"),
    ],
)
def test_parse_grade_refuses(text, out_of, code):
    with pytest.raises(ValidationError) as error:
        parse_grade(text, D(out_of))

    assert error.value.code == code
    assert error.value.messages[0]


def test_parse_grade_says_the_maximum():
    with pytest.raises(ValidationError) as error:
        parse_grade("31", D(30))

    assert "30" in error.value.messages[0]


# --- Inputs are checked ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"grade": 12.5}, TypeError),  # never float
        ({"grade": D(21)}, ValueError),
        ({"grade": D(-1)}, ValueError),
        ({"grade": D(31), "out_of": D(30)}, ValueError),
        ({"grade": D(10), "weight": D(0)}, ValueError),
        ({"grade": D(10), "out_of": D(0)}, ValueError),
        ({"grade": "maybe"}, ValueError),
    ],
)
def test_an_assessment_refuses_impossible_values(kwargs, error):
    with pytest.raises(error):
        Assessment(**kwargs)


def test_inputs_take_strings_of_codes_and_ints():
    assert Assessment("ABS").grade is ABS
    assert Assessment(12).grade == D(12)
    assert Rules(resit_rule="replace").resit_rule is ResitRule.REPLACE
    with pytest.raises(ValueError):
        Rules(resit_rule="average")
    with pytest.raises(ValueError):
        Module("M", coefficient=D(-1))
