"""E-mail: a transactional outbox. Render in the request, store with the change, send by id.

Every e-mail is three templates: ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and
``<prefix>_message.html``. `queue_email` stores an `OutboxEmail` row in the current
transaction and publishes `apprentissage.send_email(id)` after commit: a rolled-back change
sends nothing, a committed one never loses its e-mail, even with the broker down (publishing
never blocks nor raises). `send_stored` sends a row once: it claims it first (a lease), so
two deliveries of the task, or the task and the sweep, never send it twice. A failing mail
server gives a growing back-off (1, 2, 4 … 60 minutes), then `failed` after `MAX_ATTEMPTS`.
`sweep_outbox`, run every minute by Celery beat, sends what is due: never published, failed
for now, or claimed by a worker that died.
"""

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from apprentissage.models import OutboxEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # about 2 hours of back-off in all, then "failed" (seen in the admin)
FIRST_BACKOFF = datetime.timedelta(minutes=1)
MAX_BACKOFF = datetime.timedelta(hours=1)
CLAIM_LEASE = datetime.timedelta(minutes=5)  # a claim older than this is a dead worker's
SWEEP_BATCH = 200
SWEEP_STOP_AFTER_FAILURES = 3  # the mail server is down: leave the rest for the next sweep
KEEP_DAYS = 30  # sent and failed messages are deleted after this (they hold personal data)


@dataclass(frozen=True)
class Attachment:
    """A text file sent with a message (an iCalendar invitation: ``text/calendar``)."""

    filename: str
    content: str
    mimetype: str = "text/plain"


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    body = render_to_string(f"{template_prefix}_message.txt", context)
    html_body = render_to_string(f"{template_prefix}_message.html", context)
    return subject, body, html_body


def queue_email(
    *, to: Iterable[str], subject: str, body: str, html_body: str = "", attachments: Iterable[Attachment] = ()
) -> OutboxEmail:
    """Store the message in the current transaction; send it after commit (at once when
    there is no transaction)."""
    from apprentissage.celery import publish_on_commit
    from apprentissage.tasks import send_email

    message = store_email(to=to, subject=subject, body=body, html_body=html_body, attachments=attachments)
    publish_on_commit(send_email, message.pk)
    return message


def store_email(
    *, to: Iterable[str], subject: str, body: str, html_body: str = "", attachments: Iterable[Attachment] = ()
) -> OutboxEmail:
    return OutboxEmail.objects.create(
        to=", ".join(to),
        subject=subject[:255],
        body=body,
        html_body=html_body,
        attachments=[
            {"filename": a.filename, "mimetype": a.mimetype, "content": a.content} for a in attachments
        ],
    )


def queue_templated_email(
    *,
    to: Iterable[str],
    template_prefix: str,
    context: dict,
    language: str | None = None,
    attachments: Iterable[Attachment] = (),
) -> OutboxEmail:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body, html_body = render_email(template_prefix, context)
    return queue_email(to=to, subject=subject, body=body, html_body=html_body, attachments=attachments)


def queue_message(message: EmailMessage) -> OutboxEmail:
    """Queue an already-rendered message (used for allauth's own e-mails)."""
    return queue_email(to=message.to, subject=message.subject, body=message.body, html_body=_html_of(message))


def _html_of(message: EmailMessage) -> str:
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            return content
    return ""


def backoff(attempts: int) -> datetime.timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def send_stored(pk: int) -> bool:
    """Send the stored message `pk` if it is due, once. True when it was sent now."""
    return _send(pk) == "sent"


def _send(pk: int) -> str:
    """The outcome: "sent", "error" (retried later, or given up) or "skipped"."""
    now = timezone.now()
    claimed = OutboxEmail.objects.filter(
        pk=pk, status=OutboxEmail.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + CLAIM_LEASE, attempts=F("attempts") + 1)
    if not claimed:  # sent already, failed for good, not due yet, or another worker has it
        return "skipped"
    message = OutboxEmail.objects.get(pk=pk)
    email = EmailMultiAlternatives(subject=message.subject, body=message.body, to=message.recipients)
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    email.outbox_id = message.pk  # the demo backend keeps no second copy of it
    try:
        email.send()
    except Exception as error:
        failed = message.attempts >= MAX_ATTEMPTS
        logger.warning(
            "E-mail %s not sent (attempt %s%s): %s",
            pk,
            message.attempts,
            ", given up" if failed else "",
            error,
            exc_info=not isinstance(error, OSError),  # SMTP and network errors are OSErrors
        )
        OutboxEmail.objects.filter(pk=pk).update(
            status=OutboxEmail.Status.FAILED if failed else OutboxEmail.Status.PENDING,
            next_attempt_at=timezone.now() + backoff(message.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
        return "error"
    OutboxEmail.objects.filter(pk=pk).update(
        status=OutboxEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def sweep_outbox() -> dict:
    """Send the messages that are due (oldest first); delete old sent and failed ones."""
    due = OutboxEmail.objects.filter(
        status=OutboxEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
    ).order_by("next_attempt_at", "pk")
    sent = failures = 0
    for pk in list(due.values_list("pk", flat=True)[:SWEEP_BATCH]):
        outcome = _send(pk)
        if outcome == "sent":
            sent += 1
            failures = 0
        elif outcome == "error":
            failures += 1
            if failures >= SWEEP_STOP_AFTER_FAILURES:
                break
    purged, _detail = OutboxEmail.objects.filter(
        status__in=[OutboxEmail.Status.SENT, OutboxEmail.Status.FAILED],
        created_at__lt=timezone.now() - datetime.timedelta(days=KEEP_DAYS),
    ).delete()
    return {"emails_sent": sent, "emails_purged": purged}


class DemoOutboxBackend(LocmemBackend):
    """Demo mode: what the outbox sends already has its row (listed on the outbox page);
    keep a copy of any other e-mail sent directly."""

    def send_messages(self, messages):
        for message in messages:
            if getattr(message, "outbox_id", None):
                continue
            OutboxEmail.objects.create(
                to=", ".join(message.to),
                subject=message.subject,
                body=message.body,
                html_body=_html_of(message),
                status=OutboxEmail.Status.SENT,
                sent_at=timezone.now(),
            )
        return super().send_messages(messages)
