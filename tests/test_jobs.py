"""Background jobs: run by Celery after commit, progress on a page, failures kept."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apprentissage import jobs as jobs_module
from apprentissage.jobs import job_handler, run, start_job, sweep_jobs
from apprentissage.models import Job

CALLS: list[int] = []


@job_handler("tests.count_to")
def count_to(job, progress):
    for number in range(1, job.payload["n"] + 1):
        CALLS.append(number)
        progress(number)
    return {"message": f"compté jusqu'à {job.payload['n']}"}


@job_handler("tests.resume")
def resume(job, progress):
    """Idempotent: starts after the steps already recorded."""
    for number in range(job.done + 1, job.payload["n"] + 1):
        CALLS.append(number)
        progress(number)
    return {}


BEATS: list = []


@job_handler("tests.beats")
def beats(job, progress):
    """Records the heartbeat at the start and after steps 50 and 100."""
    BEATS.clear()
    BEATS.append(Job.objects.get(pk=job.pk).heartbeat_at)
    for number in range(1, job.payload["n"] + 1):
        with time_machine.travel(datetime.timedelta(seconds=number)):
            progress(number)
        if number in (50, 100):
            BEATS.append(Job.objects.get(pk=job.pk).heartbeat_at)
    return {}


@job_handler("tests.explode")
def explode(job, progress):
    raise RuntimeError("disque plein")


@pytest.fixture(autouse=True)
def _reset():
    CALLS.clear()


def test_a_job_runs_after_commit_and_reports_done(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            kind="tests.count_to",
            label="Compter",
            created_by=world["scolarite"],
            payload={"n": 3},
            total=3,
            next_url="/",
        )
        assert Job.objects.get(pk=job.pk).status == Job.Status.PENDING  # nothing before commit
    job.refresh_from_db()
    assert (job.status, job.done, job.percent, job.message) == ("done", 3, 100, "compté jusqu'à 3")
    assert CALLS == [1, 2, 3]


def test_a_finished_job_is_not_run_again(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="tests.count_to", label="x", created_by=world["scolarite"], payload={"n": 2})
    run(job.pk)  # a duplicate delivery of the task
    assert CALLS == [1, 2]


def test_a_failing_job_is_marked_failed_with_its_reason(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(kind="tests.explode", label="x", created_by=world["scolarite"], payload={})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "disque plein" in job.message


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValueError):
        start_job(kind="tests.nope", label="x", created_by=world["scolarite"], payload={})


def test_progress_page_polls_until_done(world, login):
    job = Job.objects.create(
        kind="tests.count_to",
        label="Import",
        created_by=world["scolarite"],
        total=4,
        done=1,
        status=Job.Status.RUNNING,
    )
    client = login(world["scolarite"])
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="25"' in page
    partial = client.get(reverse("job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial
    Job.objects.filter(pk=job.pk).update(status=Job.Status.DONE, done=4)
    done = client.get(reverse("job_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done  # polling stops


def test_progress_is_written_every_50_steps_and_at_the_end(world, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apprentissage import jobs

    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 3600)  # steps only, whatever the machine

    job = Job.objects.create(
        kind="tests.count_to", label="x", created_by=world["scolarite"], payload={"n": 120}, total=120
    )
    with CaptureQueriesContext(connection) as queries:
        run(job.pk)

    progress_writes = [
        q["sql"] for q in queries if q["sql"].startswith('UPDATE "apprentissage_job" SET "done" =')
    ]
    assert list(range(1, 121)) == CALLS
    assert len(progress_writes) == 3  # at 50, 100 and 120 (not 120 writes)
    job.refresh_from_db()
    assert (job.status, job.done) == ("done", 120)


# --- Never "in progress" forever (issue 8, §1) ---------------------------------------------


def _stale(job, minutes_ago: int, **fields):
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=minutes_ago), **fields
    )


def test_progress_beats_the_heartbeat(world, monkeypatch):
    from apprentissage import jobs

    monkeypatch.setattr(jobs, "PROGRESS_EVERY_SECONDS", 3600)
    job = Job.objects.create(
        kind="tests.beats", label="x", created_by=world["scolarite"], payload={"n": 120}, total=120
    )
    run(job.pk)
    job.refresh_from_db()
    assert job.status == "done" and job.attempts == 1
    started, *beats = BEATS
    assert len(beats) == 2 and all(beat > started for beat in beats)  # at steps 50 and 100


def test_a_job_never_delivered_is_started_by_the_sweep(world):
    job = Job.objects.create(
        kind="tests.count_to", label="x", created_by=world["scolarite"], payload={"n": 2}
    )
    sweep_jobs()
    assert Job.objects.get(pk=job.pk).status == "pending"  # just queued: maybe still in the queue
    _stale(job, 10)
    assert sweep_jobs()["requeued"] == 1
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 1)
    assert CALLS == [1, 2]


def test_a_job_whose_worker_died_is_resumed_by_the_sweep(world):
    job = Job.objects.create(
        kind="tests.resume", label="x", created_by=world["scolarite"], payload={"n": 5}, total=5
    )
    _stale(job, 1, status=Job.Status.RUNNING, done=3, attempts=1)
    assert sweep_jobs()["resumed"] == 0  # the heartbeat is recent: the worker may be alive
    _stale(job, jobs_module.HEARTBEAT_TIMEOUT.seconds // 60 + 1)

    assert sweep_jobs()["resumed"] == 1

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts) == ("done", 5, 2)
    assert CALLS == [4, 5]  # resumed where the dead worker left off


def test_a_job_killed_too_often_is_failed_with_a_clear_message(world):
    job = Job.objects.create(
        kind="tests.count_to", label="x", created_by=world["scolarite"], payload={"n": 2}
    )
    _stale(job, 60, status=Job.Status.RUNNING, attempts=jobs_module.MAX_ATTEMPTS)

    assert sweep_jobs()["failed"] == 1

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at is not None
    assert job.message  # said to the person on the job's page
    assert CALLS == []


def test_a_running_job_with_a_fresh_heartbeat_is_not_run_twice(world):
    job = Job.objects.create(
        kind="tests.count_to", label="x", created_by=world["scolarite"], payload={"n": 2}
    )
    _stale(job, 0, status=Job.Status.RUNNING, attempts=1)
    run(job.pk)  # a duplicate delivery while a worker runs it
    assert CALLS == [] and Job.objects.get(pk=job.pk).status == "running"
