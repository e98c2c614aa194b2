from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BookletExport(models.Model):
    """A PDF of a whole booklet, produced by a background job for a jury or a quality audit."""

    apprenticeship = models.ForeignKey(
        "apprentissage.Apprenticeship", on_delete=models.PROTECT, related_name="booklet_exports"
    )
    job = models.OneToOneField("apprentissage.Job", on_delete=models.PROTECT, related_name="booklet_export")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    file = models.FileField(_("file"), upload_to="lea/booklets/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("booklet PDF")
        verbose_name_plural = _("booklet PDFs")
        ordering = ["-requested_at"]

    def __str__(self):
        return f"{self.apprenticeship} ({self.requested_at:%Y-%m-%d})"
