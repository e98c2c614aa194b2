"""The yearly missions description: submitted by the apprentice or the company tutor,
validated or sent back by the option lead of the apprenticeship's option; every version
kept with what changed; the shared draft edited by two people without lost updates."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apprentissage.dashboard import todos_for
from apprentissage.models import Notification, TransitionLog
from lea.models import Deadline, YearlyPlan
from lea.plans import ensure_yearly_documents

from .. import factories as f
from .plans_helpers import COMPLETE_PLAN, documents_of, fill, year


@pytest.fixture
def plan(world):
    return documents_of(world.own)[0]


def fire(client, plan, transition, **data):
    return client.post(reverse("lea:plan_transition", args=[plan.pk, transition]), data)


def edit_data(plan, **values):
    data = {**COMPLETE_PLAN, "version": plan.version, **values}
    return {k: "" if v is None else v for k, v in data.items()}


# Submitting


@pytest.mark.parametrize("persona", ["apprentice", "company_tutor"])
def test_apprentice_or_tutor_submits_a_complete_description(world, login, plan, persona):
    fill(plan, **COMPLETE_PLAN)

    response = fire(login(world[persona]), plan, "submit")

    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "submitted"
    version = plan.versions.get()
    assert version.number == 1 and version.content["missions"] == COMPLETE_PLAN["missions"]
    assert version.submitted_by == world[persona]
    assert Notification.objects.filter(
        recipient=world["option_lead"], url=f"/lea/missions/{plan.pk}/"
    ).exists() or (Notification.objects.filter(recipient=world["option_lead"]).exists())


@pytest.mark.parametrize(
    "persona,status",
    [
        ("school_tutor", 403),
        ("option_lead", 403),
        ("company_contact", 403),
        ("scolarite", 403),
        ("admin", 403),
        ("midisup", 404),
        ("outsider", 404),
        ("candidate", 404),
    ],
)
def test_nobody_else_submits(world, login, plan, persona, status):
    fill(plan, **COMPLETE_PLAN)

    response = fire(login(world[persona]), plan, "submit")

    assert response.status_code == status
    plan.refresh_from_db()
    assert plan.state == "draft" and not plan.versions.exists()


def test_submitting_an_incomplete_description_names_each_missing_field(world, login, plan):
    fill(plan, missions="Quelque chose", family="", technical_share=None, company_project="")

    response = fire(login(world["apprentice"]), plan, "submit")

    assert response.status_code == 409
    text = html.unescape(response.content.decode())
    with translation.override("fr"):
        for name in ("family", "technical_share", "company_project"):
            assert str(YearlyPlan._meta.get_field(name).verbose_name) in text
        assert str(YearlyPlan._meta.get_field("missions").verbose_name) + "," not in text
    plan.refresh_from_db()
    assert plan.state == "draft"


# Deciding


@pytest.fixture
def submitted(world, plan):
    from apprentissage.workflow import apply_transition
    from lea.workflows.plans import PLAN_WORKFLOW

    fill(plan, **COMPLETE_PLAN)
    return apply_transition(PLAN_WORKFLOW, plan, "submit", actor=world["apprentice"])


def test_the_option_lead_validates(world, login, submitted):
    response = fire(login(world["option_lead"]), submitted, "validate")

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "validated"
    version = submitted.versions.get()
    assert version.decision == "validated" and version.decided_by == world["option_lead"]
    assert Notification.objects.filter(recipient=world["company_tutor"]).exists()


@pytest.mark.parametrize(
    "persona,status",
    [
        ("apprentice", 403),
        ("company_tutor", 403),
        ("company_contact", 403),
        ("school_tutor", 403),
        ("scolarite", 403),
        ("admin", 403),
        ("midisup", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("transition", ["validate", "send_back"])
def test_nobody_else_decides(world, login, submitted, persona, status, transition):
    response = fire(login(world[persona]), submitted, transition, comment="Non")

    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and submitted.versions.get().decision == ""


def test_the_lead_of_another_option_may_not_decide(world, login):
    other_plan = documents_of(world.other)[0]
    fill(other_plan, **COMPLETE_PLAN, state="submitted")

    response = fire(login(world["option_lead"]), other_plan, "validate")

    assert response.status_code == 404
    assert YearlyPlan.objects.get(pk=other_plan.pk).state == "submitted"


def test_sending_back_needs_remarks(world, login, submitted):
    response = fire(login(world["option_lead"]), submitted, "send_back", comment="  ")

    assert response.status_code == 409
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_sent_back_then_resubmitted_keeps_each_version_with_what_changed(world, login, submitted):
    client = login(world["option_lead"])
    assert (
        fire(client, submitted, "send_back", comment="Précisez la dimension managériale.").status_code == 302
    )
    submitted.refresh_from_db()
    assert submitted.state == "returned"
    assert submitted.versions.get().remarks == "Précisez la dimension managériale."

    tutor = login(world["company_tutor"])
    response = tutor.post(
        reverse("lea:plan_edit", args=[submitted.pk]),
        edit_data(
            submitted,
            missions="Piloter l'amélioration continue de la ligne d'usinage\nEncadrer deux opérateurs",
            technical_share=40,
        ),
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert fire(tutor, submitted, "submit").status_code == 302

    submitted.refresh_from_db()
    assert [v.number for v in submitted.versions.all()] == [2, 1]
    page = login(world["option_lead"]).get(reverse("lea:plan_detail", args=[submitted.pk])).content.decode()
    assert "Encadrer deux opérateurs" in page  # added
    assert "Animer les points 5S" in page  # removed, shown as such
    assert "Précisez la dimension managériale." in page
    assert 'class="diff-added"' in page and 'class="diff-removed"' in page


def test_the_company_tutor_and_contact_read_a_validated_description(world, login, submitted):
    from apprentissage.workflow import apply_transition
    from lea.workflows.plans import PLAN_WORKFLOW

    apply_transition(PLAN_WORKFLOW, submitted, "validate", actor=world["option_lead"])
    for persona in ("company_tutor", "company_contact"):
        response = login(world[persona]).get(reverse("lea:plan_detail", args=[submitted.pk]))
        assert response.status_code == 200
        assert COMPLETE_PLAN["company_project"] in response.content.decode()
        assert reverse("lea:plan_edit", args=[submitted.pk]) not in response.content.decode()


def test_transitions_are_in_the_audit_trail(world, submitted):
    assert TransitionLog.objects.filter(object_id=submitted.pk, transition="submit").count() == 1


# Editing


def test_a_submitted_description_can_no_longer_be_edited(world, login, submitted):
    client = login(world["apprentice"])

    response = client.post(reverse("lea:plan_edit", args=[submitted.pk]), edit_data(submitted, missions="X"))

    assert response.status_code == 302
    assert YearlyPlan.objects.get(pk=submitted.pk).missions == COMPLETE_PLAN["missions"]


def test_a_form_opened_before_submission_is_refused(world, login, plan):
    from apprentissage.workflow import apply_transition
    from lea.workflows.plans import PLAN_WORKFLOW

    fill(plan, **COMPLETE_PLAN)
    read = plan.version
    apply_transition(PLAN_WORKFLOW, plan, "submit", actor=world["company_tutor"])
    YearlyPlan.objects.filter(pk=plan.pk).update(state="returned")  # sent back meanwhile

    response = login(world["apprentice"]).post(
        reverse("lea:plan_edit", args=[plan.pk]), {**edit_data(plan, missions="Écrasé"), "version": read}
    )

    assert response.status_code == 409
    assert YearlyPlan.objects.get(pk=plan.pk).missions == COMPLETE_PLAN["missions"]


def test_concurrent_edits_the_second_sees_what_changed_nothing_lost(world, login, plan):
    read = plan.version  # both open the form at this version
    tutor = login(world["company_tutor"])
    assert (
        tutor.post(
            reverse("lea:plan_edit", args=[plan.pk]),
            edit_data(plan, missions="Version du tuteur", company_project="Projet du tuteur"),
        ).status_code
        == 302
    )

    apprentice = login(world["apprentice"])
    response = apprentice.post(
        reverse("lea:plan_edit", args=[plan.pk]),
        {**edit_data(plan, missions="Version de l'apprenti"), "version": read},
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "Version du tuteur" in page  # what the tutor saved, shown
    assert "Version de l&#x27;apprenti" in page or "Version de l'apprenti" in page  # still typed
    plan.refresh_from_db()
    assert plan.missions == "Version du tuteur" and plan.updated_by == world["company_tutor"]


@pytest.mark.parametrize("value", ["101", "-5", "abc"])
def test_technical_share_outside_0_100_is_refused(world, login, plan, value):
    response = login(world["apprentice"]).post(
        reverse("lea:plan_edit", args=[plan.pk]), edit_data(plan, technical_share=value)
    )

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert YearlyPlan.objects.get(pk=plan.pk).technical_share is None


def test_text_over_the_limit_is_refused(world, login, plan):
    response = login(world["apprentice"]).post(
        reverse("lea:plan_edit", args=[plan.pk]), edit_data(plan, missions="x" * 6001)
    )

    assert response.status_code == 200
    assert YearlyPlan.objects.get(pk=plan.pk).missions == ""


@pytest.mark.parametrize("persona", ["school_tutor", "option_lead", "company_contact", "scolarite"])
def test_only_apprentice_and_tutor_edit(world, login, plan, persona):
    response = login(world[persona]).post(reverse("lea:plan_edit", args=[plan.pk]), edit_data(plan))

    assert response.status_code == 302
    assert YearlyPlan.objects.get(pk=plan.pk).missions == ""


# Page: due date, expectation


def test_the_page_shows_the_due_date_late_and_the_years_expectation(world, login, plan):
    page = login(world["apprentice"]).get(reverse("lea:plan_detail", args=[plan.pk])).content.decode()

    assert "15 novembre 2026" in page  # the default (settings.LEA_MISSIONS_DUE)
    assert "En retard" in page
    assert "équilibr" in page  # 2A: technical and managerial balanced


def test_a_date_set_by_scolarite_moves_the_due_date(world, login, plan):
    Deadline.objects.create(school_year=year(), study_year=2, kind="missions", due_on="2026-12-15")

    page = login(world["apprentice"]).get(reverse("lea:plan_detail", args=[plan.pk])).content.decode()

    assert "15 décembre 2026" in page
    assert "En retard" not in page


def test_a_validated_description_is_not_late(world, login, plan):
    fill(plan, state="validated")

    page = login(world["apprentice"]).get(reverse("lea:plan_detail", args=[plan.pk])).content.decode()

    assert "En retard" not in page


# To-dos


def test_todos_of_apprentice_tutor_and_option_lead(world, submitted):
    assert not [t for t in todos_for(world["apprentice"]) if "Missions" in str(t.title)]
    lead_items = [t for t in todos_for(world["option_lead"]) if t.url == reverse("lea:plans_to_review")]
    assert lead_items and lead_items[0].count == 1

    YearlyPlan.objects.filter(pk=submitted.pk).update(state="returned")
    for persona in ("apprentice", "company_tutor"):
        titles = [str(t.title) for t in todos_for(world[persona])]
        assert any("renvoy" in t.lower() or "sent back" in t.lower() for t in titles), titles


def test_draft_todo_for_apprentice_and_tutor(world, plan):
    for persona in ("apprentice", "company_tutor"):
        urls = [t.url for t in todos_for(world[persona])]
        assert reverse("lea:plan_detail", args=[plan.pk]) in urls
    assert reverse("lea:plan_detail", args=[plan.pk]) not in [t.url for t in todos_for(world["school_tutor"])]


# The option lead's list


def _review_queries(client) -> tuple[int, int]:
    """(queries, plans listed) of the option lead's list, the session warm."""
    client.get(reverse("lea:plans_to_review"))  # the session, the user's facts: warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lea:plans_to_review"))
    assert response.status_code == 200
    return len(queries), len(response.context["plans"])


def _submitted_plans(n, option):
    cohort = f.CohortFactory(entry_year=2025)
    apprenticeships = [f.ApprenticeshipFactory(cohort=cohort, option=option) for _ in range(n)]
    ensure_yearly_documents(apprenticeships, year())
    YearlyPlan.objects.filter(apprenticeship__in=apprenticeships).update(state="submitted")


def test_plans_to_review_lists_the_leads_option_only(world, login, submitted):
    other = documents_of(world.other)[0]
    fill(other, state="submitted")

    page = login(world["option_lead"]).get(reverse("lea:plans_to_review")).content.decode()

    assert str(world.own.apprentice) in page
    assert str(world.other.apprentice) not in page


def test_plans_to_review_constant_queries_5_vs_50(world, login):
    client = login(world["option_lead"])
    _submitted_plans(5, world.own.option)
    few = _review_queries(client)
    _submitted_plans(45, world.own.option)
    many = _review_queries(client)

    # savepoint, session, user, the user's facts (scolarité?), the plans with their
    # apprenticeship, school year and version count, the deadlines of their years, release
    assert few == (7, 5)
    assert many == (7, 50)


def test_changes_read_choices_by_their_label(world, login, submitted):
    from apprentissage.workflow import apply_transition
    from lea.workflows.plans import PLAN_WORKFLOW

    apply_transition(PLAN_WORKFLOW, submitted, "send_back", actor=world["option_lead"], comment="Famille ?")
    fill(submitted, family="studies")
    apply_transition(PLAN_WORKFLOW, submitted, "submit", actor=world["apprentice"])

    page = login(world["option_lead"]).get(reverse("lea:plan_detail", args=[submitted.pk])).content.decode()

    with translation.override("fr"):
        studies = str(dict(YearlyPlan._meta.get_field("family").flatchoices)["studies"])
    assert html.escape(studies) in page
    assert ">studies<" not in page and "− studies" not in page
