from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxEmail(models.Model):
    """An e-mail of the transactional outbox (`apprentissage/mail.py`).

    The row is written in the transaction of the change that sends it, so a committed change
    never loses its e-mail and a rolled-back one sends nothing. The `apprentissage.send_email`
    task sends it by id, once; the sweep (Celery beat, every minute) sends what the broker
    never took and retries failures with back-off. In demo mode the outbox page lists them.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("to send")
        SENT = "sent", pgettext_lazy("e-mail", "sent")
        FAILED = "failed", _("failed")

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sending date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the message may be tried next: its back-off after a failure, or the lease of the
    # worker that claimed it (a worker killed while sending lets the sweep retry after it).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    to = models.TextField(pgettext_lazy("e-mail", "recipients"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text body"))
    html_body = models.TextField(_("HTML body"), blank=True)
    # Files sent with the message: [{"filename", "mimetype", "content"}] (text content, e.g. an
    # iCalendar invitation).
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]

    def __str__(self):
        return self.subject

    @property
    def recipients(self) -> list[str]:
        return [address.strip() for address in self.to.split(",") if address.strip()]
