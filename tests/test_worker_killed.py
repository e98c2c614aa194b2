"""A worker killed in the middle of a job (kill -9): the job is not "in progress" forever,
the sweep runs it again from where it was (issue 8, §1). Needs Redis and a database that
another process can open (PostgreSQL): CI has both."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from apprentissage import jobs
from apprentissage.celery import app
from apprentissage.models import Job
from apprentissage.tasks import run_job

from . import factories as f
from . import slow_jobs  # noqa: F401  (the handler, for the sweep's run in this process)

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ROOT = Path(__file__).resolve().parent.parent


def _wait_for(predicate, what: str, seconds: float = 90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def worker_process():
    """A real Celery worker (another process) on its own queue, with the test database."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        pytest.skip("REDIS_URL is not set: the killed-worker test needs Redis (CI sets it).")
    if connection.vendor != "postgresql":
        pytest.skip("The worker process must open the test database: PostgreSQL only (CI).")
    s = connection.settings_dict
    where = f"{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    queue = f"killed-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "apprentissage.test_settings",
        "DATABASE_URL": f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{where}",
        "REDIS_URL": redis_url,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "tests.slow_jobs", "worker", "--pool=solo", "-Q", queue,
         "--without-mingle", "--without-gossip", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        yield process, queue
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def test_a_job_of_a_killed_worker_is_resumed_by_the_sweep(worker_process):
    process, queue = worker_process
    job = Job.objects.create(
        kind="tests.slow",
        label="Lent",
        created_by=f.UserFactory(),
        payload={"n": 40, "sleep": 0.25},
        total=40,
    )
    app.conf.task_always_eager = False  # through Redis to the worker process
    try:
        run_job.apply_async((job.pk,), queue=queue)
    finally:
        app.conf.task_always_eager = True

    def running_with_progress():
        job.refresh_from_db()
        return job.status == Job.Status.RUNNING and job.done >= 4

    _wait_for(running_with_progress, "the worker to run the job")
    process.send_signal(signal.SIGKILL)  # kill -9: no chance to clean up
    process.wait(timeout=30)
    job.refresh_from_db()
    killed_at = job.done
    assert job.status == Job.Status.RUNNING and 4 <= killed_at < 40 and job.attempts == 1

    assert jobs.sweep_jobs() == {"requeued": 0, "resumed": 0, "failed": 0}  # the heartbeat is fresh
    # Later: no heartbeat for longer than the timeout. The sweep runs the job again (eager
    # here: in this process), from where the killed worker left it.
    Job.objects.filter(pk=job.pk).update(
        heartbeat_at=timezone.now() - jobs.HEARTBEAT_TIMEOUT - datetime.timedelta(minutes=1),
        payload={"n": 40, "sleep": 0},
    )
    assert jobs.sweep_jobs()["resumed"] == 1

    job.refresh_from_db()
    assert (job.status, job.done, job.attempts, job.message) == ("done", 40, 2, "40 steps")
