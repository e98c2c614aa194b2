"""Who may read and write what in evaluation. Deny by default; a grade page of someone one may
not see answers 404 (apprentissage.permissions.get_object_for_user_or_404).

- Scolarité: everything; it edits the programme and runs the juries.
- Module teachers: their modules' grade grids (`Module.teachers`), nothing else of grades.
- School staff (school tutors, option leads, teachers): read the programme.
- MidiSup: nothing of grades."""

import rules
from django.db.models import OuterRef

from apprentissage.enums import StaffRole
from apprentissage.rules import can_manage, is_school_staff, staff_roles, user_fact


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
