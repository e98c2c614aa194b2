"""The portal's one mechanism for heavy work: a `Job` row, a Celery task, a progress page.

An app registers a handler with `@job_handler("app.kind")`: a function `(job, progress)`
returning a result dict (its "message" is shown to the person); it calls
`progress(done, total)` as it goes (as often as it likes: the row is written at most every
`PROGRESS_EVERY_STEPS` steps or `PROGRESS_EVERY_SECONDS` seconds). `start_job()` records
the job and queues `apprentissage.run_job` after commit; the job's page polls its progress
(htmx) and links to `next_url` when done. Handlers must be idempotent: a job retried after
a crash must not do its work twice (each step is its own transaction and skips what exists).
"""

import logging
import time
from collections.abc import Callable
from functools import partial

from django.db import transaction
from django.utils import timezone

from apprentissage.models import Job

logger = logging.getLogger(__name__)
_handlers: dict[str, Callable] = {}
PROGRESS_EVERY_STEPS = 50
PROGRESS_EVERY_SECONDS = 1.0


def job_handler(kind: str):
    def register(func):
        _handlers[kind] = func
        return func

    return register


def start_job(*, kind: str, label: str, created_by, payload: dict, total: int = 0, next_url: str = "") -> Job:
    if kind not in _handlers:
        raise ValueError(f"no handler for job kind {kind}")
    job = Job.objects.create(
        kind=kind, label=label, created_by=created_by, payload=payload, total=total, next_url=next_url
    )
    from apprentissage.tasks import run_job

    transaction.on_commit(partial(run_job.delay, job.pk))
    return job


def run(job_id: int) -> None:
    """Run a pending job (a finished one is left alone: the task is idempotent)."""
    updated = Job.objects.filter(pk=job_id, status__in=[Job.Status.PENDING, Job.Status.RUNNING]).update(
        status=Job.Status.RUNNING, started_at=timezone.now()
    )
    if not updated:
        return
    job = Job.objects.get(pk=job_id)

    written = {"done": 0, "at": time.monotonic()}

    def progress(done: int, total: int | None = None) -> None:
        """Record the progress, throttled: one UPDATE per 50 steps or per second at most
        (a new total, or the last step, is always written)."""
        now = time.monotonic()
        last_step = done == (total if total is not None else job.total)
        if (
            total is None
            and not last_step
            and done - written["done"] < PROGRESS_EVERY_STEPS
            and now - written["at"] < PROGRESS_EVERY_SECONDS
        ):
            return
        written.update(done=done, at=now)
        fields = {"done": done} if total is None else {"done": done, "total": total}
        Job.objects.filter(pk=job_id).update(**fields)

    try:
        result = _handlers[job.kind](job, progress)
    except Exception as error:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=str(error)[:2000]
        )
        return
    result = result or {}
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE,
        finished_at=timezone.now(),
        result=result,
        message=str(result.get("message", "")),
        done=job.total or 0,
    )
