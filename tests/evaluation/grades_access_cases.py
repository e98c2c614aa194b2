"""The grade pages in the access matrix (registered by tests/test_access_matrix.py): a module's
grid, its saving, template and import are its teachers' and scolarité's (anyone else: 404);
the list of one's modules is the module teachers' and scolarité's (anyone else: 403)."""

from django.urls import reverse

from evaluation.models import Grade, Module

from ..access import CASES, Case, expect
from .grade_helpers import assessments_of, make_module

MANAGERS = dict(scolarite=200, admin=200)
TEACHERS = dict(module_teacher=200, **MANAGERS)


def _taught(w) -> Module:
    """A 2A module the module teacher persona teaches (world.own is graded in it)."""
    module = Module.objects.filter(teachers=w["module_teacher"]).first()
    return module or make_module(teachers=[w["module_teacher"]])


def _untaught(w) -> Module:
    """A module none of the personas teaches."""
    module = Module.objects.filter(teachers=None).first()
    return module or make_module()


def _cell(w) -> dict:
    module = _taught(w)
    first = assessments_of(module)[0]
    enrolment = w.own.enrolments.get(school_year__start_year=2026)
    return {"assessment": first.pk, "enrolment": enrolment.pk, "text": "12,5", "version": "0"}


def _grades(w):
    return list(Grade.objects.values_list("assessment", "enrolment", "value", "special", "version"))


def _grid_post(w) -> dict:
    cell = _cell(w)
    key = f"{cell['assessment']}-{cell['enrolment']}"
    return {f"c-{key}": "13", f"v-{cell['enrolment']}": f"{cell['assessment']}:0"}


CASES.add(
    Case(
        "evaluation:my_modules",
        "",
        lambda w: reverse("evaluation:my_modules"),
        expect(403, module_teacher=200, **MANAGERS),
    ),
    Case(
        "evaluation:grade_grid",
        "a module the module teacher teaches",
        lambda w: reverse("evaluation:grade_grid", args=[_taught(w).pk]),
        expect(404, **TEACHERS),
    ),
    Case(
        "evaluation:grade_grid",
        "a module nobody here teaches",
        lambda w: reverse("evaluation:grade_grid", args=[_untaught(w).pk]),
        expect(404, **MANAGERS),
    ),
    Case(
        "evaluation:grade_grid",
        "the whole grid posted",
        lambda w: reverse("evaluation:grade_grid", args=[_taught(w).pk]),
        expect(404, module_teacher=302, scolarite=302, admin=302),
        method="post",
        data=_grid_post,
        unchanged=_grades,
    ),
    Case(
        "evaluation:grade_save",
        "a cell of the module teacher's module",
        lambda w: reverse("evaluation:grade_save", args=[_taught(w).pk]),
        expect(404, **TEACHERS),
        method="post",
        data=_cell,
        unchanged=_grades,
    ),
    Case(
        "evaluation:grade_save",
        "a cell of a module nobody here teaches",
        lambda w: reverse("evaluation:grade_save", args=[_untaught(w).pk]),
        expect(404, **MANAGERS),
        method="post",
        data=lambda w: {
            "assessment": assessments_of(_untaught(w))[0].pk,
            "enrolment": w.own.enrolments.get(school_year__start_year=2026).pk,
            "text": "12",
            "version": "0",
        },
        unchanged=_grades,
    ),
    Case(
        "evaluation:grade_template",
        "",
        lambda w: reverse("evaluation:grade_template", args=[_taught(w).pk]),
        expect(404, **TEACHERS),
    ),
    Case(
        "evaluation:grade_import",
        "",
        lambda w: reverse("evaluation:grade_import", args=[_taught(w).pk]),
        expect(404, **TEACHERS),
    ),
)
