"""The portal's one mechanism for heavy work: a `Job` row, a Celery task, a progress page.

An app registers a handler with `@job_handler("app.kind")`: a function `(job, progress)`
returning a result dict (its "message" is shown to the person); it calls
`progress(done, total)` as it goes (as often as it likes: the row is written at most every
`PROGRESS_EVERY_STEPS` steps or `PROGRESS_EVERY_SECONDS` seconds, with the heartbeat).
`start_job()` records the job and publishes `apprentissage.run_job` after commit (never
blocking nor failing the request when the broker is down); the job's page polls its
progress (htmx) and links to `next_url` when done.

Nothing stays "waiting" or "in progress" forever: `sweep_jobs()` (Celery beat, every
minute) re-publishes a pending job queued more than `REQUEUE_AFTER` ago, and a running job
without heartbeat for `HEARTBEAT_TIMEOUT` (its worker died) is run again, or marked failed
with a message after `MAX_ATTEMPTS` runs. Handlers must therefore be idempotent: a job run
again must not do its work twice (each step is its own transaction and skips what exists;
`job.done` says where the last run got to).
"""

import datetime
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from apprentissage.models import Job

logger = logging.getLogger(__name__)
_handlers: dict[str, Callable] = {}
_failure_handlers: dict[str, Callable] = {}
PROGRESS_EVERY_STEPS = 50
PROGRESS_EVERY_SECONDS = 1.0
REQUEUE_AFTER = datetime.timedelta(minutes=5)  # pending that long: the broker lost it
HEARTBEAT_TIMEOUT = datetime.timedelta(minutes=10)  # running without progress: the worker died
MAX_ATTEMPTS = 3


def on_job_failed(kind: str):
    """Register `func(job_id)`, called when a job of `kind` fails (its handler raised, or the
    sweep gave it up: its worker died too often), so that what waits on the job (an import
    batch) says so too."""

    def register(func):
        _failure_handlers[kind] = func
        return func

    return register


def _failed(kind: str, job_id: int) -> None:
    if kind in _failure_handlers:
        _failure_handlers[kind](job_id)


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
    from apprentissage.celery import publish_on_commit
    from apprentissage.tasks import run_job

    publish_on_commit(run_job, job.pk)
    return job


def run(job_id: int) -> None:
    """Run a pending job. Idempotent: a job finished, or running on a live worker, is left
    alone (a duplicate delivery of the task, or the sweep's re-publication)."""
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING,
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return
    job = Job.objects.get(pk=job_id)

    written = {"done": job.done, "at": time.monotonic()}

    def progress(done: int, total: int | None = None) -> None:
        """Record the progress and the heartbeat, throttled: one UPDATE per 50 steps or per
        second at most (a new total, or the last step, is always written)."""
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
        Job.objects.filter(pk=job_id).update(**fields, heartbeat_at=timezone.now())

    try:
        result = _handlers[job.kind](job, progress)
    except Exception as error:
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), message=str(error)[:2000]
        )
        _failed(job.kind, job_id)
        return
    result = result or {}
    Job.objects.filter(pk=job_id).update(
        status=Job.Status.DONE,
        finished_at=timezone.now(),
        result=result,
        message=str(result.get("message", "")),
        done=job.total or 0,
    )


def sweep_jobs() -> dict:
    """Re-publish the jobs the broker never delivered; run again, or fail, the jobs whose
    worker died. Each change is a conditional UPDATE: two sweeps never act twice."""
    from apprentissage.celery import publish
    from apprentissage.tasks import run_job

    now = timezone.now()
    counts = {"requeued": 0, "resumed": 0, "failed": 0}
    lost = Job.objects.filter(status=Job.Status.PENDING, heartbeat_at__lt=now - REQUEUE_AFTER)
    for pk, heartbeat in list(lost.values_list("pk", "heartbeat_at")):
        same = Q(pk=pk, status=Job.Status.PENDING, heartbeat_at=heartbeat)
        if Job.objects.filter(same).update(heartbeat_at=now):
            counts["requeued"] += 1
            publish(run_job, pk)

    dead = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=now - HEARTBEAT_TIMEOUT)
    for pk, heartbeat, attempts, kind in list(dead.values_list("pk", "heartbeat_at", "attempts", "kind")):
        same = Q(pk=pk, status=Job.Status.RUNNING, heartbeat_at=heartbeat)
        if attempts >= MAX_ATTEMPTS:
            with translation.override(settings.LANGUAGE_CODE):
                message = gettext(
                    "This job was interrupted several times by a server stop and was abandoned. "
                    "What it had done is kept; ask the administrator before starting it again."
                )
            if Job.objects.filter(same).update(status=Job.Status.FAILED, finished_at=now, message=message):
                logger.error("Job %s failed: its worker stopped %s times", pk, attempts)
                counts["failed"] += 1
                _failed(kind, pk)
        elif Job.objects.filter(same).update(status=Job.Status.PENDING, heartbeat_at=now):
            logger.warning("Job %s: its worker stopped (attempt %s); run again", pk, attempts)
            counts["resumed"] += 1
            publish(run_job, pk)
    return counts
