"""Core tasks. Thin: arguments are plain data (ids), the work is in services, `mail`, `jobs`.

Every task is idempotent: a task delivered twice, or after the sweep did its work, does
nothing more. Results are not kept (`CELERY_TASK_IGNORE_RESULT`), except the ping's.
"""

from celery import shared_task


@shared_task(name="apprentissage.send_email")
def send_email(outbox_id: int | None = None, **message) -> bool:
    """Send a stored e-mail (`OutboxEmail`) once; a failure is retried by the sweep with
    back-off (see `apprentissage.mail`). A message queued by the previous version (its
    fields as arguments, still in the broker when upgrading) is stored, then sent."""
    from apprentissage.mail import send_stored, store_email

    if outbox_id is None:
        outbox_id = store_email(**message).pk
    return send_stored(outbox_id)


@shared_task(name="apprentissage.sweep")
def sweep() -> dict:
    """Every minute (Celery beat): the e-mails and jobs the broker never took, the e-mails
    to retry, the jobs of a worker that died."""
    from apprentissage.jobs import sweep_jobs
    from apprentissage.mail import sweep_outbox

    return {**sweep_outbox(), **sweep_jobs()}


@shared_task(name="apprentissage.ping", bind=True, ignore_result=False)
def ping(self) -> dict:
    """Round trip through the broker, used by the health check and its test."""
    delivery = self.request.delivery_info or {}
    return {
        "pong": True,
        "eager": bool(self.request.is_eager),
        "routing_key": delivery.get("routing_key"),
    }


@shared_task(name="apprentissage.send_daily_digests")
def send_daily_digests() -> int:
    from apprentissage.notifications import send_daily_digests as send

    return send()


@shared_task(name="apprentissage.run_job", acks_late=True)
def run_job(job_id: int) -> None:
    from apprentissage.jobs import run

    run(job_id)
