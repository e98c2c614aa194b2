from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.validators import normalize_siret, validate_siret


class Company(models.Model):
    """An employer (entreprise d'accueil)."""

    name = models.CharField(_("name"), max_length=200)
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        unique=True,
        validators=[validate_siret],
        help_text=_("14 digits, as on the company's Kbis extract."),
    )
    address = models.CharField(_("address"), max_length=255)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    opco = models.CharField(
        _("OPCO"), max_length=100, blank=True, help_text=_("The skills operator that funds the training.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.siret = normalize_siret(self.siret)
        super().save(*args, **kwargs)

    @property
    def siren(self) -> str:
        return self.siret[:9]


class CompanyContact(models.Model):
    """A person who acts for a company: HR contact (MidiSup's contact) and/or signatory."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_contacts"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="contacts")
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    is_signatory = models.BooleanField(_("signatory"), default=False)
    is_hr_contact = models.BooleanField(_("HR contact"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company contact")
        verbose_name_plural = _("company contacts")
        constraints = [models.UniqueConstraint(fields=["user", "company"], name="unique_company_contact")]

    def __str__(self):
        return f"{self.user} ({self.company})"


class CompanyTutor(models.Model):
    """A company tutor (tuteur entreprise) and the facts that make them eligible.

    Eligible: an engineering degree (a title equivalent to the one sought), or more than
    three years working as an engineer.
    """

    MIN_ENGINEER_YEARS = 3

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_tutor_profile"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="tutors")
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    has_engineering_degree = models.BooleanField(_("holds an engineering degree"), default=False)
    years_as_engineer = models.PositiveSmallIntegerField(_("years working as an engineer"), default=0)
    training_attended_on = models.DateField(
        _("tutor training attended on"),
        null=True,
        blank=True,
        help_text=_("The school's tutor training, held each November."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("company tutor")
        verbose_name_plural = _("company tutors")

    def __str__(self):
        return f"{self.user} ({self.company})"

    @property
    def is_eligible(self) -> bool:
        return self.has_engineering_degree or self.years_as_engineer > self.MIN_ENGINEER_YEARS

    @classmethod
    def eligible_q(cls, prefix: str = "") -> models.Q:
        """The same condition as `is_eligible`, for querysets (`prefix` reaches the profile)."""
        return models.Q(**{f"{prefix}has_engineering_degree": True}) | models.Q(
            **{f"{prefix}years_as_engineer__gt": cls.MIN_ENGINEER_YEARS}
        )
