"""The programme pages in the access matrix (registered by tests/test_access_matrix.py).

Reading: school staff (school tutors, option leads: the school-tutor group), module teachers
and scolarité; editing, importing, exporting, copying: scolarité (and IT admins)."""

from django.urls import reverse

from evaluation.models import Assessment, Module, Programme, TeachingUnit, UnitComponent

from ..access import CASES, Case, expect, staff_only
from .programme_helpers import tiny_programme

READERS = dict(school_tutor=200, option_lead=200, module_teacher=200, scolarite=200, admin=200)


def _programme_state(w):
    return list(Programme.objects.values_list("school_year__start_year", "pass_mark", "resit_rule"))


def _units_state(w):
    return list(TeachingUnit.objects.order_by("pk").values_list("code", "title", "ects"))


def _modules_state(w):
    return (
        list(Module.objects.order_by("pk").values_list("code", "title", "coefficient", "semester")),
        list(Module.teachers.through.objects.values_list("module_id", "user_id")),
    )


def _assessments_state(w):
    return list(Assessment.objects.order_by("pk").values_list("title", "weight", "is_resit"))


def _components_state(w):
    return list(UnitComponent.objects.order_by("pk").values_list("code", "weight"))


def _module_data(w) -> dict:
    tiny = tiny_programme()
    return {
        "unit": tiny.unit.pk,
        "code": "TI2-09",
        "title": "Robotique",
        "semester": 4,
        "coefficient": "1",
        "hours": 30,
        "option": "",
        "teachers": [w["module_teacher"].pk],
    }


def _components_data(w) -> dict:
    tiny = tiny_programme()
    components = list(tiny.company_unit.components.order_by("position", "code"))
    data = {
        "form-TOTAL_FORMS": str(len(components) + 1),
        "form-INITIAL_FORMS": str(len(components)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, component in enumerate(components):
        data.update(
            {
                f"form-{index}-id": component.pk,
                f"form-{index}-code": component.code,
                f"form-{index}-title": component.title,
                f"form-{index}-description": "",
                f"form-{index}-weight": "0.5",
                f"form-{index}-graded_by": component.graded_by,
                f"form-{index}-position": index,
            }
        )
    # the blank form for a new component, as the browser sends it
    extra = len(components)
    data.update(
        {f"form-{extra}-{name}": "" for name in ("code", "title", "description", "weight", "graded_by")}
    )
    data[f"form-{extra}-position"] = "0"
    return data


def _url(name, *args):
    return reverse(f"evaluation:{name}", args=args)


CASES.add(
    Case("evaluation:programme", "no programme yet", lambda w: _url("programme"), expect(403, **READERS)),
    Case(
        "evaluation:programme",
        "2026-2027",
        lambda w: tiny_programme() and _url("programme") + "?annee=2026",
        expect(403, **READERS),
    ),
    Case(
        "evaluation:programme_start",
        "from the seed",
        lambda w: _url("programme_start", 2026),
        staff_only(302),
        method="post",
        data=lambda w: {"source": "seed"},
        unchanged=lambda w: Programme.objects.count(),
    ),
    Case(
        "evaluation:programme_copy",
        "confirmation",
        lambda w: tiny_programme() and _url("programme_copy", 2026),
        staff_only(),
    ),
    Case(
        "evaluation:programme_copy",
        "post",
        lambda w: tiny_programme() and _url("programme_copy", 2026),
        staff_only(302),
        method="post",
        unchanged=lambda w: Programme.objects.count(),
    ),
    Case(
        "evaluation:programme_rules",
        "",
        lambda w: tiny_programme() and _url("programme_rules", 2026),
        staff_only(),
    ),
    Case(
        "evaluation:programme_rules",
        "post",
        lambda w: tiny_programme() and _url("programme_rules", 2026),
        staff_only(302),
        method="post",
        data=lambda w: {
            "pass_mark": "10",
            "modules_compensate": "on",
            "eliminatory_below": "6",
            "year_compensation": "on",
            "compensation_floor": "8",
            "year_average_weights": "ects",
            "resit_rule": "capped",
            "resit_cap": "12",
        },
        unchanged=_programme_state,
    ),
    Case(
        "evaluation:programme_unit_add",
        "",
        lambda w: tiny_programme() and _url("programme_unit_add", 2026),
        staff_only(),
    ),
    Case(
        "evaluation:programme_unit_add",
        "post",
        lambda w: tiny_programme() and _url("programme_unit_add", 2026),
        staff_only(302),
        method="post",
        data=lambda w: {"study_year": 3, "code": "CI", "title": "Culture", "ects": 10, "position": 2},
        unchanged=_units_state,
    ),
    Case(
        "evaluation:programme_unit_edit",
        "",
        lambda w: _url("programme_unit_edit", tiny_programme().unit.pk),
        staff_only(),
    ),
    Case(
        "evaluation:programme_unit_edit",
        "post",
        lambda w: _url("programme_unit_edit", tiny_programme().unit.pk),
        staff_only(302),
        method="post",
        data=lambda w: {"code": "TI", "title": "Techniques", "ects": 14, "position": 1},
        unchanged=_units_state,
    ),
    Case(
        "evaluation:programme_components",
        "",
        lambda w: _url("programme_components", tiny_programme().company_unit.pk),
        staff_only(),
    ),
    Case(
        "evaluation:programme_components",
        "post",
        lambda w: _url("programme_components", tiny_programme().company_unit.pk),
        staff_only(302),
        method="post",
        data=_components_data,
        unchanged=_components_state,
    ),
    Case(
        "evaluation:programme_module_add",
        "",
        lambda w: _url("programme_module_add", 2026) + f"?ue={tiny_programme().unit.pk}",
        staff_only(),
    ),
    Case(
        "evaluation:programme_module_add",
        "post",
        lambda w: tiny_programme() and _url("programme_module_add", 2026),
        staff_only(302),
        method="post",
        data=_module_data,
        unchanged=_modules_state,
    ),
    Case(
        "evaluation:programme_module_edit",
        "",
        lambda w: _url("programme_module_edit", tiny_programme().module.pk),
        staff_only(),
    ),
    Case(
        "evaluation:programme_module_edit",
        "post",
        lambda w: _url("programme_module_edit", tiny_programme().module.pk),
        staff_only(302),
        method="post",
        data=lambda w: {**_module_data(w), "code": "TI2-01"},
        unchanged=_modules_state,
    ),
    Case(
        "evaluation:programme_module_delete",
        "confirmation",
        lambda w: _url("programme_module_delete", tiny_programme().module.pk),
        staff_only(),
    ),
    Case(
        "evaluation:programme_module_delete",
        "post",
        lambda w: _url("programme_module_delete", tiny_programme().module.pk),
        staff_only(302),
        method="post",
        unchanged=_modules_state,
    ),
    Case(
        "evaluation:programme_assessment_add",
        "",
        lambda w: _url("programme_assessment_add", tiny_programme().module.pk),
        staff_only(),
    ),
    Case(
        "evaluation:programme_assessment_add",
        "post",
        lambda w: _url("programme_assessment_add", tiny_programme().module.pk),
        staff_only(302),
        method="post",
        data=lambda w: {
            "title": "Rattrapage",
            "weight": "1",
            "out_of": "20",
            "is_resit": "on",
            "position": 3,
        },
        unchanged=_assessments_state,
    ),
    Case(
        "evaluation:programme_assessment_edit",
        "",
        lambda w: _url("programme_assessment_edit", tiny_programme().assessment.pk),
        staff_only(),
    ),
    Case(
        "evaluation:programme_assessment_edit",
        "post",
        lambda w: _url("programme_assessment_edit", tiny_programme().assessment.pk),
        staff_only(302),
        method="post",
        data=lambda w: {"title": "Partiel", "weight": "0.5", "out_of": "20", "position": 1},
        unchanged=_assessments_state,
    ),
    Case(
        "evaluation:programme_assessment_delete",
        "confirmation",
        lambda w: _url("programme_assessment_delete", tiny_programme().assessment.pk),
        staff_only(),
    ),
    Case(
        "evaluation:programme_assessment_delete",
        "post",
        lambda w: _url("programme_assessment_delete", tiny_programme().assessment.pk),
        staff_only(302),
        method="post",
        unchanged=_assessments_state,
    ),
    Case(
        "evaluation:programme_xlsx",
        "",
        lambda w: tiny_programme() and _url("programme_xlsx", 2026),
        staff_only(),
    ),
    Case(
        "evaluation:programme_import",
        "",
        lambda w: tiny_programme() and _url("programme_import", 2026),
        staff_only(),
    ),
    Case(
        "evaluation:programme_import",
        "no programme yet: back to the page",
        lambda w: _url("programme_import", 2025),
        staff_only(302),
    ),
)
