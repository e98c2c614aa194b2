"""Who sees which calendar. Apprentices see theirs; tutors, option leads and company
contacts the calendars of the apprentices they follow (the apprenticeship's view
permission); scolarité manages every calendar."""

import rules

from apprentissage.rules import (
    cached_per_user,
    can_view_apprenticeship,
    company_ids_of_contact,
    is_admin,
    is_scolarite,
)

can_manage_calendars = is_scolarite | is_admin

rules.add_perm("planning.manage_calendars", can_manage_calendars)
rules.add_perm("planning.view_apprentice_calendar", can_view_apprenticeship)
rules.add_perm("planning.view_calendars", rules.is_authenticated)


@rules.predicate
@cached_per_user
def has_an_apprenticeship(user) -> bool:
    return user.apprenticeships.exists()


@rules.predicate
@cached_per_user
def works_for_a_host_company(user) -> bool:
    """Company tutors and company contacts: the "who is at school when" page is theirs."""
    return hasattr(user, "company_tutor_profile") or bool(company_ids_of_contact(user))


rules.add_perm("planning.view_my_calendar", has_an_apprenticeship)
rules.add_perm("planning.view_company_calendar", works_for_a_host_company)
