"""The programme (maquette) of a school year: its teaching units (UE) per study year, their
30-hour modules and each module's assessments, the Unité Entreprise (UW) and its components,
and the grading rules (evaluation.computation.Rules) the school applies that year.

Each school year has its own programme, copied from the previous one and then edited: a
module renamed or re-weighted in 2027 leaves 2026's grades and transcripts as they were. UEs
are matched across years by code (capitalisation), modules by code within their UE."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apprentissage.enums import StudyYear
from evaluation import computation
from evaluation.enums import GradedBy, ResitRule, YearWeights

POSITIVE = [MinValueValidator(Decimal("0.01"))]
ON_TWENTY = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(20))]


class Programme(models.Model):
    """The programme of one school year, with the school's grading rules (règlement)."""

    school_year = models.OneToOneField(
        "apprentissage.SchoolYear",
        verbose_name=_("school year"),
        on_delete=models.PROTECT,
        related_name="programme",
    )
    pass_mark = models.DecimalField(
        _("pass mark"), max_digits=4, decimal_places=2, default=10, validators=ON_TWENTY
    )
    compensation_floor = models.DecimalField(
        _("compensation floor"),
        max_digits=4,
        decimal_places=2,
        default=8,
        validators=ON_TWENTY,
        help_text=_("A UE at or above this average is compensated (CMP) when the year average passes."),
    )
    modules_compensate = models.BooleanField(_("modules compensate each other within a UE"), default=True)
    year_compensation = models.BooleanField(_("UEs are compensated by the year average"), default=True)
    eliminatory_below = models.DecimalField(
        _("eliminatory grade"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=ON_TWENTY,
        help_text=_("A module average below it fails its UE whatever the other modules. Empty: none."),
    )
    resit_rule = models.CharField(
        _("resit rule"), max_length=10, choices=ResitRule.choices, default=ResitRule.BEST
    )
    resit_cap = models.DecimalField(
        _("resit cap"), max_digits=4, decimal_places=2, default=10, validators=ON_TWENTY
    )
    year_average_weights = models.CharField(
        _("year average"), max_length=10, choices=YearWeights.choices, default=YearWeights.ECTS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-school_year__start_year"]

    def __str__(self):
        return str(_("Programme %(year)s") % {"year": self.school_year})

    def rules(self) -> computation.Rules:
        """The grading rules the computation applies."""

        def exact(value):  # a new programme's defaults are ints until read back
            return None if value is None else Decimal(value)

        return computation.Rules(
            pass_mark=exact(self.pass_mark),
            compensation_floor=exact(self.compensation_floor),
            modules_compensate=self.modules_compensate,
            year_compensation=self.year_compensation,
            eliminatory_below=exact(self.eliminatory_below),
            resit_rule=self.resit_rule,
            resit_cap=exact(self.resit_cap),
            year_average_weights=self.year_average_weights,
        )


class TeachingUnit(models.Model):
    """A UE of one study year (SF, TI, CI, Option) or its Unité Entreprise (UW): its ECTS are
    awarded when it is validated."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="units"
    )
    study_year = models.PositiveSmallIntegerField(_("study year"), choices=StudyYear.choices)
    code = models.SlugField(_("code"), max_length=20, allow_unicode=False)
    title = models.CharField(_("title"), max_length=200)
    ects = models.PositiveSmallIntegerField(_("ECTS credits"), validators=[MaxValueValidator(60)])
    is_company_unit = models.BooleanField(
        _("Unité Entreprise"), default=False, help_text=_("Graded on the company's work, not on courses.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("teaching unit (UE)")
        verbose_name_plural = _("teaching units (UE)")
        ordering = ["programme_id", "study_year", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "study_year", "code"], name="one_ue_code_per_year"),
        ]

    def __str__(self):
        return f"{self.code} — {self.title} ({self.get_study_year_display()})"


class Module(models.Model):
    """A 30-hour course of a UE; the Option UE's modules belong to one option each. Its
    teachers enter its grades (and nothing else)."""

    unit = models.ForeignKey(
        TeachingUnit, verbose_name=_("teaching unit"), on_delete=models.CASCADE, related_name="modules"
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    semester = models.PositiveSmallIntegerField(
        _("semester"), validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    coefficient = models.DecimalField(
        _("coefficient"), max_digits=4, decimal_places=2, default=1, validators=POSITIVE
    )
    hours = models.PositiveSmallIntegerField(_("hours"), default=30, validators=[MaxValueValidator(600)])
    option = models.ForeignKey(
        "apprentissage.Option",
        verbose_name=_("option"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For the Option UE's modules: the option whose apprentices follow it."),
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("teachers"), blank=True, related_name="taught_modules"
    )
    history = HistoricalRecords(m2m_fields=[teachers])

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["unit_id", "semester", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="one_module_code_per_ue")]

    def __str__(self):
        return f"{self.code} — {self.title}"


class Assessment(models.Model):
    """One graded piece of a module (an exam, a lab report…) with its weight in the module's
    average; a module's resit (rattrapage) is an assessment marked so."""

    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="assessments"
    )
    title = models.CharField(_("title"), max_length=120)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1, validators=POSITIVE)
    out_of = models.DecimalField(
        _("graded out of"),
        max_digits=5,
        decimal_places=2,
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
    )
    is_resit = models.BooleanField(_("resit (rattrapage)"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["module_id", "is_resit", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["module"], condition=models.Q(is_resit=True), name="one_resit_per_module"
            )
        ]

    def __str__(self):
        return f"{self.module.code} — {self.title}"


class UnitComponent(models.Model):
    """A component of the Unité Entreprise (report, project, professional behaviour): its
    weight in the UW grade and who grades it."""

    unit = models.ForeignKey(
        TeachingUnit, verbose_name=_("Unité Entreprise"), on_delete=models.CASCADE, related_name="components"
    )
    code = models.SlugField(_("code"), max_length=30)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, validators=POSITIVE)
    graded_by = models.CharField(_("graded by"), max_length=20, choices=GradedBy.choices)
    due_on = models.DateField(
        _("due on"), null=True, blank=True, help_text=_("For a report: the last day to upload it on time.")
    )
    # The rubric scored online (the project's seven criteria, the behaviour's): a list of
    # {"code", "title", "max_points", "levels": [{"code", "title", "descriptor", "min", "max"}]}.
    rubric = models.JSONField(_("rubric"), default=list, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Unité Entreprise component")
        verbose_name_plural = _("Unité Entreprise components")
        ordering = ["unit_id", "position", "code"]
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="one_component_code_per_uw")]

    def __str__(self):
        return f"{self.code} — {self.title}"
