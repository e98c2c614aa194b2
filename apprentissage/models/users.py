import rules
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class EmailFrequency(models.TextChoices):
    IMMEDIATE = "immediate", _("One e-mail per event")
    DAILY_DIGEST = "daily", _("One daily digest")


class User(AbstractUser):
    """A person: the e-mail address is the login."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    invited_at = models.DateTimeField(_("invitation date"), null=True, blank=True)
    invited_by = models.ForeignKey(
        "self",
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # Empty: the default of the person's role (company tutors get the digest).
    email_frequency = models.CharField(
        _("notification e-mails"), max_length=10, choices=EmailFrequency.choices, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name.upper()}".strip()

    def has_perm(self, perm, obj=None):
        """Django answers True to every permission of an active superuser before asking any
        backend; here the portal's own permissions (`rules`) decide for them too, where
        `is_admin` holds: IT keeps access (every dossier, the staff lists, the Django
        admin) but gets no right to break a workflow (edit a closed dossier's documents,
        fire a transition from a wrong state, sign for a company). Django's model
        permissions (not in `rules`) keep the superuser's pass."""
        if self.is_active and self.is_superuser and rules.perm_exists(perm):
            return rules.has_perm(perm, self, obj)
        return super().has_perm(perm, obj)

    @property
    def has_accepted_invitation(self) -> bool:
        return self.has_usable_password() or self.last_login is not None
