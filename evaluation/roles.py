"""The module teacher's role comes from teaching a module as well as from the group."""

from apprentissage.dashboard import role_provider
from apprentissage.enums import Role
from evaluation.rules import teaches_a_module


@role_provider
def module_teacher(user) -> set[str]:
    return {Role.MODULE_TEACHER} if teaches_a_module(user) else set()
