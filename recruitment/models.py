"""Recruitment: admitted candidates, and one dossier per candidate and company, carrying
the accord préalable and the mission description sheet to the MidiSup hand-off."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.drafts import SubmittedVersion, VersionedDraft
from apprentissage.models import Cohort, Company, CompanyTutor, Option
from apprentissage.models.academics import school_year_start
from apprentissage.signatures import FrozenDocument
from apprentissage.validators import validate_siret

from .enums import Diploma, DossierState, ExpectedLevel, MissionFamily, MissionSheetState

MAX_AGE_AT_START = 30
BAC2_DIPLOMAS = {Diploma.BUT, Diploma.DUT, Diploma.BTS, Diploma.L2, Diploma.L3, Diploma.OTHER_BAC2}
YEARLY_COST_EUROS = 11_500


class Candidate(models.Model):
    """A person admitted by the school (file, interview, tests), looking for or with a company."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="candidacies",
    )
    cohort = models.ForeignKey(Cohort, verbose_name=_("entry cohort"), on_delete=models.PROTECT)
    option = models.ForeignKey(Option, verbose_name=_("option applied for"), on_delete=models.PROTECT)
    birth_date = models.DateField(_("date of birth"))
    diploma = models.CharField(_("highest diploma"), max_length=20, choices=Diploma.choices)
    diploma_title = models.CharField(_("diploma title"), max_length=200, blank=True)
    file_score = models.DecimalField(
        _("file review (/20)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    interview_score = models.DecimalField(
        _("motivation interview (/20)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    test_score = models.DecimalField(
        _("maths and French test (/20)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    english_score = models.DecimalField(
        _("English oral (/20)"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    admitted_on = models.DateField(_("admitted on"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("admitted candidate")
        verbose_name_plural = _("admitted candidates")
        ordering = ["user__last_name", "user__first_name"]
        constraints = [models.UniqueConstraint(fields=["user", "cohort"], name="one_candidacy_per_cohort")]

    def __str__(self):
        return f"{self.user} ({self.option}, {self.cohort})"

    @property
    def training_starts_on(self) -> datetime.date:
        return school_year_start(self.cohort.entry_year)

    @property
    def age_at_start(self) -> int:
        start, born = self.training_starts_on, self.birth_date
        return start.year - born.year - ((start.month, start.day) < (born.month, born.day))

    @property
    def eligibility_problems(self) -> list[str]:
        problems = []
        if self.diploma not in BAC2_DIPLOMAS:
            problems.append(str(_("No bac+2 diploma (DUT, BUT, BTS, L2 or equivalent).")))
        if self.age_at_start >= MAX_AGE_AT_START:
            problems.append(
                str(_("%(age)d years old on the first day of training (under 30 required)."))
                % {"age": self.age_at_start}
            )
        return problems

    @property
    def is_eligible(self) -> bool:
        return not self.eligibility_problems


class OptionCapacity(models.Model):
    """How many places an option offers to a cohort; beyond it, a waiting list."""

    option = models.ForeignKey(Option, verbose_name=_("option"), on_delete=models.CASCADE)
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.CASCADE)
    places = models.PositiveSmallIntegerField(_("places"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("option capacity")
        verbose_name_plural = _("option capacities")
        constraints = [
            models.UniqueConstraint(fields=["option", "cohort"], name="one_capacity_per_option_cohort")
        ]

    def __str__(self):
        return f"{self.option} {self.cohort}: {self.places}"


class Dossier(models.Model):
    """One candidate with one company, from the accord préalable to the registered contract."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="dossiers"
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("company contact (signatory)"),
        on_delete=models.PROTECT,
        related_name="recruitment_dossiers",
    )
    company = models.ForeignKey(
        Company,
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recruitment_dossiers",
    )
    option = models.ForeignKey(Option, verbose_name=_("option"), on_delete=models.PROTECT)
    cohort = models.ForeignKey(Cohort, verbose_name=_("cohort"), on_delete=models.PROTECT)
    state = models.CharField(
        _("state"), max_length=30, choices=DossierState.choices, default=DossierState.COMPANY_INVITED
    )
    state_changed_at = models.DateTimeField(_("last move"), default=timezone.now)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    accord_signed_at = models.DateTimeField(_("accord signed at"), null=True, blank=True)
    convention_signed_on = models.DateField(_("training agreement signed on"), null=True, blank=True)
    contract_signed_on = models.DateField(_("apprenticeship contract signed on"), null=True, blank=True)
    sent_to_opco_on = models.DateField(_("sent to the OPCO on"), null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    apprenticeship = models.OneToOneField(
        "apprentissage.Apprenticeship",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recruitment_dossier",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("recruitment dossier")
        verbose_name_plural = _("recruitment dossiers")
        ordering = ["-state_changed_at"]
        indexes = [models.Index(fields=["state", "option"])]

    def __str__(self):
        company = self.company.name if self.company_id else self.accord_company_name
        return _("%(candidate)s with %(company)s") % {"candidate": self.candidate.user, "company": company}

    @property
    def accord_company_name(self) -> str:
        accord = getattr(self, "accord", None)
        return (accord.company_name if accord else "") or str(_("company to be specified"))

    @property
    def is_open(self) -> bool:
        return self.state not in DossierState.final()

    def days_since_last_move(self, now=None) -> int:
        return ((now or timezone.now()) - self.state_changed_at).days


class CompanyCommitments(models.Model):
    """The remote-learning commitments the company signs with the accord préalable."""

    allows_remote_courses = models.BooleanField(
        _("The apprentice may follow remote courses at work, during working hours."), default=False
    )
    provides_quiet_office = models.BooleanField(
        _("The company provides a quiet office with broadband internet access."), default=False
    )
    respects_remote_sessions = models.BooleanField(
        _("The company arranges and respects 3.5 hours of training per remote session."), default=False
    )
    reports_schedule_changes = models.BooleanField(
        _("The company tells the registrar's office of any change in the work-time arrangement."),
        default=False,
    )
    reports_remote_problems = models.BooleanField(
        _("The company tells the registrar's office of any problem with remote learning."), default=False
    )

    COMMITMENT_FIELDS = (
        "allows_remote_courses",
        "provides_quiet_office",
        "respects_remote_sessions",
        "reports_schedule_changes",
        "reports_remote_problems",
    )

    class Meta:
        abstract = True

    def commitments(self) -> list[tuple[str, bool]]:
        """(label, ticked) for each commitment, in the order of the accord."""
        return [
            (self._meta.get_field(name).verbose_name, getattr(self, name)) for name in self.COMMITMENT_FIELDS
        ]


class AccordPrealable(CompanyCommitments, VersionedDraft):
    """The accord préalable, filled online by the company contact, then signed (frozen)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="accord")
    # Company identity
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    opco = models.CharField(_("OPCO"), max_length=100, blank=True)
    # HR contact: MidiSup's contact for the contract
    hr_first_name = models.CharField(_("HR contact's first name"), max_length=150, blank=True)
    hr_last_name = models.CharField(_("HR contact's last name"), max_length=150, blank=True)
    hr_email = models.EmailField(_("HR contact's e-mail"), blank=True)
    hr_phone = models.CharField(_("HR contact's phone"), max_length=30, blank=True)
    # Company tutor designation
    tutor_first_name = models.CharField(_("tutor's first name"), max_length=150, blank=True)
    tutor_last_name = models.CharField(_("tutor's last name"), max_length=150, blank=True)
    tutor_email = models.EmailField(_("tutor's e-mail"), blank=True)
    tutor_phone = models.CharField(_("tutor's phone"), max_length=30, blank=True)
    tutor_job_title = models.CharField(_("tutor's job title"), max_length=120, blank=True)
    tutor_has_engineering_degree = models.BooleanField(
        _("the tutor holds an engineering degree"), default=False
    )
    tutor_years_as_engineer = models.PositiveSmallIntegerField(
        _("tutor's years working as an engineer"), default=0
    )
    # Contract
    start_date = models.DateField(_("contract start date"), null=True, blank=True)
    history = HistoricalRecords()

    REQUIRED_FIELDS = (
        "company_name",
        "siret",
        "address",
        "postal_code",
        "city",
        "hr_first_name",
        "hr_last_name",
        "hr_email",
        "tutor_first_name",
        "tutor_last_name",
        "tutor_email",
        "tutor_job_title",
        "start_date",
    )

    class Meta:
        verbose_name = _("accord préalable")
        verbose_name_plural = _("accords préalables")

    def __str__(self):
        return _("Accord préalable — %(dossier)s") % {"dossier": self.dossier}

    @property
    def tutor_is_eligible(self) -> bool:
        return CompanyTutor(
            has_engineering_degree=self.tutor_has_engineering_degree,
            years_as_engineer=self.tutor_years_as_engineer,
        ).is_eligible

    def ensure_editable(self) -> None:
        """Signed: frozen (VersionedDraft); else editable while the company fills it in only."""
        super().ensure_editable()
        if not self.dossier.is_open:
            raise FrozenDocument(_("The dossier is closed: its documents can no longer be changed."))
        if self.dossier.state != DossierState.COMPANY_INVITED:
            raise FrozenDocument(_("The accord préalable can no longer be changed here."))

    def missing_fields(self) -> list[str]:
        missing = [
            str(self._meta.get_field(name).verbose_name)
            for name in self.REQUIRED_FIELDS
            if not getattr(self, name)
        ]
        if not all(getattr(self, name) for name in self.COMMITMENT_FIELDS):
            missing.append(str(_("every remote-learning commitment ticked")))
        return missing

    def signed_content(self) -> dict:
        """What the company's signature covers (see `apprentissage.signatures`)."""
        dossier = self.dossier
        content = {
            "document": "accord_prealable",
            "dossier": dossier.pk,
            "candidate": str(dossier.candidate.user),
            "option": dossier.option.name,
            "cohort": dossier.cohort.entry_year,
        }
        for field in self._meta.concrete_fields:
            if field.name not in {"id", "dossier", "version", "updated_at", "updated_by"}:
                content[field.name] = getattr(self, field.name)
        return content


class MissionSheet(VersionedDraft):
    """The fiche de description des missions: what the company plans for each of 3 years."""

    YEARS = (1, 2, 3)

    dossier = models.OneToOneField(Dossier, on_delete=models.PROTECT, related_name="mission_sheet")
    state = models.CharField(
        _("state"), max_length=20, choices=MissionSheetState.choices, default=MissionSheetState.DRAFT
    )
    state_changed_at = models.DateTimeField(default=timezone.now)
    year1_missions = models.TextField(_("missions in year 1"), blank=True)
    year1_family = models.CharField(
        _("mission family, year 1"), max_length=20, choices=MissionFamily.choices, blank=True
    )
    year1_level = models.CharField(
        _("expected level, year 1"),
        max_length=20,
        choices=ExpectedLevel.choices,
        default=ExpectedLevel.TECHNICIAN,
    )
    year2_missions = models.TextField(_("missions in year 2"), blank=True)
    year2_family = models.CharField(
        _("mission family, year 2"), max_length=20, choices=MissionFamily.choices, blank=True
    )
    year2_level = models.CharField(
        _("expected level, year 2"),
        max_length=20,
        choices=ExpectedLevel.choices,
        default=ExpectedLevel.ASSISTANT_ENGINEER,
    )
    year3_missions = models.TextField(_("missions in year 3"), blank=True)
    year3_family = models.CharField(
        _("mission family, year 3"), max_length=20, choices=MissionFamily.choices, blank=True
    )
    year3_level = models.CharField(
        _("expected level, year 3"),
        max_length=20,
        choices=ExpectedLevel.choices,
        default=ExpectedLevel.JUNIOR_ENGINEER,
    )
    history = HistoricalRecords()

    CONTENT_FIELDS = tuple(f"year{y}_{part}" for y in YEARS for part in ("missions", "family", "level"))

    class Meta:
        verbose_name = _("mission description sheet")
        verbose_name_plural = _("mission description sheets")

    def __str__(self):
        return _("Mission sheet — %(dossier)s") % {"dossier": self.dossier}

    def content(self) -> dict:
        return {name: getattr(self, name) for name in self.CONTENT_FIELDS}

    def ensure_editable(self) -> None:
        if not self.dossier.is_open:  # withdrawn, cancelled, registered: for everyone, admins too
            raise FrozenDocument(_("The dossier is closed: its documents can no longer be changed."))
        if self.state not in (MissionSheetState.DRAFT, MissionSheetState.RETURNED):
            raise FrozenDocument(_("The mission sheet is with the option lead: it can no longer be changed."))

    def missing_fields(self) -> list[str]:
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in self.CONTENT_FIELDS
            if not getattr(self, name).strip()
        ]

    def years(self) -> list[dict]:
        return [
            {
                "year": year,
                "missions": getattr(self, f"year{year}_missions"),
                "family": getattr(self, f"get_year{year}_family_display")(),
                "level": getattr(self, f"get_year{year}_level_display")(),
            }
            for year in self.YEARS
        ]

    def signed_content(self) -> dict:
        return {"document": "mission_sheet", "dossier": self.dossier_id, **self.content()}


class MissionSheetVersion(SubmittedVersion):
    """Each submission of the mission sheet, kept with the option lead's decision."""

    sheet = models.ForeignKey(MissionSheet, on_delete=models.PROTECT, related_name="versions")

    class Meta:
        verbose_name = _("mission sheet version")
        verbose_name_plural = _("mission sheet versions")
        ordering = ["sheet", "-number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "number"], name="unique_sheet_version")]

    def __str__(self):
        return f"{self.sheet} v{self.number}"
