"""Who may read and write what in evaluation. Deny by default; a grade page of someone one may
not see answers 404 (apprentissage.permissions.get_object_for_user_or_404).

- Scolarité: everything; it edits the programme and runs the juries.
- Module teachers: their modules' grade grids (`Module.teachers`), nothing else of grades.
- School staff (school tutors, option leads, teachers): read the programme.
- MidiSup: nothing of grades."""

import rules
from django.db.models import OuterRef

from apprentissage.enums import StaffRole
from apprentissage.rules import (
    can_manage,
    is_an_apprentice,
    is_apprentice_of,
    is_company_tutor_of,
    is_option_lead_of,
    is_school_staff,
    is_school_tutor_of,
    leads_an_option,
    staff_roles,
    user_fact,
)


def _teaches_rows():
    from evaluation.models import Module

    return Module.teachers.through.objects.filter(user=OuterRef("pk"))


teaches_a_module = user_fact("evaluation.teaches_a_module", _teaches_rows)


@rules.predicate
def is_module_teacher(user) -> bool:
    return teaches_a_module(user) or StaffRole.MODULE_TEACHER in staff_roles(user)


@rules.predicate
def teaches(user, module) -> bool:
    """`module` is taught by `user` (its teachers prefetched or one query)."""
    if not module or not user.is_authenticated:
        return False
    cache = getattr(module, "_prefetched_objects_cache", {})
    if "teachers" in cache:
        return any(teacher.pk == user.pk for teacher in cache["teachers"])
    return module.teachers.filter(pk=user.pk).exists()


rules.add_perm("evaluation.view_programme", can_manage | is_school_staff | is_module_teacher)
rules.add_perm("evaluation.manage_programme", can_manage)
rules.add_perm("evaluation.view_my_modules", is_module_teacher | can_manage)
# A module's grade grid (object: the module)
rules.add_perm("evaluation.enter_grades", teaches | can_manage)


# --- Juries and results ---------------------------------------------------------------------
@rules.predicate
def leads_the_sessions_option(user, session) -> bool:
    """An option lead follows the juries of their option (and those of every option)."""
    if not session or not user.is_authenticated:
        return False
    if session.option_id is None:
        return leads_an_option(user)
    return session.option.lead_id == user.pk


def _of_enrolment(predicate, name):
    @rules.predicate(name=name)
    def of_enrolment(user, enrolment) -> bool:
        return bool(enrolment) and predicate(user, enrolment.apprenticeship)

    return of_enrolment


is_own_enrolment = _of_enrolment(is_apprentice_of, "evaluation_is_own_enrolment")
tutors_enrolment_at_school = _of_enrolment(is_school_tutor_of, "evaluation_tutors_enrolment_at_school")
tutors_enrolment_in_company = _of_enrolment(is_company_tutor_of, "evaluation_tutors_enrolment_in_company")
leads_enrolments_option = _of_enrolment(is_option_lead_of, "evaluation_leads_enrolments_option")

rules.add_perm("evaluation.manage_juries", can_manage)
rules.add_perm("evaluation.view_juries", can_manage | leads_an_option)
rules.add_perm("evaluation.view_jury", can_manage | leads_the_sessions_option)
# An apprentice's results of one year (object: the enrolment); the apprentice sees them once
# published (before: their grades marked provisional); the company tutor the Unité
# Entreprise only, once published (evaluation.views.results decides what is shown).
rules.add_perm(
    "evaluation.view_results",
    is_own_enrolment | tutors_enrolment_at_school | leads_enrolments_option | can_manage,
)
rules.add_perm("evaluation.view_company_unit_results", tutors_enrolment_in_company)
rules.add_perm(
    "evaluation.download_transcript",
    is_own_enrolment | tutors_enrolment_at_school | leads_enrolments_option | can_manage,
)
rules.add_perm("evaluation.view_my_results", is_an_apprentice)
rules.add_perm("evaluation.view_grade_audit", can_manage)
# --- The Unité Entreprise graded online (evaluation/company_unit.py, evaluation/defences.py) ---
# Objects: an Enrolment; a Slot (enrolment, component, role); a ReportFile or a Defence (each
# has `enrolment`). The enrolment's apprenticeship is loaded with its option (no query here).
from apprentissage import rules as core  # noqa: E402


def _uw_apprenticeship(obj):
    enrolment = getattr(obj, "enrolment", obj)
    return enrolment.apprenticeship if enrolment else None


def _on_apprenticeship(predicate, name):
    @rules.predicate(name=name)
    def on(user, obj) -> bool:
        return bool(obj) and predicate(user, _uw_apprenticeship(obj))

    return on


uw_apprentice = _on_apprenticeship(core.is_apprentice_of, "uw_is_apprentice")
uw_company_tutor = _on_apprenticeship(core.is_company_tutor_of, "uw_is_company_tutor")
uw_school_tutor = _on_apprenticeship(core.is_school_tutor_of, "uw_is_school_tutor")
uw_option_lead = _on_apprenticeship(core.is_option_lead_of, "uw_is_option_lead")


@rules.predicate(name="uw_results_published")
def uw_results_published(user, obj) -> bool:
    from evaluation.company_unit import results_published

    return bool(obj) and results_published(getattr(obj, "enrolment", obj))


def _graded_by(*kinds):
    @rules.predicate(name=f"uw_graded_by_{'_'.join(kinds)}")
    def graded_by(user, slot) -> bool:
        return bool(slot) and slot.component.graded_by in kinds

    return graded_by


def _as(role):
    @rules.predicate(name=f"uw_as_{role}")
    def as_role(user, slot) -> bool:
        return bool(slot) and slot.role == role

    return as_role


@rules.predicate(name="uw_sits_on_the_defence")
def sits_on_the_defence(user, defence) -> bool:
    return (
        bool(defence)
        and user.is_authenticated
        and user.pk
        in (
            defence.company_tutor_id,
            defence.school_tutor_id,
            defence.option_lead_id,
        )
    )


_report = _graded_by("school_tutor")
_project = _graded_by("project_jury")
_behaviour = _graded_by("company_tutor")

rules.add_perm("evaluation.view_my_company_unit", core.is_an_apprentice)
# One apprentice's Unité Entreprise page (object: the enrolment)
rules.add_perm(
    "evaluation.view_company_unit",
    uw_apprentice | uw_company_tutor | uw_school_tutor | uw_option_lead | can_manage,
)
# Its grades: the school's graders always (provisional until published); the apprentice and
# the company tutor once the jury's results are published.
rules.add_perm(
    "evaluation.view_company_unit_grades",
    uw_school_tutor
    | uw_option_lead
    | can_manage
    | ((uw_apprentice | uw_company_tutor) & uw_results_published),
)
# Reports (object: a slot; a ReportFile to download it)
rules.add_perm("evaluation.upload_report", uw_apprentice & _report)
rules.add_perm("evaluation.download_report", uw_apprentice | uw_school_tutor | uw_option_lead | can_manage)
rules.add_perm("evaluation.grade_report", (uw_school_tutor | can_manage) & _report)
# Rubrics (object: a slot with its role): each jury member as themselves, the agreed scores by
# the school tutor or scolarité, the behaviour by the company tutor alone.
rules.add_perm(
    "evaluation.score_rubric",
    (_as("company_tutor") & uw_company_tutor & (_project | _behaviour))
    | (_as("school_tutor") & uw_school_tutor & _project)
    | (_as("option_lead") & uw_option_lead & _project)
    | (_as("agreed") & (uw_school_tutor | can_manage) & _project),
)
rules.add_perm("evaluation.reopen_behaviour", can_manage & _behaviour)
# What waits for a tutor or an option lead
rules.add_perm(
    "evaluation.view_to_grade", core.tutors_in_a_company | core.tutors_at_school | core.leads_an_option
)
# Scolarité: the reports' deadlines and the defences
rules.add_perm("evaluation.manage_report_deadlines", can_manage)
rules.add_perm("evaluation.manage_defences", can_manage)
# Their menu entries: scolarité's (IT administrators open the pages, their menu stays theirs:
# one more group in their menu bar would no longer fit at 1200 px).
rules.add_perm("evaluation.scolarite_menu", core.is_scolarite)
# A defence's calendar file (object: the defence): the apprentice, its jury, scolarité
rules.add_perm("evaluation.view_defence", uw_apprentice | sits_on_the_defence | can_manage)
