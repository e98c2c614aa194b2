"""Core tasks. Thin: arguments are plain data, the work is in services and `mail`."""

import smtplib

from celery import shared_task
from django.core.mail import EmailMultiAlternatives


@shared_task(
    name="apprentissage.send_email",
    bind=True,
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=12,
)
def send_email(self, *, to: list[str], subject: str, body: str, html_body: str = "") -> int:
    message = EmailMultiAlternatives(subject=subject, body=body, to=to)
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()


@shared_task(name="apprentissage.ping", bind=True)
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
