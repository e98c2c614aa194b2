"""The apprenticeship page's panels registry (apprentissage/panels.py): planning's (next
return to school, links to the calendar and the TAPE follow-up) and recruitment's (the
dossier the apprenticeship came from), each shown to whom it is for, in constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprentissage import panels
from apprentissage.models import SchoolYear

from . import factories as f
from .planning.conftest import K, plan

PAGE_VIEWERS = [
    "apprentice",
    "company_tutor",
    "company_contact",
    "school_tutor",
    "option_lead",
    "scolarite",
    "midisup",
    "admin",
]
# The world's dossier: candidate persona's, with the company contact, in GenIndus (led by the
# option lead), not yet handed to MidiSup.
DOSSIER_VIEWERS = {"company_contact", "option_lead", "scolarite", "admin"}


def _detail(client, apprenticeship):
    response = client.get(reverse("apprenticeship_detail", args=[apprenticeship.pk]))
    assert response.status_code == 200
    return response


def _titles(response) -> list[str]:
    return [panel.title for panel in response.context["panels"]]


@pytest.mark.parametrize("persona", PAGE_VIEWERS)
def test_planning_panel_links_to_the_calendar_and_tape_follow_up_for_every_follower(world, login, persona):
    plan(SchoolYear.objects.get(start_year=2026), 2, {49: K.SCHOOL})  # own: cohort 2025, 2A

    response = _detail(login(world[persona]), world.own)

    panel = next(p for p in response.context["panels"] if p.template.startswith("planning/"))
    assert str(panel.data["next_return"]) == "2026-11-30"  # Monday of week 49 (today: 24/11/2026)
    page = response.content.decode()
    assert reverse("planning:apprentice_calendar", args=[world.own.pk]) in page
    assert reverse("planning:tape_followup", args=[world.own.pk]) in page


@pytest.mark.parametrize("persona", PAGE_VIEWERS)
def test_recruitment_panel_shows_the_dossier_to_those_who_may_open_it(world, login, persona):
    world.dossier.apprenticeship = world.own
    world.dossier.save()

    response = _detail(login(world[persona]), world.own)

    url = reverse("recruitment:dossier_detail", args=[world.dossier.pk])
    shown = any(p.template.startswith("recruitment/") for p in response.context["panels"])
    assert shown == (persona in DOSSIER_VIEWERS)
    assert (url in response.content.decode()) == shown


def test_an_apprenticeship_without_dossier_has_no_recruitment_panel(world, login):
    response = _detail(login(world["scolarite"]), world.own)

    assert [p.template.split("/")[0] for p in response.context["panels"]] == ["planning", "lea"]


def test_panels_come_in_their_order_and_a_new_app_adds_one_without_touching_the_page(world, login):
    world.dossier.apprenticeship = world.own
    world.dossier.save()

    @panels.apprenticeship_panel(
        order=15, title="LEA", template="recruitment/includes/apprenticeship_panel.html"
    )
    def lea_panel(request, apprenticeship):
        return {"dossier": world.dossier, "url": "/lea/"} if request.user.is_superuser else None

    try:
        admin = [
            p.template.split("/")[0] for p in _detail(login(world["admin"]), world.own).context["panels"]
        ]
        scolarite = _titles(_detail(login(world["scolarite"]), world.own))
    finally:
        panels._panels.pop()

    assert admin == ["recruitment", "recruitment", "planning", "lea"]  # 10, 15 (the new one), 20, 30
    assert "LEA" not in scolarite and len(scolarite) == 3


def test_the_page_queries_do_not_grow_with_school_periods_or_dossiers(world, login):
    # Arrange: one apprenticeship bare, one with a dossier and many school periods
    client = login(world["scolarite"])
    bare = f.ApprenticeshipFactory(company=world.own.company, option=world.own.option)
    _detail(client, bare)  # the session's save after signing in
    with CaptureQueriesContext(connection) as before:
        _detail(client, bare)
    world.dossier.apprenticeship = world.own
    world.dossier.save()
    plan(SchoolYear.objects.get(start_year=2026), 2, {n: K.SCHOOL for n in (49, 51, 2, 4, 6, 8, 10, 12)})
    for _ in range(5):
        f.ApprenticeshipFactory(company=world.own.company, option=world.own.option)

    # Act
    with CaptureQueriesContext(connection) as after:
        response = _detail(client, world.own)

    # Assert: the same queries (the dossier panel: 1; the calendar panel: school years 1,
    # their weeks 1 each; the booklet panel: the latest fiche 1), whatever is in them
    assert len(response.context["panels"]) == 3
    assert len(after) == len(before)


def test_the_page_reads_the_enrolments_once(world, login):
    """The study year in the header and the calendar panel's next return share one read."""
    client = login(world["scolarite"])
    _detail(client, world.own)  # the session's save after signing in
    with CaptureQueriesContext(connection) as queries:
        _detail(client, world.own)
    enrolments = [q["sql"] for q in queries.captured_queries if 'FROM "apprentissage_enrolment"' in q["sql"]]
    assert len(enrolments) == 1, enrolments
