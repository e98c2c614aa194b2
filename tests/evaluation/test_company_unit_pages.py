"""The Unité Entreprise's pages: the apprentice's (grades only once published), what waits for
each tutor and the option lead (in a constant number of queries), scolarité's reports'
deadlines, and the menu entries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import company_unit as uw
from evaluation.enums import ScorerRole
from evaluation.models import UnitComponent
from tests import factories as f

from . import company_unit_helpers as h


def _queries(client, url):
    """The queries of a page read a second time (the first saves the new session)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries), response


@pytest.fixture
def graded(world):
    """world.own's UW of 2A with its report graded 14 by the school tutor."""
    enrolment, components = h.own(world)
    report = h.slot(enrolment, components[h.REPORT[2]])
    uw.upload_report(slot=report, upload=h.pdf_upload(), actor=world["apprentice"])
    uw.grade_component(
        slot=report,
        entered=Decimal(14),
        comment="Rapport clair.",
        expected_version=0,
        actor=world["school_tutor"],
    )
    return enrolment, components


class TestTheApprenticesPage:
    def test_it_shows_the_year_s_components_and_deadlines(self, graded, world, login):
        enrolment, components = graded
        components[h.REPORT[2]].due_on = datetime.date(2027, 1, 15)
        components[h.REPORT[2]].save()
        response = login(world["apprentice"]).get(reverse("evaluation:my_company_unit"))
        assert response.context["enrolment"] == enrolment
        assert [s.component.code for s in response.context["states"]] == [
            "RAPPORT_ING",
            "PROJET",
            "COMPORTEMENT",
        ]
        html = response.content.decode()
        assert (
            "2027" in html
            and reverse("evaluation:report_upload", args=[enrolment.pk, components[h.REPORT[2]].pk]) in html
        )

    def test_grades_are_hidden_from_the_apprentice_and_the_company_tutor_until_published(
        self, graded, world, login, monkeypatch
    ):
        enrolment, _components = graded
        url = reverse("evaluation:company_unit", args=[enrolment.pk])
        for persona in ("apprentice", "company_tutor"):
            response = login(world[persona]).get(url)
            assert not response.context["can_see_grades"]
            assert "14,00" not in response.content.decode()
        monkeypatch.setattr(uw, "results_published", lambda enrolment: True)
        for persona in ("apprentice", "company_tutor"):
            response = login(world[persona]).get(url)
            assert response.context["can_see_grades"]
            assert "14,00" in response.content.decode()

    def test_the_school_s_graders_see_them_marked_provisional(self, graded, world, login):
        enrolment, _components = graded
        for persona in ("school_tutor", "option_lead", "scolarite"):
            response = login(world[persona]).get(reverse("evaluation:company_unit", args=[enrolment.pk]))
            assert response.context["can_see_grades"] and not response.context["published"]
            assert "14,00" in response.content.decode()

    def test_the_company_tutor_does_not_get_the_report_s_link(self, graded, world, login):
        enrolment, _components = graded
        html = (
            login(world["company_tutor"]).get(reverse("evaluation:company_unit", args=[enrolment.pk])).content
        )
        assert b"/rapports/" not in html

    def test_an_apprentice_without_enrolment_gets_404(self, world, login):
        apprenticeship = f.ApprenticeshipFactory(enrolments=False)
        assert login(apprenticeship.apprentice).get(reverse("evaluation:my_company_unit")).status_code == 404

    def test_the_page_s_queries_do_not_grow_with_uploads(self, graded, world, login):
        enrolment, components = graded
        client = login(world["school_tutor"])
        url = reverse("evaluation:company_unit", args=[enrolment.pk])
        few, _response = _queries(client, url)
        for _ in range(5):
            uw.upload_report(
                slot=h.slot(enrolment, components[h.REPORT[2]]),
                upload=h.pdf_upload(),
                actor=world["apprentice"],
            )
        many, response = _queries(client, url)
        assert len(response.context["states"][0].reports) == 6
        assert few == many


class TestToGrade:
    def test_each_grader_sees_what_waits_for_them(self, world, login):
        h.own(world)
        whats = {}
        for persona in ("company_tutor", "school_tutor", "option_lead"):
            response = login(world[persona]).get(reverse("evaluation:to_grade"))
            whats[persona] = [
                (item.slot.component.code, item.slot.role, item.ready) for item in response.context["items"]
            ]
        assert whats["company_tutor"] == [
            ("PROJET", "company_tutor", True),
            ("COMPORTEMENT", "company_tutor", True),
        ]
        assert whats["school_tutor"] == [
            ("RAPPORT_ING", "", False),
            ("PROJET", "school_tutor", True),
            ("PROJET", "agreed", False),
        ]
        assert whats["option_lead"] == [("PROJET", "option_lead", True)]

    def test_done_items_leave_the_list(self, world, login):
        enrolment, components = h.own(world)
        h.signed_behaviour(enrolment, components[h.BEHAVIOUR], world["company_tutor"])
        project = components[h.PROJECT[2]]
        uw.save_scoring(
            slot=h.slot(enrolment, project, ScorerRole.COMPANY_TUTOR),
            points=h.full_points(project),
            comment="",
            expected_version=0,
            actor=world["company_tutor"],
            submit=True,
        )
        assert login(world["company_tutor"]).get(reverse("evaluation:to_grade")).context["items"] == []
        report = h.slot(enrolment, components[h.REPORT[2]])
        uw.upload_report(slot=report, upload=h.pdf_upload(), actor=world["apprentice"])
        items = login(world["school_tutor"]).get(reverse("evaluation:to_grade")).context["items"]
        assert items[0].ready
        uw.grade_component(
            slot=report, entered=Decimal(12), comment="", expected_version=0, actor=world["school_tutor"]
        )
        items = login(world["school_tutor"]).get(reverse("evaluation:to_grade")).context["items"]
        assert [i.slot.component.code for i in items] == ["PROJET", "PROJET"]

    @pytest.mark.parametrize("persona", ["school_tutor", "company_tutor"])
    def test_the_list_runs_a_constant_number_of_queries(self, world, login, persona):
        _enrolment, components = h.own(world)
        user = world[persona]
        role = {"school_tutor": "school_tutor", "company_tutor": "company_tutor"}[persona]

        def add(n):
            for _ in range(n):
                a = f.ApprenticeshipFactory(**{role: user}, option=world.own.option)
                e = h.enrolment_of(a)
                uw.upload_report(
                    slot=h.slot(e, components[h.REPORT[2]]), upload=h.pdf_upload(), actor=a.apprentice
                )
                uw.save_scoring(
                    slot=h.slot(e, components[h.PROJECT[2]], ScorerRole(persona)),
                    points={"contexte": Decimal(1)},
                    comment="",
                    expected_version=0,
                    actor=user,
                )

        client = login(user)
        add(4)  # with world.own: 5 apprentices
        few, response = _queries(client, reverse("evaluation:to_grade"))
        assert len({item.slot.enrolment.pk for item in response.context["items"]}) == 5
        add(45)
        many, response = _queries(client, reverse("evaluation:to_grade"))
        assert len({item.slot.enrolment.pk for item in response.context["items"]}) == 50
        assert few == many


class TestReportDeadlines:
    def test_scolarite_sets_the_last_days(self, world, login):
        _enrolment, components = h.own(world)
        report = components[h.REPORT[2]]
        client = login(world["scolarite"])
        url = reverse("evaluation:report_deadlines") + "?annee=2026"
        response = client.get(url)
        assert [row["component"] for row in response.context["form"].rows] == list(components.values())
        response = client.post(url, {f"due_{report.pk}": "2027-01-15"})
        assert response.status_code == 302
        assert UnitComponent.objects.get(pk=report.pk).due_on == datetime.date(2027, 1, 15)

    def test_a_bad_date_changes_nothing(self, world, login):
        _enrolment, components = h.own(world)
        report = components[h.REPORT[2]]
        response = login(world["scolarite"]).post(
            reverse("evaluation:report_deadlines") + "?annee=2026",
            {f"due_{report.pk}": "31/02/2027", f"due_{components[h.PROJECT[2]].pk}": "2027-05-01"},
        )
        assert response.status_code == 400
        assert set(UnitComponent.objects.values_list("due_on", flat=True)) == {None}


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("apprentice", "evaluation:my_company_unit"),
        ("company_tutor", "evaluation:to_grade"),
        ("school_tutor", "evaluation:to_grade"),
        ("scolarite", "evaluation:defence_list"),
        ("scolarite", "evaluation:report_deadlines"),
    ],
)
def test_the_menu_leads_there(world, login, persona, url_name):
    assert reverse(url_name) in login(world[persona]).get(reverse("home")).content.decode()
