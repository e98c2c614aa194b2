"""The Celery app for tests/test_worker_killed.py's worker process, with a slow job kind."""

import time

import django

django.setup()

from apprentissage.celery import app  # noqa: E402
from apprentissage.jobs import job_handler  # noqa: E402

__all__ = ["app"]


@job_handler("tests.slow")
def slow(job, progress):
    """Idempotent: a run goes on from the steps already recorded (`job.done`)."""
    from apprentissage.models import Job

    for number in range(job.done + 1, job.payload["n"] + 1):
        time.sleep(Job.objects.values_list("payload", flat=True).get(pk=job.pk)["sleep"])
        progress(number)
    return {"message": f"{job.payload['n']} steps"}
