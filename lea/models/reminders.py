from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lea.enums import ReminderStep


class Reminder(models.Model):
    """A reminder sent about a follow-up document (fiche, description, dossier): by the
    daily task at a step of the cadence, or by a person's click. Kept as evidence (dated,
    attributable) and shown on the document. An automatic step is sent once per due date:
    the unique constraint makes the task idempotent; a moved due date starts a new cadence."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    step = models.CharField(_("step"), max_length=20, choices=ReminderStep.choices)
    due_on = models.DateField(_("about the due date"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent to"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )  # None: the portal's daily task

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "sent_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "step", "due_on", "recipient"],
                condition=~models.Q(step="manual"),
                name="each_reminder_step_sent_once",
            )
        ]

    def __str__(self):
        return f"{self.get_step_display()} → {self.recipient} ({self.sent_at:%Y-%m-%d})"

    @classmethod
    def of(cls, document):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(document), object_id=document.pk
        ).select_related("recipient", "sent_by")
