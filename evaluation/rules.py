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
