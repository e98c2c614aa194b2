"""The core's two-step import (apprentissage/imports.py), through recruitment's candidate
import: the preview kept server-side, only the good lines, a double confirmation, someone
else's file, a large file checked by a job, a retried job, and the queries per line."""

import dataclasses
import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprentissage import imports, jobs
from apprentissage.jobs import run
from apprentissage.models import ImportBatch, Job
from recruitment.forms import CANDIDATE_COLUMNS
from recruitment.jobs import IMPORT_CANDIDATES
from recruitment.models import Candidate

HEADERS = [c.header for c in CANDIDATE_COLUMNS]


def _line(number: int, email: str | None = None, prefix: str = "importe") -> list[str]:
    return [
        f"Nom{number}",
        "Prénom",
        email or f"{prefix}{number}@example.com",
        "",
        "14/03/2005",
        "but",
        "",
        "GenIndus",
        "2027",
        "",
        "",
        "",
        "",
    ]


def _csv(lines) -> SimpleUploadedFile:
    text = "\r\n".join(";".join(row) for row in [HEADERS, *lines]) + "\r\n"
    return SimpleUploadedFile("candidats.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def scolarite(world, login):
    return login(world["scolarite"])


def _upload(client, lines, **data):
    return client.post(reverse("recruitment:candidate_import"), {"file": _csv(lines), **data})


def _confirm(client, batch, capture, **data):
    with capture(execute=True):
        return client.post(reverse("import_confirm", args=[batch.pk]), {"confirm": "1", **data})


def test_preview_is_kept_in_a_batch_row_not_in_the_session(world, scolarite):
    scolarite.get(reverse("home"))  # the session's refresh after signing in
    session_keys = set(scolarite.session.keys())

    response = _upload(scolarite, [_line(1), _line(2, email="pas-une-adresse")])

    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("import_preview", args=[batch.pk])
    assert set(scolarite.session.keys()) == session_keys
    assert (batch.created_by, batch.kind, batch.file_name) == (
        world["scolarite"],
        IMPORT_CANDIDATES,
        "candidats.csv",
    )
    assert (batch.status, batch.line_count, batch.valid_count, batch.error_count) == ("has_errors", 2, 1, 1)
    assert [(row["line"], bool(row["errors"])) for row in batch.rows] == [(2, False), (3, True)]
    page = scolarite.get(response["Location"])
    assert page.status_code == 200 and [line.line for line in page.context["lines"]] == [2, 3]
    assert 'name="only_valid_rows"' in page.content.decode()  # the "only the good lines" button


def test_only_the_good_lines_asked_on_the_preview_imports_exactly_them(
    scolarite, django_capture_on_commit_callbacks
):
    _upload(scolarite, [_line(1), _line(2, email="pas-une-adresse"), _line(3)])
    batch = ImportBatch.objects.get()

    refused = _confirm(scolarite, batch, django_capture_on_commit_callbacks)
    assert refused["Location"] == reverse("import_preview", args=[batch.pk]) and not Job.objects.exists()

    response = _confirm(scolarite, batch, django_capture_on_commit_callbacks, only_valid_rows="on")

    batch.refresh_from_db()
    assert response["Location"] == reverse("job_detail", args=[batch.apply_job_id])
    assert (batch.status, batch.only_valid_rows, batch.apply_job.result["imported"]) == ("applied", True, 2)
    assert set(Candidate.objects.filter(cohort__entry_year=2027).values_list("user__email", flat=True)) >= {
        "importe1@example.com",
        "importe3@example.com",
    }
    assert not Candidate.objects.filter(user__email="pas-une-adresse").exists()


def test_a_double_confirmation_starts_one_job_and_answers_already_done(
    scolarite, django_capture_on_commit_callbacks
):
    _upload(scolarite, [_line(1)])
    batch = ImportBatch.objects.get()
    before = Candidate.objects.count()

    first = _confirm(scolarite, batch, django_capture_on_commit_callbacks)
    second = _confirm(scolarite, batch, django_capture_on_commit_callbacks)

    job = Job.objects.get()
    assert first["Location"] == second["Location"] == reverse("job_detail", args=[job.pk])
    assert Candidate.objects.count() == before + 1
    preview = scolarite.get(reverse("import_preview", args=[batch.pk]))
    assert 'name="confirm"' not in preview.content.decode()  # no button any more, a link to the job
    assert reverse("job_detail", args=[job.pk]) in preview.content.decode()


def test_someone_elses_file_is_404_and_cannot_be_confirmed(
    world, login, scolarite, django_capture_on_commit_callbacks
):
    _upload(scolarite, [_line(1)])
    batch = ImportBatch.objects.get()
    other = login(world["admin"])  # may import too, but this file is scolarité's

    assert other.get(reverse("import_preview", args=[batch.pk])).status_code == 404
    assert _confirm(other, batch, django_capture_on_commit_callbacks).status_code == 404
    batch.refresh_from_db()
    assert (batch.status, batch.apply_job) == ("ready", None)


def test_a_large_file_is_checked_by_a_background_job(scolarite, django_capture_on_commit_callbacks):
    lines = [_line(n) for n in range(imports.INLINE_CHECK_MAX_LINES + 1)]
    lines[-1][2] = lines[0][2]  # the last line repeats the first person

    with django_capture_on_commit_callbacks(execute=True):
        response = _upload(scolarite, lines)

    batch = ImportBatch.objects.get()
    check = batch.check_job
    assert response["Location"] == reverse("job_detail", args=[check.pk])
    check.refresh_from_db()
    assert (check.kind, check.status, check.next_url) == (
        imports.CHECK_JOB,
        "done",
        reverse("import_preview", args=[batch.pk]),
    )
    batch.refresh_from_db()
    assert (batch.status, batch.valid_count, batch.error_count) == ("has_errors", len(lines) - 1, 1)
    assert [row["line"] for row in batch.rows if row["errors"]] == [len(lines) + 1]


def test_a_file_still_being_checked_leads_to_its_job_and_cannot_be_confirmed(
    scolarite, django_capture_on_commit_callbacks
):
    lines = [_line(n) for n in range(imports.INLINE_CHECK_MAX_LINES + 1)]
    _upload(scolarite, lines)  # the check job is queued, not run (no commit)
    batch = ImportBatch.objects.get()

    preview = scolarite.get(reverse("import_preview", args=[batch.pk]))
    refused = _confirm(scolarite, batch, django_capture_on_commit_callbacks)

    assert preview["Location"] == reverse("job_detail", args=[batch.check_job_id])
    assert refused["Location"] == reverse("import_preview", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.status, batch.apply_job) == ("checking", None)


def test_a_retried_applying_job_does_not_import_twice(scolarite, django_capture_on_commit_callbacks):
    _upload(scolarite, [_line(1), _line(2)])
    batch = ImportBatch.objects.get()
    _confirm(scolarite, batch, django_capture_on_commit_callbacks)
    batch.refresh_from_db()
    job = batch.apply_job
    count = Candidate.objects.count()

    # The worker died before the end (the job still "running", its heartbeat old, the batch
    # not marked applied): the sweep runs it again; every line is already recorded, so none
    # is imported again.
    stale = timezone.now() - jobs.HEARTBEAT_TIMEOUT - datetime.timedelta(minutes=1)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=stale)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CONFIRMED)
    assert jobs.sweep_jobs()["resumed"] == 1
    # And again once the batch is applied: left alone.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=stale)
    assert jobs.sweep_jobs()["resumed"] == 1

    job.refresh_from_db()
    batch.refresh_from_db()
    assert Candidate.objects.count() == count
    assert (job.status, batch.status) == ("done", "applied")


def _apply_queries(world, lines: int) -> int:
    keys = [c.key for c in CANDIDATE_COLUMNS]
    rows = [
        {"line": n, "raw": dict(zip(keys, _line(n, prefix=f"p{lines}-"), strict=True))} for n in range(lines)
    ]
    batch = ImportBatch.objects.create(
        kind=IMPORT_CANDIDATES,
        created_by=world["scolarite"],
        file_name="x.csv",
        status=ImportBatch.Status.CONFIRMED,
        rows=[{**row, "errors": [], "data": {}} for row in rows],
        valid_count=lines,
    )
    job = Job.objects.create(
        kind=imports.APPLY_JOB,
        label="x",
        created_by=world["scolarite"],
        payload={"batch": batch.pk},
        total=lines,
    )
    with CaptureQueriesContext(connection) as queries:
        run(job.pk)
    assert Candidate.objects.filter(user__email=f"p{lines}-{lines - 1}@example.com").exists()
    return len(queries)


def test_the_applying_job_runs_ten_queries_per_line(world):
    # Per line: the cohort (get_or_create), the person (lookup), their insert and history row,
    # their e-mail address, the invitation e-mail's outbox row, the candidate's insert and
    # history row, a savepoint and its release (record_candidate's transaction). The option
    # and "already recorded" lookups are made once per file; the progress is written every 50
    # lines (50 more lines: one more write). Before: 13 per line and a progress write per line.
    assert _apply_queries(world, 60) - _apply_queries(world, 10) == 10 * 50 + 1


def test_batches_older_than_a_month_are_deleted_with_their_personal_data(world, scolarite):
    _upload(scolarite, [_line(1)])
    old = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=imports.KEEP_DAYS + 1)
    )

    _upload(scolarite, [_line(2)])

    assert not ImportBatch.objects.filter(pk=old.pk).exists()
    assert ImportBatch.objects.count() == 1


def test_an_import_whose_job_is_abandoned_is_failed_not_in_progress_forever(
    scolarite, django_capture_on_commit_callbacks
):
    lines = [_line(n) for n in range(imports.INLINE_CHECK_MAX_LINES + 1)]
    _upload(scolarite, lines)  # the check job is queued; its worker then dies, again and again
    batch = ImportBatch.objects.get()
    Job.objects.filter(pk=batch.check_job_id).update(
        status=Job.Status.RUNNING,
        attempts=jobs.MAX_ATTEMPTS,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )

    assert jobs.sweep_jobs()["failed"] == 1

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED


def _failing(monkeypatch, step: str) -> None:
    def boom(*args):
        raise RuntimeError("disque plein")

    spec = imports.get_spec(IMPORT_CANDIDATES)
    monkeypatch.setitem(imports._specs, IMPORT_CANDIDATES, dataclasses.replace(spec, **{step: boom}))


def test_an_import_whose_check_raises_is_failed_not_being_checked_forever(scolarite, monkeypatch):
    _upload(scolarite, [_line(n) for n in range(imports.INLINE_CHECK_MAX_LINES + 1)])
    batch = ImportBatch.objects.get()
    _failing(monkeypatch, "check")

    run(batch.check_job_id)

    batch.refresh_from_db()
    assert (batch.status, batch.check_job.status) == (ImportBatch.Status.FAILED, Job.Status.FAILED)


def test_an_import_whose_apply_raises_is_failed_not_being_imported_forever(
    scolarite, monkeypatch, django_capture_on_commit_callbacks
):
    _upload(scolarite, [_line(1)])
    batch = ImportBatch.objects.get()
    _failing(monkeypatch, "apply")

    _confirm(scolarite, batch, django_capture_on_commit_callbacks)

    batch.refresh_from_db()
    assert (batch.status, batch.apply_job.status) == (ImportBatch.Status.FAILED, Job.Status.FAILED)
    assert "disque plein" in batch.apply_job.message
    page = scolarite.get(reverse("import_preview", args=[batch.pk])).content.decode()
    assert reverse("import_confirm", args=[batch.pk]) not in page  # no "import the correct lines" offer
