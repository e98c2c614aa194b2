"""Every predicate over every persona, and the selectors agree with the predicates."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from apprentissage import rules as access
from apprentissage.enums import Role
from apprentissage.selectors import followed_apprenticeships, roles_of, visible_apprenticeships

from .conftest import PERSONAS

LINKED = {"apprentice", "company_tutor", "company_contact", "school_tutor", "option_lead"}
PROGRAM_STAFF = {"scolarite", "midisup", "admin"}


def user_of(world, persona):
    return world[persona] or AnonymousUser()


@pytest.mark.parametrize("persona", PERSONAS)
def test_view_own_apprenticeship(world, persona):
    allowed = persona in LINKED | PROGRAM_STAFF
    assert user_of(world, persona).has_perm("apprentissage.view_apprenticeship", world.own) is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_view_someone_elses_apprenticeship(world, persona):
    allowed = persona in PROGRAM_STAFF
    assert user_of(world, persona).has_perm("apprentissage.view_apprenticeship", world.other) is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_change_apprenticeship_is_scolarite_only(world, persona):
    # Django grants every permission to active superusers (IT staff), by design.
    allowed = persona in {"scolarite", "admin"}
    assert user_of(world, persona).has_perm("apprentissage.change_apprenticeship", world.own) is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_nobody_deletes_an_apprenticeship_but_a_superuser(world, persona):
    allowed = persona == "admin"
    assert user_of(world, persona).has_perm("apprentissage.delete_apprenticeship", world.own) is allowed


@pytest.mark.parametrize("persona", PERSONAS)
def test_manage_people(world, persona):
    allowed = persona in {"scolarite", "admin"}
    assert user_of(world, persona).has_perm("apprentissage.manage_people") is allowed


def test_predicates_are_false_for_missing_objects(world):
    user = world["apprentice"]
    for predicate in (
        access.is_apprentice_of,
        access.is_company_tutor_of,
        access.is_school_tutor_of,
        access.is_option_lead_of,
        access.is_company_contact_of,
    ):
        assert predicate(user, None) is False


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_apprenticeships_agree_with_the_view_permission(world, persona):
    user = user_of(world, persona)
    visible = set(visible_apprenticeships(user))
    for apprenticeship in (world.own, world.other):
        assert (apprenticeship in visible) is user.has_perm(
            "apprentissage.view_apprenticeship", apprenticeship
        )


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("candidate", [Role.CANDIDATE]),
        ("apprentice", [Role.APPRENTICE]),
        ("company_tutor", [Role.COMPANY_TUTOR]),
        ("company_contact", [Role.COMPANY_CONTACT]),
        ("school_tutor", [Role.SCHOOL_TUTOR]),
        ("option_lead", [Role.SCHOOL_TUTOR, Role.OPTION_LEAD]),
        ("scolarite", [Role.SCOLARITE]),
        ("midisup", [Role.MIDISUP]),
        ("admin", [Role.ADMIN]),
        ("outsider", []),
        ("anonymous", []),
    ],
)
def test_roles_of(world, persona, expected):
    assert roles_of(user_of(world, persona)) == expected


def test_one_person_can_hold_several_roles(world):
    tutor = world["company_tutor"]
    lead = world.own.option
    lead.lead = tutor
    lead.save()
    assert roles_of(tutor) == [Role.COMPANY_TUTOR, Role.OPTION_LEAD]


@pytest.mark.parametrize("persona", sorted(LINKED - {"apprentice"}))
def test_followers_follow_only_their_apprentices(world, persona):
    assert list(followed_apprenticeships(world[persona])) == [world.own]


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_manage_is_scolarite_or_admin_for_every_staff_permission(world, persona):
    user = user_of(world, persona)
    allowed = persona in {"scolarite", "admin"}
    assert access.can_manage(user) is allowed
    for perm in ("apprentissage.manage_people", "recruitment.manage"):
        assert rules.has_perm(perm, user) is allowed, perm
