"""Who may do what: the portal's `rules` predicates.

Deny by default: every predicate is False for anonymous users and missing objects.
Relationship predicates compare ids already loaded on the object (no query); role
predicates ("is scolarité", "leads an option") are user facts (`user_fact`): all of them,
from every app, are answered by one query per request.
The selectors in `selectors.py` express the same relationships as querysets; a test
checks that both agree.
"""

from collections.abc import Callable

import rules
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet

from apprentissage.enums import StaffRole

_user_facts: dict[str, Callable[[], QuerySet]] = {}


def user_fact(name: str, rows: Callable[[], QuerySet]) -> rules.Predicate:
    """A yes/no fact about a user ("is a candidate", "leads an option") as a predicate.
    `rows()` returns the rows that make it true, filtered on `OuterRef("pk")` (the user).
    Every fact of every app is answered by ONE query (an EXISTS each) the first time any
    is asked for a user, and kept on the user object, which lives for one request."""
    _user_facts[name] = rows

    def predicate(user) -> bool:
        return facts_of(user).get(name, False)

    return rules.predicate(predicate, name=name)


def facts_of(user) -> dict[str, bool]:
    if not user or not user.is_authenticated:
        return {}
    cached = getattr(user, "_user_facts_cache", None)
    if cached is None or len(cached) != len(_user_facts):
        names, using, sql, params = _facts_query()
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [user.pk if param == _ANY_USER else param for param in params])
            values = cursor.fetchone()
        cached = dict(zip(names, [bool(v) for v in values] if values else [False] * len(names), strict=True))
        user._user_facts_cache = cached
    return cached


# The facts' query is the same for every user but their id: the ORM builds and compiles it
# (a dozen EXISTS, several milliseconds of CPU) once per process and set of facts, with this
# id where the user's goes.
_ANY_USER = -918_273_645
_facts_queries: dict[tuple, tuple] = {}


def _facts_query() -> tuple[list[str], str, str, tuple]:
    key = tuple(_user_facts.items())
    compiled = _facts_queries.get(key)
    if compiled is None:
        from django.contrib.auth import get_user_model

        names = list(_user_facts)
        aliases = {f"fact_{index}": Exists(_user_facts[name]()) for index, name in enumerate(names)}
        model = get_user_model()
        using = router.db_for_read(model)
        rows = model._default_manager.using(using).filter(pk=_ANY_USER).annotate(**aliases)
        sql, params = rows.order_by().values_list(*aliases).query.sql_with_params()
        compiled = _facts_queries[key] = (names, using, sql, params)
    return compiled


def _group(role: str) -> Callable[[], QuerySet]:
    def rows():
        from django.contrib.auth.models import Group

        return Group.objects.filter(user=OuterRef("pk"), name=role)

    return rows


for _role in StaffRole:
    user_fact(f"apprentissage.in_group_{_role.value}", _group(_role))


_GROUP_FACTS = tuple((role, f"apprentissage.in_group_{role.value}") for role in StaffRole)


def staff_roles(user) -> frozenset[str]:
    """The staff roles (`StaffRole` groups) of `user`, from the user's facts (one query per
    request for every fact)."""
    facts = facts_of(user)
    return frozenset(role for role, fact in _GROUP_FACTS if facts.get(fact))


def _in_group_fact(role: StaffRole) -> Callable[[object], bool]:
    fact = f"apprentissage.in_group_{role.value}"

    def in_group(user) -> bool:
        return facts_of(user).get(fact, False)

    return in_group


def _related(model_name: str, field: str) -> Callable[[], QuerySet]:
    def rows():
        from django.apps import apps

        return apps.get_model("apprentissage", model_name).objects.filter(**{field: OuterRef("pk")})

    return rows


# The links that make the roles of `selectors.roles_of` (home page), as user facts: answered
# with every other fact, in the request's one query.
is_an_apprentice = user_fact("apprentissage.is_an_apprentice", _related("Apprenticeship", "apprentice"))
tutors_in_a_company = user_fact(
    "apprentissage.tutors_in_a_company", _related("Apprenticeship", "company_tutor")
)
tutors_at_school = user_fact("apprentissage.tutors_at_school", _related("Apprenticeship", "school_tutor"))
# Leads an option (with or without apprentices yet).
leads_an_option = user_fact("apprentissage.leads_an_option", _related("Option", "lead"))
is_a_company_contact = user_fact("apprentissage.is_a_company_contact", _related("CompanyContact", "user"))
has_a_tutor_profile = user_fact("apprentissage.has_a_tutor_profile", _related("CompanyTutor", "user"))


def company_ids_of_contact(user) -> frozenset[int]:
    if not user or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_contact_company_ids_cache", None)
    if cached is None and not is_a_company_contact(user):  # no query for most people
        cached = user._contact_company_ids_cache = frozenset()
    if cached is None:
        cached = frozenset(user.company_contacts.values_list("company_id", flat=True))
        user._contact_company_ids_cache = cached
    return cached


@rules.predicate
def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and user.is_superuser)


# The staff roles: the facts `in_group_<role>` (as `staff_roles`, without building the set:
# these predicates are asked many times a page).
is_scolarite = rules.predicate(_in_group_fact(StaffRole.SCOLARITE), name="is_scolarite")
is_midisup = rules.predicate(_in_group_fact(StaffRole.MIDISUP), name="is_midisup")
is_school_staff = rules.predicate(_in_group_fact(StaffRole.SCHOOL_TUTOR), name="is_school_staff")


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


def _followed_apprenticeships():
    from apprentissage.models import Apprenticeship, CompanyContact

    user = OuterRef("pk")
    return Apprenticeship.objects.filter(
        Q(company_tutor=user)
        | Q(school_tutor=user)
        | Q(option__lead=user)
        | Q(company__in=CompanyContact.objects.filter(user=OuterRef(user)).values("company"))
    )


# Tutor, option lead or company contact of at least one apprenticeship.
follows_apprentices = user_fact("apprentissage.follows_apprentices", _followed_apprenticeships)


def _totp_devices():
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)


# Has enrolled a TOTP device (two-factor authentication: apprentissage.middleware).
has_totp_device = user_fact("apprentissage.has_totp_device", _totp_devices)


rules.add_perm("apprentissage.manage_people", can_manage)
rules.add_perm("apprentissage.view_all_apprenticeships", is_program_staff)
rules.add_perm("apprentissage.view_apprenticeship_list", is_program_staff | follows_apprentices)
rules.add_perm("apprentissage.access_admin", is_admin)
