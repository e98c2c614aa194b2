from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One uploaded file of a two-step import (see `apprentissage.imports`): its lines with
    their errors, kept server-side between the check and the confirmation."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("being checked")
        READY = "ready", _("ready to import")
        HAS_ERRORS = "has_errors", _("has errors")
        CONFIRMED = "confirmed", _("being imported")
        APPLIED = "applied", _("imported")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CHECKING)
    only_valid_rows = models.BooleanField(_("import only the correct lines"), default=False)
    # [{"line": n, "raw": {column: text}, "errors": [...], "data": {...}}]
    rows = models.JSONField(_("lines"), default=list, blank=True)
    file_errors = models.JSONField(_("errors about the whole file"), default=list, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)
    valid_count = models.PositiveIntegerField(_("correct lines"), default=0)
    error_count = models.PositiveIntegerField(_("lines with errors"), default=0)
    check_job = models.ForeignKey(
        "apprentissage.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    apply_job = models.ForeignKey(
        "apprentissage.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind}: {self.file_name} ({self.get_status_display()})"

    @property
    def is_ok(self) -> bool:
        return self.error_count == 0 and not self.file_errors

    @property
    def can_confirm(self) -> bool:
        """Something to import, and either no error or only the correct lines asked for
        (errors about the whole file always block)."""
        if self.status not in (self.Status.READY, self.Status.HAS_ERRORS) or not self.valid_count:
            return False
        return self.is_ok or (self.only_valid_rows and not self.file_errors)
