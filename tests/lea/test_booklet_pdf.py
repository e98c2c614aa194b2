"""The booklet's PDF: a background job started from the booklet (tasks run eagerly in tests,
CELERY_TASK_ALWAYS_EAGER), one document with a cover, a table of contents, every document and
each signature's verification code; downloadable only by those who may export the booklet."""

import hashlib
import io

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from apprentissage.jobs import run
from apprentissage.models import Job
from apprentissage.signatures import SignerEvidence, sign_online
from lea.enums import FicheState, VisitState
from lea.models import BookletExport
from tests import factories as f


def test_tests_run_tasks_eagerly():
    assert settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def documents(world):
    tutor = world["company_tutor"]
    fiche = f.FicheFactory(
        apprenticeship=world.own,
        number=1,
        state=FicheState.COUNTERSIGNED,
        activities=[{"description": "Analyse des rebuts de la ligne 3", "share": 60}],
        self_ratings={"conception": 2},
        tutor_ratings={"conception": 3},
    )
    signature = sign_online(
        fiche,
        signer=tutor,
        purpose="Contreseing du tuteur",
        evidence=SignerEvidence(f"{tutor.first_name} {tutor.last_name}", "127.0.0.1", "tests"),
    )
    f.FicheFactory(apprenticeship=world.own, number=2)
    f.VisitFactory(
        apprenticeship=world.own, state=VisitState.REPORTED, overall_assessment="Très bonne intégration"
    )
    f.YearlyPlanFactory(apprenticeship=world.own, missions="Piloter le projet SMED")
    f.ProjectDossierFactory(apprenticeship=world.own, title="Réduire les rebuts de 30 %")
    return {"fiche": fiche, "signature": signature}


def _text(data: bytes) -> str:
    """The PDF's text, its line breaks as spaces."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_the_booklet_pdf_is_made_by_a_job_and_downloaded(
    world, login, documents, django_capture_on_commit_callbacks
):
    world.dossier.apprenticeship = world.own  # the recruitment mission sheet opens the booklet
    world.dossier.save(update_fields=["apprenticeship"])
    world.dossier.mission_sheet.year2_missions = "Piloter la maintenance de la presse 12"
    world.dossier.mission_sheet.save(update_fields=["year2_missions"])
    client = login(world["school_tutor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("lea:booklet_export", args=[world.own.pk]))

    export = BookletExport.objects.get()
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[export.job_id])
    job = Job.objects.get(pk=export.job_id)
    assert job.status == Job.Status.DONE, job.message
    assert job.done == job.total > 2  # progress per section
    assert job.next_url == reverse("lea:booklet_export_download", args=[export.pk])
    assert export.requested_by == world["school_tutor"]

    download = client.get(job.next_url)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    data = b"".join(download.streaming_content)
    assert hashlib.sha256(data).hexdigest() == BookletExport.objects.get().sha256
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 4  # cover, contents, two school years
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert {"2025-2026 · 1A", "2026-2027 · 2A"} <= set(outline)
    # the cover, the recruitment mission sheet, then each school year
    assert len(outline) == 4 and outline[-2:] == ["2025-2026 · 1A", "2026-2027 · 2A"]
    assert "Piloter la maintenance de la presse 12" in _text(data)
    text = _text(data)
    assert documents["signature"].verification_code in text
    assert "Analyse des rebuts de la ligne 3" in text
    assert "Très bonne intégration" in text and "Réduire les rebuts de 30 %" in text
    assert not download.has_header("Content-Disposition") or "attachment" in download["Content-Disposition"]
    assert download["Cache-Control"] == "private, no-store"


def test_a_job_run_again_keeps_the_pdf_already_made(world, documents, django_capture_on_commit_callbacks):
    from lea.jobs import start_booklet_export

    with django_capture_on_commit_callbacks(execute=True):
        export = start_booklet_export(apprenticeship=world.own, requested_by=world["scolarite"])
    export.refresh_from_db()
    first = export.sha256
    Job.objects.filter(pk=export.job_id).update(status=Job.Status.PENDING)
    run(export.job_id)
    export.refresh_from_db()
    assert export.sha256 == first and BookletExport.objects.count() == 1


@pytest.mark.parametrize("persona", ["company_contact", "outsider", "midisup", "candidate"])
def test_others_cannot_start_the_pdf(world, login, persona):
    response = login(world[persona]).post(reverse("lea:booklet_export", args=[world.own.pk]))
    assert response.status_code == 404
    assert not BookletExport.objects.exists() and not Job.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("apprentice", 200),
        ("company_tutor", 200),
        ("school_tutor", 200),
        ("option_lead", 200),
        ("scolarite", 200),
        ("company_contact", 404),
        ("midisup", 404),
        ("outsider", 404),
    ],
)
def test_only_those_who_may_export_download_it(world, login, persona, status):
    job = Job.objects.create(kind="lea.booklet_pdf", label="Livret", created_by=world["scolarite"])
    export = BookletExport(apprenticeship=world.own, job=job, requested_by=world["scolarite"])
    export.file.save("livret.pdf", ContentFile(b"%PDF-1.7 livret"), save=True)
    response = login(world[persona]).get(reverse("lea:booklet_export_download", args=[export.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.7 livret"


def test_an_export_not_made_yet_is_not_found(world, login):
    job = Job.objects.create(kind="lea.booklet_pdf", label="Livret", created_by=world["scolarite"])
    export = BookletExport.objects.create(apprenticeship=world.own, job=job, requested_by=world["scolarite"])
    assert (
        login(world["scolarite"]).get(reverse("lea:booklet_export_download", args=[export.pk])).status_code
        == 404
    )


def test_the_file_is_not_under_a_public_url(world, documents, django_capture_on_commit_callbacks):
    from lea.jobs import start_booklet_export

    with django_capture_on_commit_callbacks(execute=True):
        export = start_booklet_export(apprenticeship=world.own, requested_by=world["scolarite"])
    export.refresh_from_db()
    from django.test import Client

    assert Client().get("/" + settings.MEDIA_URL.lstrip("/") + export.file.name).status_code == 404
