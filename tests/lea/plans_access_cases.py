"""The yearly missions, project dossier, framework and deadlines pages in the access matrix
(registered by tests/test_access_matrix.py). world.own: 2A GenIndus, led by the option lead."""

from django.urls import reverse

from lea.models import Competency, CompetencyBlock, Deadline, ProjectDossier, YearlyPlan

from ..access import CASES, Case, expect, staff_only
from .plans_helpers import COMPLETE_PLAN, COMPLETE_PROJECT, documents_of, fill

NOT_LINKED = dict(midisup=404, candidate=404, module_teacher=404, outsider=404)
READERS = dict(apprentice=200, company_tutor=200, school_tutor=200, option_lead=200, scolarite=200, admin=200)


def _plan(w, **values) -> YearlyPlan:
    return fill(documents_of(w.own)[0], **values)


def _project(w, **values) -> ProjectDossier:
    return fill(documents_of(w.own)[1], **values)


def _plan_state(w):
    return list(YearlyPlan.objects.values_list("state", "missions", "version"))


def _project_state(w):
    return list(ProjectDossier.objects.values_list("state", "title", "tutor_remarks", "version"))


def _block(w) -> CompetencyBlock:
    block, _ = CompetencyBlock.objects.get_or_create(name="Bloc d'accès")
    return block


def _competency(w) -> Competency:
    competency, _ = Competency.objects.get_or_create(
        code="ACC1", defaults={"block": _block(w), "label": "Accès"}
    )
    return competency


def _framework_state(w):
    return (
        list(CompetencyBlock.objects.values_list("name", "position")),
        list(Competency.objects.values_list("code", "label", "is_active")),
    )


def _deadlines_data(w) -> dict:
    data = {
        f"d_2026_{study}_{kind}": default
        for study in (1, 2, 3)
        for kind, default in (("missions", "2026-11-15"), ("subject", "2027-01-31"))
    }
    data["d_2026_2_missions"] = "2026-12-01"
    return data


CASES.add(
    # Yearly missions and project description
    Case(
        "lea:plans_to_review",
        "",
        lambda w: reverse("lea:plans_to_review"),
        expect(403, option_lead=200, scolarite=200, admin=200),
    ),
    Case(
        "lea:plan_detail",
        "own",
        lambda w: reverse("lea:plan_detail", args=[_plan(w).pk]),
        expect(404, **READERS, company_contact=200),
    ),
    Case(
        "lea:plan_detail",
        "someone else's",
        lambda w: reverse("lea:plan_detail", args=[documents_of(w.other)[0].pk]),
        expect(404, scolarite=200, admin=200),
    ),
    Case(
        "lea:plan_edit",
        "draft",
        lambda w: reverse("lea:plan_edit", args=[_plan(w).pk]),
        expect(302, apprentice=200, company_tutor=200, **NOT_LINKED),
    ),
    Case(
        "lea:plan_edit",
        "post",
        lambda w: reverse("lea:plan_edit", args=[_plan(w).pk]),
        expect(302, **NOT_LINKED),
        method="post",
        data=lambda w: {**COMPLETE_PLAN, "version": 1},
        unchanged=_plan_state,
    ),
    Case(
        "lea:plan_transition",
        "submit",
        lambda w: reverse("lea:plan_transition", args=[_plan(w, **COMPLETE_PLAN).pk, "submit"]),
        expect(403, apprentice=302, company_tutor=302, **NOT_LINKED),
        method="post",
        unchanged=_plan_state,
    ),
    Case(
        "lea:plan_transition",
        "validate",
        lambda w: reverse(
            "lea:plan_transition", args=[_plan(w, **COMPLETE_PLAN, state="submitted").pk, "validate"]
        ),
        expect(403, option_lead=302, **NOT_LINKED),
        method="post",
        unchanged=_plan_state,
    ),
    # Project subject and dossier de validation: not for a mere company contact
    Case(
        "lea:project_detail",
        "own",
        lambda w: reverse("lea:project_detail", args=[_project(w).pk]),
        expect(404, **READERS),
    ),
    Case(
        "lea:project_detail",
        "someone else's",
        lambda w: reverse("lea:project_detail", args=[documents_of(w.other)[1].pk]),
        expect(404, scolarite=200, admin=200),
    ),
    Case(
        "lea:project_edit",
        "draft",
        lambda w: reverse("lea:project_edit", args=[_project(w).pk]),
        expect(302, apprentice=200, company_contact=404, **NOT_LINKED),
    ),
    Case(
        "lea:project_edit",
        "post",
        lambda w: reverse("lea:project_edit", args=[_project(w).pk]),
        expect(302, company_contact=404, **NOT_LINKED),
        method="post",
        data=lambda w: {**COMPLETE_PROJECT, "version": 1},
        unchanged=_project_state,
    ),
    Case(
        "lea:project_tutor_edit",
        "submitted",
        lambda w: reverse(
            "lea:project_tutor_edit", args=[_project(w, **COMPLETE_PROJECT, state="submitted").pk]
        ),
        expect(302, company_tutor=200, company_contact=404, **NOT_LINKED),
    ),
    Case(
        "lea:project_tutor_edit",
        "post",
        lambda w: reverse(
            "lea:project_tutor_edit", args=[_project(w, **COMPLETE_PROJECT, state="submitted").pk]
        ),
        expect(302, company_contact=404, **NOT_LINKED),
        method="post",
        data=lambda w: {"tutor_remarks": "Remarque", "version": 1},
        unchanged=_project_state,
    ),
    Case(
        "lea:project_transition",
        "submit",
        lambda w: reverse("lea:project_transition", args=[_project(w, **COMPLETE_PROJECT).pk, "submit"]),
        expect(403, apprentice=302, company_contact=404, **NOT_LINKED),
        method="post",
        unchanged=_project_state,
    ),
    Case(
        "lea:project_transition",
        "validate",
        lambda w: reverse(
            "lea:project_transition", args=[_project(w, **COMPLETE_PROJECT, state="endorsed").pk, "validate"]
        ),
        expect(403, school_tutor=302, company_contact=404, **NOT_LINKED),
        method="post",
        unchanged=_project_state,
    ),
    Case(
        "lea:project_pdf",
        "own",
        lambda w: reverse("lea:project_pdf", args=[_project(w).pk]),
        expect(404, **READERS),
    ),
    # Scolarité's framework and deadlines
    Case("lea:framework", "", lambda w: reverse("lea:framework"), staff_only()),
    Case("lea:framework_block_add", "", lambda w: reverse("lea:framework_block_add"), staff_only()),
    Case(
        "lea:framework_block_add",
        "post",
        lambda w: reverse("lea:framework_block_add"),
        staff_only(302),
        method="post",
        data=lambda w: {"name": "Nouveau bloc", "position": 2},
        unchanged=_framework_state,
    ),
    Case(
        "lea:framework_block_edit",
        "",
        lambda w: reverse("lea:framework_block_edit", args=[_block(w).pk]),
        staff_only(),
    ),
    Case(
        "lea:framework_competency_add",
        "",
        lambda w: reverse("lea:framework_competency_add", args=[_block(w).pk]),
        staff_only(),
    ),
    Case(
        "lea:framework_competency_edit",
        "post",
        lambda w: reverse("lea:framework_competency_edit", args=[_competency(w).pk]),
        staff_only(302),
        method="post",
        data=lambda w: {"block": _block(w).pk, "code": "ACC1", "label": "Changé", "position": 3},
        unchanged=_framework_state,
    ),
    Case(
        "lea:framework_competency_active",
        "retire",
        lambda w: reverse("lea:framework_competency_active", args=[_competency(w).pk, 0]),
        staff_only(302),
        method="post",
        unchanged=_framework_state,
    ),
    Case("lea:deadlines", "", lambda w: reverse("lea:deadlines"), staff_only()),
    Case(
        "lea:deadlines",
        "post",
        lambda w: reverse("lea:deadlines"),
        staff_only(302),
        method="post",
        data=_deadlines_data,
        unchanged=lambda w: list(Deadline.objects.values_list("study_year", "kind", "due_on")),
    ),
)
