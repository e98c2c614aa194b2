"""The booklet page: the timeline of an apprenticeship's follow-up, what each reader sees, its
constant number of queries, and the apprentice's own booklet."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprentissage.models import SchoolYear
from lea.enums import FicheState, PlanState, ProjectState, RiskStatus, VisitState
from planning.enums import WeekKind
from tests import factories as f
from tests.planning.conftest import plan as plan_calendar


def _booklet(login, user, apprenticeship):
    response = login(user).get(reverse("lea:booklet", args=[apprenticeship.pk]))
    assert response.status_code == 200
    return response


def _items(response, kind=None):
    return [i for y in response.context["booklet"].years for i in y.items if kind is None or i.kind == kind]


def test_the_booklet_shows_each_document_with_its_state_next_step_and_pdf(world, login):
    late = f.FicheFactory(apprenticeship=world.own, number=1, due_on=datetime.date(2026, 11, 20))
    f.FicheFactory(apprenticeship=world.own, number=2, state=FicheState.CANCELLED)
    submitted = f.FicheFactory(
        apprenticeship=world.own,
        number=3,
        state=FicheState.SUBMITTED,
        tutor_due_on=datetime.date(2026, 12, 14),
    )
    visit = f.VisitFactory(apprenticeship=world.own, state=VisitState.REPORTED, risk=RiskStatus.AMBER)
    plan = f.YearlyPlanFactory(apprenticeship=world.own, state=PlanState.DRAFT)
    project = f.ProjectDossierFactory(
        apprenticeship=world.own, title="Réduire les rebuts", state=ProjectState.DRAFT
    )

    response = _booklet(login, world["school_tutor"], world.own)

    fiches = {i.obj.pk: i for i in _items(response, "fiche")}
    assert set(fiches) == {late.pk, submitted.pk}  # the cancelled one is not in the booklet
    assert fiches[late.pk].late and fiches[late.pk].due_on == datetime.date(2026, 11, 20)
    assert fiches[submitted.pk].due_on == datetime.date(2026, 12, 14) and not fiches[submitted.pk].late
    assert fiches[late.pk].state == str(FicheState.DRAFT.label)
    assert fiches[late.pk].next_step  # the workflow's text, else the state's words
    assert fiches[late.pk].pdf_url == reverse("lea:fiche_pdf", args=[late.pk])
    (visit_item,) = _items(response, "visit")
    assert visit_item.pdf_url == reverse("lea:visit_pdf", args=[visit.pk])
    (plan_item,) = _items(response, "plan")
    # 2026-2027 missions due by 15/11/2026 (the default setting): today is 24/11.
    assert plan_item.due_on == datetime.date(2026, 11, 15) and plan_item.late
    assert plan_item.url == reverse("lea:plan_detail", args=[plan.pk])
    (project_item,) = _items(response, "project")
    assert project_item.title == "Réduire les rebuts" and not project_item.late  # due 31/01/2027
    assert project_item.pdf_url == reverse("lea:project_pdf", args=[project.pk])
    body = response.content.decode()
    assert reverse("lea:fiche_detail", args=[late.pk]) in body
    assert "badge text-bg-danger" in body  # late marked in words, not colour only
    assert reverse("lea:evidence_export", args=[world.own.pk]) in body  # the school tutor's audit export
    (year,) = [y for y in response.context["booklet"].years if y.school_year.start_year == 2026]
    assert year.study_year == 2 and year.late_count == 2


def test_a_company_contact_sees_plans_and_project_titles_not_fiches_or_visits(world, login):
    fiche = f.FicheFactory(apprenticeship=world.own, concern=True, concern_reason="Absences répétées")
    f.VisitFactory(apprenticeship=world.own)
    f.YearlyPlanFactory(apprenticeship=world.own)
    f.ProjectDossierFactory(apprenticeship=world.own, title="Réduire les rebuts")

    response = _booklet(login, world["company_contact"], world.own)

    assert {i.kind for i in _items(response)} == {"plan", "project"}
    (project_item,) = _items(response, "project")
    assert (
        project_item.title == "Réduire les rebuts" and project_item.url == "" and project_item.pdf_url == ""
    )
    body = response.content.decode()
    assert reverse("lea:fiche_detail", args=[fiche.pk]) not in body
    assert "Absences répétées" not in body
    assert reverse("lea:booklet_export", args=[world.own.pk]) not in body
    assert reverse("lea:evidence_export", args=[world.own.pk]) not in body
    assert not response.context["booklet"].reads_follow_up


def test_the_returns_to_school_ahead_are_fiches_to_come(world, login):
    year = SchoolYear.objects.get(start_year=2026)
    # 2A at school on ISO weeks 50 (a fiche exists for it) and 3 of 2027 (none yet).
    plan_calendar(year, 2, {50: WeekKind.SCHOOL, 3: WeekKind.SCHOOL}, actor=world["scolarite"])
    f.FicheFactory(apprenticeship=world.own, return_on=datetime.date(2026, 12, 7))

    response = _booklet(login, world["apprentice"], world.own)

    upcoming = _items(response, "upcoming")
    assert [i.on for i in upcoming] == [datetime.date(2027, 1, 18)]
    body = response.content.decode()  # the apprentice exports their booklet, not the audit evidence
    assert reverse("lea:booklet_export", args=[world.own.pk]) in body
    assert reverse("lea:evidence_export", args=[world.own.pk]) not in body


def test_the_mission_sheet_of_recruitment_links_to_the_dossier_for_those_who_may_see_it(world, login):
    world.dossier.apprenticeship = world.own
    world.dossier.save(update_fields=["apprenticeship"])

    staff = _booklet(login, world["scolarite"], world.own).context["booklet"]
    apprentice = _booklet(login, world["apprentice"], world.own).context["booklet"]

    assert staff.mission_sheet.url == reverse("recruitment:dossier_detail", args=[world.dossier.pk])
    assert apprentice.mission_sheet is not None and apprentice.mission_sheet.url == ""


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_booklet_runs_a_constant_number_of_queries(world, login):
    client = login(world["school_tutor"])
    url = reverse("lea:booklet", args=[world.own.pk])
    f.FicheFactory(apprenticeship=world.own, number=1)
    f.VisitFactory(apprenticeship=world.own)
    _count_queries(client, url)  # warms the per-process caches (content types, URLs)
    few = _count_queries(client, url)
    for number in range(2, 12):
        f.FicheFactory(apprenticeship=world.own, number=number, state=FicheState.SUBMITTED)
        f.VisitFactory(apprenticeship=world.own, state=VisitState.REPORTED)
    f.YearlyPlanFactory(apprenticeship=world.own)
    f.ProjectDossierFactory(apprenticeship=world.own)
    f.YearlyPlanFactory(apprenticeship=world.own, school_year=SchoolYear.objects.get(start_year=2025))
    assert _count_queries(client, url) == few


def test_my_booklet_leads_the_apprentice_to_their_booklet(world, login):
    response = login(world["apprentice"]).get(reverse("lea:my_booklet"))
    assert response.status_code == 302 and response.url == reverse("lea:booklet", args=[world.own.pk])


@pytest.mark.parametrize("persona", ["company_tutor", "school_tutor", "outsider"])
def test_my_booklet_is_not_found_without_an_apprenticeship(world, login, persona):
    assert login(world[persona]).get(reverse("lea:my_booklet")).status_code == 404


def test_someone_elses_booklet_is_not_found(world, login):
    assert login(world["school_tutor"]).get(reverse("lea:booklet", args=[world.other.pk])).status_code == 404


def test_the_apprenticeship_page_links_to_the_booklet_with_the_latest_fiche(world, login):
    fiche = f.FicheFactory(apprenticeship=world.own, period_start=datetime.date(2026, 10, 5))
    f.FicheFactory(
        apprenticeship=world.own,
        period_start=datetime.date(2027, 1, 4),
        period_end=datetime.date(2027, 2, 26),
    )
    body = (
        login(world["company_tutor"])
        .get(reverse("apprenticeship_detail", args=[world.own.pk]))
        .content.decode()
    )
    assert reverse("lea:booklet", args=[world.own.pk]) in body
    assert reverse("lea:fiche_detail", args=[fiche.pk]) in body
    contact = login(world["company_contact"]).get(reverse("apprenticeship_detail", args=[world.own.pk]))
    assert reverse("lea:booklet", args=[world.own.pk]) in contact.content.decode()
    assert reverse("lea:fiche_detail", args=[fiche.pk]) not in contact.content.decode()


def test_the_booklet_reads_the_enrolments_once(world, login):
    client = login(world["school_tutor"])
    url = reverse("lea:booklet", args=[world.own.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    enrolments = [q["sql"] for q in queries.captured_queries if 'FROM "apprentissage_enrolment"' in q["sql"]]
    assert len(enrolments) == 1, enrolments
