"""The project subject and its dossier de validation: the apprentice writes and submits it,
the company tutor completes and endorses it (typed-name signature, which freezes it) or
sends it back, the school tutor validates it or sends it back (voiding the endorsement)."""

import html
import io

import pytest
from django.urls import reverse
from django.utils import translation

from apprentissage.dashboard import todos_for
from apprentissage.models import Notification, Signature
from apprentissage.signatures import content_hash, signatures_of, valid_signature
from apprentissage.workflow import apply_transition
from lea.models import Deadline, ProjectDossier
from lea.workflows.projects import PROJECT_WORKFLOW

from .plans_helpers import COMPLETE_PROJECT, documents_of, fill, year


@pytest.fixture
def project(world):
    return documents_of(world.own)[1]


def fire(client, project, transition, **data):
    return client.post(reverse("lea:project_transition", args=[project.pk, transition]), data)


def typed_name(user) -> str:
    return f"{user.first_name} {user.last_name}"


@pytest.fixture
def submitted(world, project):
    fill(project, **COMPLETE_PROJECT)
    return apply_transition(PROJECT_WORKFLOW, project, "submit", actor=world["apprentice"])


@pytest.fixture
def endorsed(world, client, submitted):
    client.force_login(world["company_tutor"])
    response = fire(client, submitted, "endorse", typed_name=typed_name(world["company_tutor"]), consent="on")
    assert response.status_code == 302, response.content
    client.logout()
    submitted.refresh_from_db()
    return submitted


# The apprentice submits


def test_the_apprentice_submits_a_complete_dossier(world, login, project):
    fill(project, **COMPLETE_PROJECT)

    response = fire(login(world["apprentice"]), project, "submit")

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.state == "submitted" and project.submitted_at is not None
    assert project.versions.get().content["title"] == COMPLETE_PROJECT["title"]
    assert Notification.objects.filter(recipient=world["company_tutor"]).exists()


def test_submitting_an_incomplete_dossier_names_each_missing_field(world, login, project):
    fill(project, title="Un titre", context="Un contexte")

    response = fire(login(world["apprentice"]), project, "submit")

    assert response.status_code == 409
    text = html.unescape(response.content.decode())
    with translation.override("fr"):
        for name in ("problem", "objectives", "indicators", "approach", "schedule"):
            assert str(ProjectDossier._meta.get_field(name).verbose_name) in text, name
    project.refresh_from_db()
    assert project.state == "draft" and project.submitted_at is None


@pytest.mark.parametrize(
    "persona,status",
    [
        ("company_tutor", 403),
        ("school_tutor", 403),
        ("option_lead", 403),
        ("scolarite", 403),
        ("admin", 403),
        ("company_contact", 404),  # not a follow-up party: does not read projects
        ("midisup", 404),
        ("outsider", 404),
    ],
)
def test_only_the_apprentice_submits(world, login, project, persona, status):
    fill(project, **COMPLETE_PROJECT)

    response = fire(login(world[persona]), project, "submit")

    assert response.status_code == status
    project.refresh_from_db()
    assert project.state == "draft" and project.submitted_at is None


# The company tutor


def test_the_tutor_completes_then_endorses_with_a_typed_name(world, login, submitted):
    client = login(world["company_tutor"])
    response = client.post(
        reverse("lea:project_tutor_edit", args=[submitted.pk]),
        {"tutor_remarks": "Budget de 15 k€ accordé.", "version": submitted.version},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.tutor_remarks == "Budget de 15 k€ accordé."
    assert submitted.title == COMPLETE_PROJECT["title"]  # the apprentice's part untouched

    response = fire(client, submitted, "endorse", typed_name=typed_name(world["company_tutor"]), consent="on")

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "endorsed"
    signature = valid_signature(submitted)
    assert signature.signer == world["company_tutor"] and signature.purpose == "company_tutor"
    assert signature.content_sha256 == content_hash(submitted)
    assert Notification.objects.filter(recipient=world["school_tutor"]).exists()


def test_endorsing_with_someone_elses_name_is_refused(world, login, submitted):
    response = fire(
        login(world["company_tutor"]), submitted, "endorse", typed_name="Jean Dupont", consent="on"
    )

    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and not signatures_of(submitted).exists()


def test_endorsing_without_consent_is_refused(world, login, submitted):
    response = fire(
        login(world["company_tutor"]), submitted, "endorse", typed_name=typed_name(world["company_tutor"])
    )

    assert response.status_code == 400
    assert ProjectDossier.objects.get(pk=submitted.pk).state == "submitted"


def test_the_tutor_sends_back_with_a_remark(world, login, submitted):
    client = login(world["company_tutor"])
    assert fire(client, submitted, "tutor_send_back", comment="").status_code == 409
    assert ProjectDossier.objects.get(pk=submitted.pk).state == "submitted"

    assert fire(client, submitted, "tutor_send_back", comment="Précisez les indicateurs.").status_code == 302

    submitted.refresh_from_db()
    assert submitted.state == "returned"
    version = submitted.versions.get()
    assert version.decision == "returned" and version.remarks == "Précisez les indicateurs."
    page = login(world["apprentice"]).get(reverse("lea:project_detail", args=[submitted.pk])).content.decode()
    assert "Précisez les indicateurs." in page


@pytest.mark.parametrize(
    "persona,status",
    [
        ("apprentice", 403),
        ("school_tutor", 403),
        ("option_lead", 403),
        ("scolarite", 403),
        ("admin", 403),
        ("company_contact", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("transition", ["endorse", "tutor_send_back"])
def test_only_the_company_tutor_endorses_or_sends_back(world, login, submitted, persona, status, transition):
    user = world[persona]
    response = fire(
        login(user), submitted, transition, typed_name=typed_name(user), consent="on", comment="Non"
    )

    assert response.status_code == status
    submitted.refresh_from_db()
    assert submitted.state == "submitted" and not signatures_of(submitted).exists()


# Frozen once endorsed


def test_an_endorsed_dossier_is_frozen(world, login, endorsed):
    before = content_hash(endorsed)
    for persona, url_name, data in (
        ("apprentice", "lea:project_edit", {**COMPLETE_PROJECT, "title": "Changé"}),
        ("company_tutor", "lea:project_tutor_edit", {"tutor_remarks": "Changé"}),
    ):
        response = login(world[persona]).post(
            reverse(url_name, args=[endorsed.pk]), {**data, "version": endorsed.version}
        )
        assert response.status_code == 302
    endorsed.refresh_from_db()
    assert content_hash(endorsed) == before


def test_a_form_opened_before_the_endorsement_cannot_change_it(world, login, submitted):
    read = submitted.version
    tutor = login(world["company_tutor"])
    fire(tutor, submitted, "endorse", typed_name=typed_name(world["company_tutor"]), consent="on")
    submitted.refresh_from_db()
    before = content_hash(submitted)

    tutor.post(
        reverse("lea:project_tutor_edit", args=[submitted.pk]),
        {"tutor_remarks": "Trop tard", "version": read},
    )

    submitted.refresh_from_db()
    assert content_hash(submitted) == before


def test_a_stale_form_shows_what_was_saved_meanwhile_and_keeps_what_was_typed(world, login, project):
    read = project.version  # the dossier opened in two tabs at this version
    client = login(world["apprentice"])
    first = client.post(
        reverse("lea:project_edit", args=[project.pk]),
        {**COMPLETE_PROJECT, "title": "Titre du premier onglet", "version": read},
    )
    assert first.status_code == 302

    response = client.post(
        reverse("lea:project_edit", args=[project.pk]),
        {**COMPLETE_PROJECT, "title": "Titre du second onglet", "version": read},
    )

    assert response.status_code == 409
    page = response.content.decode()
    with translation.override("fr"):
        assert translation.gettext("What was saved meanwhile") in html.unescape(page)
    assert "Titre du premier onglet" in page  # what was saved, shown
    assert 'value="Titre du second onglet"' in page  # what was typed, still in the form
    assert ProjectDossier.objects.get(pk=project.pk).title == "Titre du premier onglet"


# The school tutor


def test_the_school_tutor_validates(world, login, endorsed):
    response = fire(login(world["school_tutor"]), endorsed, "validate")

    assert response.status_code == 302
    endorsed.refresh_from_db()
    assert endorsed.state == "validated" and endorsed.validated_at is not None
    assert endorsed.versions.get().decision == "validated"
    assert valid_signature(endorsed) is not None  # the endorsement stands


def test_the_school_tutor_sends_back_which_voids_the_endorsement_kept(world, login, endorsed):
    client = login(world["school_tutor"])
    assert fire(client, endorsed, "send_back", comment="").status_code == 409
    assert valid_signature(endorsed) is not None

    assert fire(client, endorsed, "send_back", comment="Le sujet est trop large.").status_code == 302

    endorsed.refresh_from_db()
    assert endorsed.state == "returned"
    assert valid_signature(endorsed) is None
    voided = Signature.objects.get(object_id=endorsed.pk, purpose="company_tutor")
    assert voided.voided_by == world["school_tutor"] and voided.void_reason == "Le sujet est trop large."
    # Editable again by the apprentice
    response = login(world["apprentice"]).post(
        reverse("lea:project_edit", args=[endorsed.pk]),
        {**COMPLETE_PROJECT, "title": "Sujet recentré", "version": endorsed.version},
    )
    assert response.status_code == 302
    assert ProjectDossier.objects.get(pk=endorsed.pk).title == "Sujet recentré"


@pytest.mark.parametrize(
    "persona,status",
    [
        ("apprentice", 403),
        ("company_tutor", 403),
        ("option_lead", 403),
        ("scolarite", 403),
        ("admin", 403),
        ("company_contact", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("transition", ["validate", "send_back"])
def test_only_the_school_tutor_decides(world, login, endorsed, persona, status, transition):
    response = fire(login(world[persona]), endorsed, transition, comment="Non")

    assert response.status_code == status
    endorsed.refresh_from_db()
    assert endorsed.state == "endorsed" and valid_signature(endorsed) is not None


def test_resubmission_shows_what_changed(world, login, endorsed):
    fire(login(world["school_tutor"]), endorsed, "send_back", comment="Le sujet est trop large.")
    endorsed.refresh_from_db()
    apprentice = login(world["apprentice"])
    apprentice.post(
        reverse("lea:project_edit", args=[endorsed.pk]),
        {**COMPLETE_PROJECT, "title": "Sujet recentré", "version": endorsed.version},
    )
    assert fire(apprentice, endorsed, "submit").status_code == 302

    page = (
        login(world["school_tutor"]).get(reverse("lea:project_detail", args=[endorsed.pk])).content.decode()
    )

    assert "Sujet recentré" in page and 'class="diff-removed"' in page
    endorsed.refresh_from_db()
    assert [v.number for v in endorsed.versions.all()] == [2, 1]


# Due date, PDF, to-dos


def test_the_subject_due_date_is_shown(world, login, project):
    page = login(world["apprentice"]).get(reverse("lea:project_detail", args=[project.pk])).content.decode()
    assert "31 janvier 2027" in page  # settings.LEA_SUBJECT_DUE
    assert "En retard" not in page

    Deadline.objects.create(school_year=year(), study_year=2, kind="subject", due_on="2026-11-20")
    page = login(world["apprentice"]).get(reverse("lea:project_detail", args=[project.pk])).content.decode()
    assert "20 novembre 2026" in page and "En retard" in page


def test_the_pdf_carries_the_endorsements_verification_code(world, login, endorsed):
    from pypdf import PdfReader

    response = login(world["school_tutor"]).get(reverse("lea:project_pdf", args=[endorsed.pk]))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert valid_signature(endorsed).verification_code in text.replace(" ", "")
    assert COMPLETE_PROJECT["title"] in text


def _urls(user):
    return [t.url for t in todos_for(user)]


def test_todos_follow_the_dossier(world, project):
    url = reverse("lea:project_detail", args=[project.pk])
    assert url in _urls(world["apprentice"]) and url not in _urls(world["company_tutor"])

    fill(project, **COMPLETE_PROJECT)
    apply_transition(PROJECT_WORKFLOW, project, "submit", actor=world["apprentice"])
    assert url in _urls(world["company_tutor"]) and url not in _urls(world["apprentice"])

    fill(project, state="endorsed")
    assert url in _urls(world["school_tutor"]) and url not in _urls(world["company_tutor"])


# Bad input


def test_a_title_over_the_limit_is_refused_nothing_saved(world, login, project):
    response = login(world["apprentice"]).post(
        reverse("lea:project_edit", args=[project.pk]),
        {**COMPLETE_PROJECT, "title": "x" * 301, "version": project.version},
    )

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    project.refresh_from_db()
    assert project.title == "" and project.context == ""


def test_an_unknown_confidentiality_is_refused(world, login, project):
    response = login(world["apprentice"]).post(
        reverse("lea:project_edit", args=[project.pk]),
        {**COMPLETE_PROJECT, "confidentiality": "secret", "version": project.version},
    )

    assert response.status_code == 200
    assert ProjectDossier.objects.get(pk=project.pk).title == ""


def test_an_unknown_action_is_refused(world, login, project):
    response = fire(login(world["apprentice"]), project, "publish")

    assert response.status_code == 404
    assert ProjectDossier.objects.get(pk=project.pk).state == "draft"


def test_a_second_click_on_submit_is_already_done(world, login, project):
    fill(project, **COMPLETE_PROJECT)
    client = login(world["apprentice"])
    assert fire(client, project, "submit").status_code == 302

    response = fire(client, project, "submit")

    assert response.status_code == 409
    assert ProjectDossier.objects.get(pk=project.pk).versions.count() == 1
