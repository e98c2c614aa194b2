"""E-mail: render in the request, send from a Celery task once the transaction commits.

Every e-mail is three templates: ``<prefix>_subject.txt``, ``<prefix>_message.txt`` and
``<prefix>_message.html``. A failing mail server makes the task retry; the database
change that caused the mail is already committed and never lost.
"""

from collections.abc import Iterable
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation


def render_email(template_prefix: str, context: dict) -> tuple[str, str, str]:
    context = {"site_url": settings.SITE_URL, **context}
    subject = render_to_string(f"{template_prefix}_subject.txt", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    body = render_to_string(f"{template_prefix}_message.txt", context)
    html_body = render_to_string(f"{template_prefix}_message.html", context)
    return subject, body, html_body


def queue_email(*, to: Iterable[str], subject: str, body: str, html_body: str = "") -> None:
    """Send after the current transaction commits (at once when there is none)."""
    from apprentissage.tasks import send_email

    transaction.on_commit(
        partial(send_email.delay, to=list(to), subject=subject, body=body, html_body=html_body)
    )


def queue_templated_email(
    *, to: Iterable[str], template_prefix: str, context: dict, language: str | None = None
) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, body, html_body = render_email(template_prefix, context)
    queue_email(to=to, subject=subject, body=body, html_body=html_body)


def queue_message(message: EmailMessage) -> None:
    """Queue an already-rendered message (used for allauth's own e-mails)."""
    html_body = ""
    for content, mimetype in getattr(message, "alternatives", []):
        if mimetype == "text/html":
            html_body = content
    queue_email(to=message.to, subject=message.subject, body=message.body, html_body=html_body)


class DemoOutboxBackend(LocmemBackend):
    """Demo mode: keep a copy of every e-mail in the database for the outbox page."""

    def send_messages(self, messages):
        from apprentissage.models import OutboxEmail

        for message in messages:
            html_body = ""
            for content, mimetype in getattr(message, "alternatives", []):
                if mimetype == "text/html":
                    html_body = content
            OutboxEmail.objects.create(
                to=", ".join(message.to),
                subject=message.subject,
                body=message.body,
                html_body=html_body,
            )
        return super().send_messages(messages)
