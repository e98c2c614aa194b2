from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxEmail(models.Model):
    """A copy of an e-mail sent in demo mode, listed on the demo outbox page.

    Outside demo mode nothing writes here: real mail goes to the SMTP server.
    """

    sent_at = models.DateTimeField(_("sending date"), auto_now_add=True)
    to = models.TextField(pgettext_lazy("e-mail", "recipients"))
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("text body"))
    html_body = models.TextField(_("HTML body"), blank=True)

    class Meta:
        verbose_name = _("demo e-mail")
        verbose_name_plural = _("demo e-mails")
        ordering = ["-sent_at", "-pk"]

    def __str__(self):
        return self.subject
