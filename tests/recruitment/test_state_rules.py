"""State rules apply to everyone (issue 8, §2): a superuser keeps access (sees every dossier,
the Django admin, every staff list) but may not break a workflow: no edit of the accord or
the mission sheet of a withdrawn or cancelled dossier, no transition from a wrong state."""

import pytest
from django.urls import reverse

from apprentissage.drafts import save_draft
from apprentissage.signatures import FrozenDocument
from apprentissage.workflow import TransitionConflict, apply_transition
from recruitment.enums import DossierState
from recruitment.models import Dossier
from recruitment.workflows import DOSSIER_WORKFLOW, MISSION_SHEET_WORKFLOW
from tests import factories as f

CLOSED = [("withdraw", "candidate"), ("cancel", "scolarite")]


def close(world, transition, persona):
    apply_transition(DOSSIER_WORKFLOW, world.dossier, transition, actor=world[persona], comment="Fin")
    return Dossier.objects.select_related("accord", "mission_sheet").get(pk=world.dossier.pk)


def _content(dossier):
    return Dossier.objects.values_list("accord__company_name", "mission_sheet__year1_missions").get(
        pk=dossier.pk
    )


@pytest.mark.parametrize(("transition", "persona"), CLOSED)
def test_admin_cannot_edit_the_documents_of_a_closed_dossier(world, login, transition, persona):
    dossier = close(world, transition, persona)
    admin = world["admin"]
    assert not admin.has_perm("recruitment.edit_mission_sheet", dossier)
    assert not admin.has_perm("recruitment.edit_accord", dossier)
    client = login(admin)
    for name, data in (
        ("missions_edit", {"year1_missions": "Changé", "version": dossier.mission_sheet.version}),
        ("accord_edit", {"company_name": "Changé", "version": dossier.accord.version}),
    ):
        url = reverse(f"recruitment:{name}", args=[dossier.pk])
        before = _content(dossier)
        response = client.post(url, data)
        assert response.status_code == 302, name
        assert response["Location"] == reverse("recruitment:dossier_detail", args=[dossier.pk])
        assert _content(dossier) == before, name
        assert client.get(url).status_code == 302, name


@pytest.mark.parametrize(("transition", "persona"), CLOSED)
def test_nobody_saves_a_draft_of_a_closed_dossier(world, transition, persona):
    """The service refuses too, whoever calls it (the view's check is not the only one)."""
    dossier = close(world, transition, persona)
    before = _content(dossier)
    for document, field in ((dossier.mission_sheet, "year1_missions"), (dossier.accord, "company_name")):
        for actor in (world["admin"], world["company_contact"]):
            with pytest.raises(FrozenDocument):
                save_draft(document, data={field: "Changé"}, expected_version=document.version, actor=actor)
    assert _content(dossier) == before


@pytest.mark.parametrize(("transition", "persona"), CLOSED)
def test_admin_may_not_fire_a_transition_from_a_wrong_state(world, transition, persona):
    dossier = close(world, transition, persona)
    admin = world["admin"]
    assert not admin.has_perm("recruitment.cancel_dossier", dossier)
    assert not admin.has_perm("recruitment.reserve_place_dossier", dossier)
    assert not admin.has_perm("recruitment.submit_missionsheet", dossier.mission_sheet)
    with pytest.raises(TransitionConflict):
        apply_transition(DOSSIER_WORKFLOW, dossier, "cancel", actor=admin, comment="Encore")
    with pytest.raises(TransitionConflict):
        apply_transition(MISSION_SHEET_WORKFLOW, dossier.mission_sheet, "validate", actor=admin)


def test_admin_may_not_act_as_the_company_on_an_open_dossier(world):
    """Signing or submitting is the company contact's gesture, not IT's."""
    admin, dossier = world["admin"], world.dossier
    assert dossier.state == DossierState.COMPANY_INVITED
    assert not admin.has_perm("recruitment.sign_accord_dossier", dossier)
    assert not admin.has_perm("recruitment.edit_accord", dossier)
    assert world["company_contact"].has_perm("recruitment.edit_accord", dossier)


@pytest.mark.parametrize(("transition", "persona"), CLOSED)
def test_admin_still_sees_a_closed_dossier(world, login, transition, persona):
    dossier = close(world, transition, persona)
    client = login(world["admin"])
    assert client.get(reverse("recruitment:dossier_detail", args=[dossier.pk])).status_code == 200
    assert client.get(reverse("recruitment:dossier_pdf", args=[dossier.pk, "accord"])).status_code == 200
    assert client.get(reverse("admin:recruitment_dossier_change", args=[dossier.pk])).status_code == 200


def test_admin_keeps_the_staff_pages_and_the_django_admin(world, login):
    client = login(world["admin"])
    for url in (
        reverse("admin:index"),
        reverse("admin:apprentissage_apprenticeship_changelist"),
        reverse("admin:apprentissage_apprenticeship_change", args=[world.own.pk]),
        reverse("admin:apprentissage_enrolment_changelist"),
        reverse("admin:apprentissage_user_changelist"),
        reverse("apprenticeship_list"),
        reverse("apprenticeship_assign_tutors", args=[world.own.pk]),
        reverse("person_list"),
        reverse("recruitment:board"),
        reverse("recruitment:midisup_queue"),
        reverse("planning:grid_index"),
    ):
        assert client.get(url, follow=True).status_code == 200, url
    admin = world["admin"]
    for perm in ("change", "add", "delete", "view"):
        assert admin.has_perm(f"apprentissage.{perm}_apprenticeship"), perm
    for perm in ("change", "add", "delete"):
        assert admin.has_perm(f"apprentissage.{perm}_enrolment"), perm
    assert admin.has_perm("apprentissage.view_enrolment", f.EnrolmentFactory(apprenticeship=world.own))
