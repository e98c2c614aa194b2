"""Who may do what: the portal's `rules` predicates.

Deny by default: every predicate is False for anonymous users and missing objects.
Relationship predicates compare ids already loaded on the object (no query); role
predicates read a per-request cache of the user's groups (one query).
The selectors in `selectors.py` express the same relationships as querysets; a test
checks that both agree.
"""

import rules

from apprentissage.enums import StaffRole


def cached_per_user(func):
    """A user-only predicate asked several times per request (menu, page) runs its query
    once: the answer is kept on the user object, which lives for one request."""
    attribute = f"_rules_cache_{func.__module__}_{func.__name__}"

    def wrapper(user) -> bool:
        if not user or not user.is_authenticated:
            return False
        if not hasattr(user, attribute):
            setattr(user, attribute, bool(func(user)))
        return getattr(user, attribute)

    wrapper.__name__ = func.__name__
    return wrapper


def staff_roles(user) -> frozenset[str]:
    """Names of the staff groups of `user`, cached on the user object for the request."""
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_staff_roles_cache", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._staff_roles_cache = cached
    return cached


def company_ids_of_contact(user) -> frozenset[int]:
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_contact_company_ids_cache", None)
    if cached is None:
        cached = frozenset(user.company_contacts.values_list("company_id", flat=True))
        user._contact_company_ids_cache = cached
    return cached


@rules.predicate
def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


@rules.predicate
def is_scolarite(user) -> bool:
    return StaffRole.SCOLARITE in staff_roles(user)


@rules.predicate
def is_midisup(user) -> bool:
    return StaffRole.MIDISUP in staff_roles(user)


@rules.predicate
def is_school_staff(user) -> bool:
    return StaffRole.SCHOOL_TUTOR in staff_roles(user)


@rules.predicate
def is_apprentice_of(user, apprenticeship) -> bool:
    return bool(apprenticeship and user.is_authenticated and apprenticeship.apprentice_id == user.pk)


@rules.predicate
def is_company_tutor_of(user, apprenticeship) -> bool:
    return bool(apprenticeship and user.is_authenticated and apprenticeship.company_tutor_id == user.pk)


@rules.predicate
def is_school_tutor_of(user, apprenticeship) -> bool:
    return bool(apprenticeship and user.is_authenticated and apprenticeship.school_tutor_id == user.pk)


@rules.predicate
def is_option_lead_of(user, apprenticeship) -> bool:
    return bool(apprenticeship and user.is_authenticated and apprenticeship.option.lead_id == user.pk)


@rules.predicate
def is_company_contact_of(user, apprenticeship) -> bool:
    return bool(apprenticeship and apprenticeship.company_id in company_ids_of_contact(user))


is_follower_of = is_company_tutor_of | is_school_tutor_of | is_option_lead_of
is_linked_to = is_apprentice_of | is_follower_of | is_company_contact_of
is_program_staff = is_scolarite | is_midisup | is_admin

can_view_apprenticeship = is_linked_to | is_program_staff
# Scolarité's hand on the program (people, recruitment, calendars), and IT administrators'
can_manage = is_scolarite | is_admin


@rules.predicate
@cached_per_user
def follows_apprentices(user) -> bool:
    """Tutor, option lead or company contact of at least one apprenticeship."""
    from django.db.models import Q

    from apprentissage.models import Apprenticeship

    return Apprenticeship.objects.filter(
        Q(company_tutor=user)
        | Q(school_tutor=user)
        | Q(option__lead=user)
        | Q(company_id__in=company_ids_of_contact(user))
    ).exists()


rules.add_perm("apprentissage.manage_people", can_manage)
rules.add_perm("apprentissage.view_all_apprenticeships", is_program_staff)
rules.add_perm("apprentissage.view_apprenticeship_list", is_program_staff | follows_apprentices)
rules.add_perm("apprentissage.access_admin", is_admin)
