"""Scolarité's programme forms refuse bad input with a clear message on the field at fault,
and nothing changes (the pages answer 400)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from evaluation.models import Assessment, Module, Programme, TeachingUnit, UnitComponent

from .. import factories as f
from .programme_helpers import tiny_programme


def _state():
    return (
        list(
            Programme.objects.values_list(
                "pass_mark", "compensation_floor", "eliminatory_below", "resit_rule"
            )
        ),
        list(TeachingUnit.objects.order_by("pk").values_list("code", "title", "ects", "is_company_unit")),
        list(
            Module.objects.order_by("pk").values_list("unit_id", "code", "semester", "coefficient", "hours")
        ),
        list(Module.teachers.through.objects.values_list("module_id", "user_id")),
        list(Assessment.objects.order_by("pk").values_list("title", "weight", "out_of", "is_resit")),
        list(UnitComponent.objects.order_by("pk").values_list("code", "weight")),
    )


def _refused(client, url, data, field):
    """`data` posted to `url` is refused on `field` (None: the whole form), nothing saved."""
    before = _state()
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    form = response.context["form"]
    assert _state() == before
    return form.errors[field] if field else form.non_field_errors()


# --- Modules --------------------------------------------------------------------------------------


def _module(tiny, **changes) -> dict:
    data = {
        "unit": tiny.unit.pk,
        "code": "TI2-02",
        "title": "Robotique",
        "semester": 3,
        "coefficient": "1",
        "hours": 30,
        "option": "",
        "teachers": [],
    }
    return {**data, **changes}


MODULE_CASES = [
    ({"coefficient": "0"}, "coefficient", "A coefficient is greater than 0."),
    ({"coefficient": "-1"}, "coefficient", "A coefficient is greater than 0."),
    ({"hours": "0"}, "hours", "A module has hours: more than 0."),
    ({"semester": 5}, "semester", "S5 is not a semester of 2nd year (2A): choose S3 or S4."),
    ({"semester": 1}, "semester", "S1 is not a semester of 2nd year (2A): choose S3 or S4."),
    ({"code": "ti2-01"}, "code", "The code ti2-01 is already the module “Automatique” (TI)"),
    ({"code": "  "}, "code", "This field is required."),
    ({"title": ""}, "title", "This field is required."),
    ({"option": "OPTION"}, "option", "Only the Option UE's modules belong to an option"),
    ({"unit": "OPT"}, "option", "A module of the Option UE belongs to an option: choose it."),
    ({"unit": "UW"}, "unit", "Select a valid choice."),
    ({"teachers": ["OUTSIDER"]}, "teachers", "Select a valid choice."),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    MODULE_CASES,
    ids=[c[1] + "-" + str(i) for i, c in enumerate(MODULE_CASES)],
)
def test_a_bad_module_is_refused(world, login, changes, field, message):
    tiny = tiny_programme()
    values = {"OPTION": world.own.option.pk, "OPT": tiny.option_unit.pk, "UW": tiny.company_unit.pk}
    changes = {
        key: (values.get(value, value) if not isinstance(value, list) else [world["outsider"].pk])
        for key, value in changes.items()
    }
    errors = _refused(
        login(world["scolarite"]),
        reverse("evaluation:programme_module_add", args=[2026]),
        _module(tiny, **changes),
        field,
    )
    assert any(message in error for error in errors), errors


def test_a_module_code_is_unique_in_the_whole_programme_not_only_its_ue(world, login):
    tiny = tiny_programme()
    f.ModuleFactory(unit=tiny.option_unit, code="GI2-01", option=world.own.option, semester=3)

    errors = _refused(
        login(world["scolarite"]),
        reverse("evaluation:programme_module_edit", args=[tiny.module.pk]),
        _module(tiny, code="GI2-01"),
        "code",
    )
    assert "a code is unique in the programme" in errors[0]


def test_a_graded_module_stays_in_its_study_year(world, login):
    tiny = tiny_programme()
    other_year = f.TeachingUnitFactory(programme=tiny.programme, study_year=3, code="TI", ects=18)
    f.GradeFactory(assessment=tiny.assessment)

    errors = _refused(
        login(world["scolarite"]),
        reverse("evaluation:programme_module_edit", args=[tiny.module.pk]),
        _module(tiny, code="TI2-01", unit=other_year.pk, semester=5),
        "unit",
    )
    assert errors == ["Grades were entered in this module: it stays in 2nd year (2A)."]


def test_a_module_without_grades_may_move_to_another_study_year(world, login):
    tiny = tiny_programme()
    other_year = f.TeachingUnitFactory(programme=tiny.programme, study_year=3, code="TI", ects=18)

    response = login(world["scolarite"]).post(
        reverse("evaluation:programme_module_edit", args=[tiny.module.pk]),
        _module(tiny, code="TI2-01", unit=other_year.pk, semester=6),
    )

    assert response.status_code == 302
    tiny.module.refresh_from_db()
    assert (tiny.module.unit, tiny.module.semester) == (other_year, 6)


# --- UEs ------------------------------------------------------------------------------------------


def _unit(**changes) -> dict:
    return {"study_year": 2, "code": "CI", "title": "Culture", "ects": 6, "position": 2, **changes}


UNIT_CASES = [
    ({"ects": 40}, "ects", "The UEs of 2nd year (2A) would give 84 ECTS: a study year gives 60 at most."),
    ({"ects": 61}, "ects", "would give 105 ECTS"),
    ({"code": "ti"}, "code", "2nd year (2A) already has a UE coded ti."),
    (
        {"code": "UW", "is_company_unit": "on", "ects": 0},
        "is_company_unit",
        "already has its Unité Entreprise",
    ),
    ({"code": "OPT2", "is_company_unit": "on", "study_year": 3}, None, None),  # allowed: no other UW in 3A
    ({"code": "opt", "is_company_unit": "on", "study_year": 3}, "code", "The Option UE is a UE of courses"),
    ({"code": "C I"}, "code", "Enter a valid “slug”"),
]


@pytest.mark.parametrize(("changes", "field", "message"), UNIT_CASES)
def test_a_bad_ue_is_refused(world, login, changes, field, message):
    tiny_programme()
    client = login(world["scolarite"])
    url = reverse("evaluation:programme_unit_add", args=[2026])
    if field is None:
        assert client.post(url, _unit(**changes)).status_code == 302
        return
    errors = _refused(client, url, _unit(**changes), field)
    assert any(message in error for error in errors), errors


@pytest.mark.parametrize(("unit", "code"), [("unit", "OPT"), ("option_unit", "OPTION")])
def test_a_ue_with_modules_does_not_become_or_stop_being_the_option_ue(world, login, unit, code):
    tiny = tiny_programme()
    f.ModuleFactory(unit=tiny.option_unit, code="GI2-01", option=world.own.option, semester=3)
    unit = getattr(tiny, unit)

    errors = _refused(
        login(world["scolarite"]),
        reverse("evaluation:programme_unit_edit", args=[unit.pk]),
        _unit(code=code, ects=12),
        "code",
    )
    assert (
        f"The UE has modules: its code stays {unit.code} (the Option UE's modules, and only them, "
        "belong to an option)."
    ) in errors


def test_a_ue_with_modules_keeps_its_kind_and_its_study_year(world, login):
    tiny = tiny_programme()

    response = login(world["scolarite"]).post(
        reverse("evaluation:programme_unit_edit", args=[tiny.unit.pk]),
        _unit(code="TI", study_year=1, is_company_unit="on", ects=12),
    )

    assert response.status_code == 302
    tiny.unit.refresh_from_db()
    assert (tiny.unit.study_year, tiny.unit.is_company_unit) == (2, False)


# --- Assessments ----------------------------------------------------------------------------------


ASSESSMENT_CASES = [
    ({"weight": "0"}, "weight", "A weight is greater than 0."),
    ({"weight": "-0,5"}, "weight", "A weight is greater than 0."),
    ({"weight": "abc"}, "weight", "Enter a number."),
    ({"out_of": "0"}, "out_of", "Ensure this value is greater than or equal to 1."),
    ({"title": ""}, "title", "This field is required."),
]


@pytest.mark.parametrize(("changes", "field", "message"), ASSESSMENT_CASES)
def test_a_bad_assessment_is_refused(world, login, changes, field, message):
    tiny = tiny_programme()
    data = {"title": "Projet", "weight": "1", "out_of": "20", "position": 3, **changes}
    errors = _refused(
        login(world["scolarite"]),
        reverse("evaluation:programme_assessment_add", args=[tiny.module.pk]),
        data,
        field,
    )
    assert any(message in error for error in errors), errors


def test_a_module_has_one_resit_at_most(world, login):
    tiny = tiny_programme()
    f.AssessmentFactory(module=tiny.module, title="Rattrapage", is_resit=True)

    errors = _refused(
        login(world["scolarite"]),
        reverse("evaluation:programme_assessment_add", args=[tiny.module.pk]),
        {"title": "Second rattrapage", "weight": "1", "out_of": "20", "is_resit": "on", "position": 4},
        "is_resit",
    )
    assert errors == ["This module already has its resit."]


def test_a_graded_assessment_keeps_its_scale(world, login):
    tiny = tiny_programme()
    f.GradeFactory(assessment=tiny.assessment)

    response = login(world["scolarite"]).post(
        reverse("evaluation:programme_assessment_edit", args=[tiny.assessment.pk]),
        {"title": "Contrôle", "weight": "0,4", "out_of": "40", "position": 1},
    )

    assert response.status_code == 302
    tiny.assessment.refresh_from_db()
    assert (tiny.assessment.title, tiny.assessment.out_of) == ("Contrôle", Decimal(20))


# --- Grading rules --------------------------------------------------------------------------------


def _rules(**changes) -> dict:
    data = {
        "pass_mark": "10",
        "modules_compensate": "on",
        "eliminatory_below": "",
        "year_compensation": "on",
        "compensation_floor": "8",
        "year_average_weights": "ects",
        "resit_rule": "best",
        "resit_cap": "10",
    }
    return {**data, **changes}


RULES_CASES = [
    (
        {"compensation_floor": "11"},
        "compensation_floor",
        "The compensation floor cannot be above the pass mark.",
    ),
    ({"eliminatory_below": "10"}, "eliminatory_below", "An eliminatory grade is below the pass mark."),
    ({"pass_mark": "21"}, "pass_mark", "Ensure this value is less than or equal to 20."),
    ({"resit_rule": "never"}, "resit_rule", "Select a valid choice."),
]


@pytest.mark.parametrize(("changes", "field", "message"), RULES_CASES)
def test_bad_grading_rules_are_refused(world, login, changes, field, message):
    tiny_programme()
    errors = _refused(
        login(world["scolarite"]),
        reverse("evaluation:programme_rules", args=[2026]),
        _rules(**changes),
        field,
    )
    assert any(message in error for error in errors), errors


# --- The Unité Entreprise's components -------------------------------------------------------------


def _components(tiny, weights: list[str], extra: dict | None = None) -> dict:
    components = list(tiny.company_unit.components.order_by("position", "code"))
    data = {
        "form-TOTAL_FORMS": str(len(components) + 1),
        "form-INITIAL_FORMS": str(len(components)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, (component, weight) in enumerate(zip(components, weights, strict=True)):
        data.update(
            {
                f"form-{index}-id": component.pk,
                f"form-{index}-code": component.code,
                f"form-{index}-title": component.title,
                f"form-{index}-weight": weight,
                f"form-{index}-graded_by": component.graded_by,
                f"form-{index}-position": index,
            }
        )
    last = len(components)
    data.update({f"form-{last}-{name}": "" for name in ("code", "title", "weight", "graded_by")})
    data[f"form-{last}-position"] = "0"
    data.update({f"form-{last}-{key}": value for key, value in (extra or {}).items()})
    return data


@pytest.mark.parametrize(
    ("weights", "extra", "message"),
    [
        (["0.5", "0.4"], None, "The weights of the components add up to 0.90: they must make a whole, 1"),
        (
            ["0.5", "0.5"],
            {"code": "X", "title": "X", "weight": "0.25", "graded_by": "school_tutor"},
            "add up to 1.25",
        ),
        (
            ["0.5", "0.5"],
            {"code": "projet", "title": "Bis", "weight": "0", "graded_by": "school_tutor"},
            None,
        ),
        (
            ["0.5", "0.25"],
            {"code": "projet", "title": "Bis", "weight": "0.25", "graded_by": "school_tutor"},
            "Two components have the same code.",
        ),
    ],
)
def test_components_whose_weights_do_not_make_a_whole_are_refused(world, login, weights, extra, message):
    tiny = tiny_programme()
    before = _state()

    response = login(world["scolarite"]).post(
        reverse("evaluation:programme_components", args=[tiny.company_unit.pk]),
        _components(tiny, weights, extra),
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400 and _state() == before
    formset = response.context["formset"]
    if message is None:  # a weight of 0: refused on its own field
        assert formset.forms[-1].errors["weight"] == ["A weight is greater than 0."]
    else:
        assert any(message in str(error) for error in formset.non_form_errors()), formset.non_form_errors()
