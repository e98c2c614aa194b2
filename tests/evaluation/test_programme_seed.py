"""The programme seed (evaluation.programme_seed) against the seed's figures: the UEs' module
counts, 600 h and 60 ECTS a year, 180 ECTS in all, the Unité Entreprise and its rubrics."""

import importlib
from collections import Counter
from decimal import Decimal
from itertools import pairwise

import pytest

from apprentissage.enums import Role
from evaluation import programme_seed as seed
from lea import framework_seed
from lea.enums import BehaviourCriterion
from tests.test_typography import problems

OPTIONS = importlib.import_module("apprentissage.migrations.0002_options_and_roles").OPTIONS
OPTION_CODES = [code for code, _name, _full_name in OPTIONS]

# The seed's own figures (DOMAIN.md §4): modules per UE over the three years.
SEED_UE_MODULES = {"SF": 10, "TI": 21, "CI": 11}
SEED_OPTION_MODULES = 18


def test_the_options_are_the_portals_four():
    assert sorted(seed.OPTION_MODULES) == sorted(OPTION_CODES) == sorted(seed.OPTION_PREFIXES)
    assert sorted(framework_seed.OPTIONS) == sorted(OPTION_CODES)


def test_the_common_ues_have_the_seeds_module_counts():
    counts = Counter(module.unit for module in seed.COMMON_MODULES)

    assert counts == SEED_UE_MODULES
    assert {module.study_year for module in seed.COMMON_MODULES if module.unit == "SF"} == {1, 2}
    assert {module.study_year for module in seed.COMMON_MODULES if module.unit == "TI"} == {1, 2, 3}
    assert {module.study_year for module in seed.COMMON_MODULES if module.unit == "CI"} == {1, 2, 3}


@pytest.mark.parametrize("option", OPTION_CODES)
def test_each_option_has_18_modules_6_a_year(option):
    modules = seed.OPTION_MODULES[option]

    assert len(modules) == SEED_OPTION_MODULES
    assert Counter(module.study_year for module in modules) == {1: 6, 2: 6, 3: 6}
    assert {module.unit for module in modules} == {"OPT"}
    assert {module.option for module in modules} == {option}
    assert all(module.code.startswith(seed.OPTION_PREFIXES[option]) for module in modules)


def test_the_common_core_has_no_option_modules_and_the_catalogue_holds_them_all():
    assert {module.option for module in seed.COMMON_MODULES} == {None}
    assert len(seed.MODULES) == sum(SEED_UE_MODULES.values()) + 4 * SEED_OPTION_MODULES == 114


@pytest.mark.parametrize("option", OPTION_CODES)
@pytest.mark.parametrize("year", seed.YEARS)
def test_an_apprentice_follows_20_modules_of_30_hours_a_year(year, option):
    modules = seed.modules_for(year, option)

    assert len(modules) == 20
    assert {module.hours for module in modules} == {30}
    assert sum(module.hours for module in modules) == 600
    assert sum(1 for module in modules if module.option == option) == 6
    assert {module.study_year for module in modules} == {year}


def test_modules_for_refuses_an_unknown_year_or_option():
    with pytest.raises(ValueError, match="study year"):
        seed.modules_for(4, "genindus")
    with pytest.raises(ValueError, match="option"):
        seed.modules_for(1, "chimie")


def test_english_is_one_ci_module_a_year():
    english = [module for module in seed.MODULES if module.title.startswith("Anglais")]

    assert [(module.unit, module.study_year) for module in english] == [("CI", 1), ("CI", 2), ("CI", 3)]


def test_codes_are_unique_and_say_unit_or_option_and_year():
    codes = [module.code for module in seed.MODULES]

    assert len(codes) == len(set(codes))
    for module in seed.MODULES:
        prefix = seed.OPTION_PREFIXES[module.option] if module.option else module.unit
        assert module.code.startswith(f"{prefix}{module.study_year}-"), module.code


def test_titles_are_unique_within_the_common_core_and_each_option():
    for modules in (seed.COMMON_MODULES, *seed.OPTION_MODULES.values()):
        titles = [module.title for module in modules]
        assert len(titles) == len(set(titles))


def test_the_semester_belongs_to_the_study_year():
    for module in seed.MODULES:
        assert module.semester in (2 * module.study_year - 1, 2 * module.study_year), module.code
    assert seed.COMMON_MODULES[0].semester_label == "S1"


def test_coefficients_are_mostly_1_with_a_few_heavier_ones():
    coefficients = Counter(module.coefficient for module in seed.MODULES)

    assert set(coefficients) <= {Decimal(1), Decimal("1.5"), Decimal(2)}
    assert coefficients[Decimal(1)] > 0.8 * len(seed.MODULES)


def test_ects_are_60_a_year_and_180_in_all_on_the_ues_taught_that_year():
    units = {unit.code for unit in seed.UNITS}

    for year in seed.YEARS:
        taught = {module.unit for module in seed.MODULES if module.study_year == year}
        assert set(seed.ECTS[year]) == taught | {"UW"} and taught <= units
        assert sum(seed.ECTS[year].values()) == 60
    assert sum(sum(credits.values()) for credits in seed.ECTS.values()) == 180


def test_totals_are_computed_per_year_and_over_the_programme():
    totals = seed.totals()

    assert [(t.study_year, t.modules, t.hours, t.ects) for t in totals.years] == [
        (1, 20, 600, 60),
        (2, 20, 600, 60),
        (3, 20, 600, 60),
    ]
    overall = totals.overall
    assert (overall.modules, overall.hours, overall.ects) == (60, 1800, 180)
    assert (overall.common_modules, overall.option_modules, overall.offered_modules) == (42, 18, 114)
    assert seed.totals("energies") == totals


def test_each_year_has_its_company_unit_whose_weights_sum_to_1():
    assert [year.study_year for year in seed.COMPANY_UNIT] == list(seed.YEARS)
    for year in seed.COMPANY_UNIT:
        assert sum(component.weight for component in year.components) == 1
        assert all(component.weight > 0 for component in year.components)
        codes = [component.code for component in year.components]
        assert len(codes) == len(set(codes))


def test_the_company_unit_has_the_seeds_components_and_graders():
    components = {
        year.study_year: {c.code: (c.graded_by, c.rubric) for c in year.components}
        for year in seed.COMPANY_UNIT
    }

    assert components == {
        1: {
            "RAPPORT_OBS": ("school_tutor", None),
            "PROJET": ("project_jury", "projet"),
            "COMPORTEMENT": ("company_tutor", "comportement"),
        },
        2: {
            "RAPPORT_ING": ("school_tutor", None),
            "PROJET": ("project_jury", "projet"),
            "COMPORTEMENT": ("company_tutor", "comportement"),
        },
        3: {
            "PFE": ("project_jury", "projet"),
            "COMPORTEMENT": ("company_tutor", "comportement"),
        },
    }
    assert {seed.SCHOOL_TUTOR, seed.COMPANY_TUTOR} <= set(Role.values)


@pytest.mark.parametrize(("rubric", "count"), [("projet", 7), ("comportement", 6)])
def test_rubrics_are_out_of_20_with_4_contiguous_levels_per_criterion(rubric, count):
    criteria = seed.RUBRICS[rubric]

    assert len(criteria) == count
    assert sum(criterion.max_points for criterion in criteria) == 20
    assert len({criterion.code for criterion in criteria}) == count
    half = Decimal("0.5")
    for criterion in criteria:
        levels = criterion.levels
        assert [level.code for level in levels] == ["insuffisant", "a_ameliorer", "satisfaisant", "excellent"]
        assert levels[0].min_points == 0 and levels[-1].max_points == criterion.max_points
        for lower, upper in pairwise(levels):
            assert upper.min_points == lower.max_points + half, criterion.code
        for level in levels:
            assert level.min_points <= level.max_points
            assert level.min_points % half == 0 and level.max_points % half == 0
            assert level.descriptor.endswith(".")
        assert len({level.descriptor for level in levels}) == 4


def test_project_criteria_give_evidence_of_the_frameworks_common_competencies():
    common = {code for code, _label in framework_seed.COMMON}
    evidenced = set()
    for criterion in seed.PROJECT_RUBRIC:
        assert criterion.competencies and set(criterion.competencies) <= common, criterion.code
        evidenced |= set(criterion.competencies)

    assert evidenced == common


def test_behaviour_criteria_sum_up_the_fiches_criteria():
    named = [code for criterion in seed.BEHAVIOUR_CRITERIA for code in criterion.fiche_criteria]

    assert sorted(named) == sorted(BehaviourCriterion.values)


def _texts():
    yield from (unit.title for unit in seed.UNITS)
    yield from (module.title for module in seed.MODULES)
    for year in seed.COMPANY_UNIT:
        yield year.expected_level
        for component in year.components:
            yield component.title
            yield component.description
    for criteria in seed.RUBRICS.values():
        for criterion in criteria:
            yield criterion.title
            yield from (level.title for level in criterion.levels)
            yield from (level.descriptor for level in criterion.levels)


def test_the_french_text_follows_french_typography():
    texts = list(_texts())

    assert {text: problems(text) for text in texts if problems(text)} == {}
    assert not [text for text in texts if "\u2019" in text]  # straight apostrophes, as lea.framework_seed
