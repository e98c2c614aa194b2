"""The home page per role: its content, and a query count that does not grow with data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprentissage.enums import StaffRole
from apprentissage.views.home import HOME_FOLLOWED

from . import factories as f


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_apprentice_sees_their_apprenticeship(world, login):
    response = login(world["apprentice"]).get(reverse("home"))
    assert response.context["own_apprenticeships"] == [world.own]
    assert response.context["own_apprenticeships"][0].current_study_year == 2
    assert response.context["followed"] == []
    assert response.context["headcount"] is None
    assert "Aéro Tarn Industries" in response.content.decode()


def test_an_apprentice_who_also_tutors_gets_both_lists_study_years_in_one_query(world, login):
    # An apprentice of 3A tutoring a 1A apprentice in the same company: both lists on the page.
    tutored = f.ApprenticeshipFactory(company=world.own.company, company_tutor=world["apprentice"])
    client = login(world["apprentice"])
    client.get(reverse("home"))  # the first request after signing in saves the session

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))

    assert [a.current_study_year for a in response.context["own_apprenticeships"]] == [2]
    followed = response.context["followed"]
    assert [a.pk for a in followed] == [tutored.pk]
    assert followed[0].current_study_year == tutored.study_year_in(response.context["school_year"])
    # The study years of both lists read together (planning's to-dos read the apprentice's
    # own enrolment apart): one query for both keys, none for the tutored one alone.
    both = f'"apprenticeship_id" IN ({", ".join(str(pk) for pk in sorted([world.own.pk, tutored.pk]))})'
    alone = f'"apprenticeship_id" IN ({tutored.pk})'
    enrolments = [q["sql"] for q in ctx.captured_queries if 'FROM "apprentissage_enrolment"' in q["sql"]]
    assert sum(both in sql for sql in enrolments) == 1, enrolments
    assert not any(alone in sql for sql in enrolments), enrolments


@pytest.mark.parametrize("persona", ["company_tutor", "company_contact", "school_tutor", "option_lead"])
def test_followers_see_only_their_apprentices(world, login, persona):
    response = login(world[persona]).get(reverse("home"))
    assert response.context["followed"] == [world.own]
    page = response.content.decode()
    assert str(world.own.apprentice) in page
    assert str(world.other.apprentice) not in page


@pytest.mark.parametrize("persona", ["scolarite", "midisup", "admin"])
def test_program_staff_see_the_headcount(world, login, persona):
    response = login(world[persona]).get(reverse("home"))
    headcount = response.context["headcount"]
    assert headcount["total"] == 2
    genindus = next(row for row in headcount["rows"] if row["option"].code == "genindus")
    assert genindus["cells"] == [0, 1, 0]  # cohort 2025 is in 2A in 2026-2027


def test_scolarite_todos_list_apprenticeships_without_school_tutor(world, login):
    world.other.school_tutor = None
    world.other.save()
    todos = login(world["scolarite"]).get(reverse("home")).context["todos"]
    assert [t.count for t in todos] == [1]
    assert "sans_tuteur_ecole" in todos[0].url


def test_option_lead_todos_flag_ineligible_tutors(world, login):
    profile = world["company_tutor"].company_tutor_profile
    profile.has_engineering_degree = False
    profile.years_as_engineer = 2
    profile.save()
    todos = login(world["option_lead"]).get(reverse("home")).context["todos"]
    assert [t.count for t in todos] == [1]


def test_outsider_has_no_role_and_is_told_so(world, login):
    response = login(world["outsider"]).get(reverse("home"))
    assert response.context["roles"] == []
    assert response.context["todos"] == []


def _add_apprenticeships(world, count):
    """`count` more apprentices, each linked to every follower persona of `world.own`."""
    for _ in range(count):
        f.ApprenticeshipFactory(
            company=world.own.company,
            company_tutor=world["company_tutor"],
            school_tutor=world["school_tutor"],
            option=world.own.option,
            school_tutor__groups=[StaffRole.SCHOOL_TUTOR],
        )


def _count_home_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(ctx.captured_queries), response


# Queries per role, whatever the number of apprentices. Every request: savepoint and
# release (ATOMIC_REQUESTS), session, user = 4 (the session is saved again only every
# SESSION_REFRESH_SECONDS: the first request after signing in saves it, not the next ones);
# school year (1); the user's facts: one query answering every role predicate of the page
# and of the menu, and every role of `roles_of` (staff groups, apprentice, tutor, option
# lead, company contact, candidate...; apprentissage.rules.user_fact) = 1; own apprenticeship
# (apprentice: 1); followed apprentices, only for those the facts say follow some: their keys
# and total, then their rows (2); the study years of those listed (1, when there are some);
# a company contact's companies (1); unread notifications (1); to-do providers, each asked
# only of those the facts make concerned: core (scolarité and admin: no school tutor,
# invitations 2; option lead: ineligible tutors 1), the workflows' to-dos (company contact:
# dossiers and mission sheets to fill 2, option lead: sheets to validate 1, scolarité or
# MidiSup: the dossiers' counts 1), planning's (scolarité: missed TAPE sessions 1; apprentice:
# sessions to mark: their apprenticeship, school year, enrolment, weeks, sessions, answers 6);
# the headcount for program staff (2); the LEA's company visits (apprentice, tutors: their open
# agreed actions 1; school tutor: reports to write 1, apprentices without a visit 1); the
# menu: nothing more (its permissions are facts).
# Before issue 7 (session saved on every request, menu by has_perm, to-dos by hand):
# 32, 28, 28, 28, 28, 33, 30, 27; after it: 25, 19, 22, 20, 21, 22, 21, 22 (roles_of and the
# to-do providers asked their own queries of everyone). The LEA adds one query per kind of
# document a person acts on (fiches, yearly descriptions, project dossiers, visits, actions).
# Evaluation adds the jury sessions scolarité acts on (1).
EXPECTED_HOME_QUERIES = {
    "apprentice": 19,
    "company_tutor": 14,
    "company_contact": 13,
    "school_tutor": 15,
    "option_lead": 13,
    "scolarite": 14,
    "midisup": 10,
    "admin": 14,
}


@pytest.mark.parametrize("persona", sorted(EXPECTED_HOME_QUERIES))
def test_home_queries_do_not_grow_with_apprentices(world, login, persona):
    client = login(world[persona])
    client.get(reverse("home"))  # the first request after signing in saves the session
    _add_apprenticeships(world, 4)  # 5 rows for the followers
    small, small_response = _count_home_queries(client)
    _add_apprenticeships(world, 45)  # 50 rows
    large, response = _count_home_queries(client)
    assert small == large == EXPECTED_HOME_QUERIES[persona]
    if persona in {"company_tutor", "school_tutor", "option_lead", "company_contact"}:
        # The first HOME_FOLLOWED of 50, and a link to all of them.
        assert len(response.context["followed"]) == HOME_FOLLOWED
        assert response.context["followed_total"] == 50
        link = f'href="{reverse("apprenticeship_list")}"'
        assert response.content.decode().count(link) == small_response.content.decode().count(link) + 1
        assert len(small_response.context["followed"]) == small_response.context["followed_total"] == 5


@pytest.mark.parametrize(
    ("url_name", "persona"),
    [
        ("apprenticeship_list", "scolarite"),
        ("apprenticeship_list", "school_tutor"),
        ("person_list", "scolarite"),
    ],
)
def test_list_queries_do_not_grow(world, login, url_name, persona):
    client = login(world[persona])
    client.get(reverse(url_name))  # the first request after signing in saves the session
    _add_apprenticeships(world, 4)
    with CaptureQueriesContext(connection) as small:
        assert client.get(reverse(url_name)).status_code == 200
    _add_apprenticeships(world, 45)
    with CaptureQueriesContext(connection) as large:
        response = client.get(reverse(url_name))
    assert len(small) == len(large)
    assert len(response.context["page"]) == 50
