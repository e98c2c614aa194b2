import secrets

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# No 0/O, 1/I/L: the code is typed from a printed page.
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_verification_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(12))


class TransitionLog(models.Model):
    """Audit trail of every transition of every document: who, when, from, to, why."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("action"), max_length=50)
    from_state = models.CharField(_("from"), max_length=40)
    to_state = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("workflow step")
        verbose_name_plural = _("workflow steps")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self):
        return f"{self.transition}: {self.from_state} → {self.to_state}"


class Signature(models.Model):
    """A simple electronic signature (eIDAS "simple" level), or a paper one scanned.

    A recorded event, never a boolean: who signed, when, how, and the SHA-256 of the
    document's content at that moment. Voiding (scolarité reopening the document) keeps
    the record and says who voided it and why.
    """

    class Method(models.TextChoices):
        ONLINE = "online", _("signed online")
        PAPER = "paper", _("signed on paper")
        CERTIFIED = "certified", _("certified by the school through the portal")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    purpose = models.CharField(_("signed as"), max_length=60)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    signer_name = models.CharField(_("name typed by the signer"), max_length=200)
    signed_at = models.DateTimeField(_("signed at"), default=timezone.now)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=500, blank=True)
    content_sha256 = models.CharField(_("SHA-256 of the signed content"), max_length=64)
    verification_code = models.CharField(
        _("verification code"), max_length=12, unique=True, default=new_verification_code
    )
    scan = models.FileField(_("signed scan"), upload_to="signatures/%Y/", blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scan uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        signed_on = timezone.localtime(self.signed_at)
        return f"{self.signer_name} — {self.get_method_display()} ({signed_on:%d/%m/%Y})"

    @property
    def is_valid(self) -> bool:
        return self.voided_at is None
