"""The portal's one notification mechanism.

`notify()` records a notification for each recipient (shown on their home page) and, for
those who want one per event, an e-mail in the outbox (same transaction, sent after commit:
see `apprentissage.mail`); the others receive the
daily digest (`send_daily_digests`, run by Celery beat). Company tutors default to the
digest: they asked for fewer e-mails.
"""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apprentissage.mail import Attachment, queue_templated_email
from apprentissage.models import Notification, User
from apprentissage.models.users import EmailFrequency


def email_frequency_of(user: User) -> str:
    if user.email_frequency:
        return user.email_frequency
    if hasattr(user, "company_tutor_profile"):
        return EmailFrequency.DAILY_DIGEST
    return EmailFrequency.IMMEDIATE


def notify(
    recipients: Iterable[User | None],
    *,
    title: str,
    url: str,
    message: str = "",
    attachments: Iterable[Attachment] = (),
) -> list[Notification]:
    """Tell each recipient (None and duplicates are skipped). Side effects: Notification
    rows and the immediate e-mails' outbox rows now; the e-mails are sent after commit.

    A notification with `attachments` (an iCalendar invitation) is e-mailed at once, with
    them, even to those who chose the daily digest: the digest carries no files, and an
    invitation is only useful in the mailbox, where the calendar program reads it."""
    attachments = list(attachments)
    seen: set[int] = set()
    created = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        notification = Notification.objects.create(recipient=user, title=title, url=url, message=message)
        created.append(notification)
        if attachments or email_frequency_of(user) == EmailFrequency.IMMEDIATE:
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            queue_templated_email(
                to=[user.email],
                template_prefix="emails/notification",
                context={"person": user, "notification": notification, "link": settings.SITE_URL + url},
                attachments=attachments,
            )
    return created


def send_daily_digests() -> int:
    """One e-mail per person with the notifications not yet e-mailed. Idempotent: each
    notification is marked in the same transaction as its digest is stored in the outbox."""
    sent = 0
    pending = (
        Notification.objects.filter(emailed_at__isnull=True).values_list("recipient_id", flat=True).distinct()
    )
    for recipient_id in list(pending):
        with transaction.atomic():
            user = User.objects.get(pk=recipient_id)
            items = list(
                Notification.objects.select_for_update()
                .filter(recipient=user, emailed_at__isnull=True)
                .order_by("created_at")
            )
            if not items or not user.is_active:
                continue
            Notification.objects.filter(pk__in=[n.pk for n in items]).update(emailed_at=timezone.now())
            queue_templated_email(
                to=[user.email],
                template_prefix="emails/digest",
                context={"person": user, "items": items, "site_url": settings.SITE_URL},
            )
            sent += 1
    return sent


def mark_read(notification: Notification) -> None:
    if notification.read_at is None:
        Notification.objects.filter(pk=notification.pk).update(read_at=timezone.now())
