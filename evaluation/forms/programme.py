"""Scolarité's forms on the programme: its grading rules, a UE, a module (with its teachers),
an assessment, the Unité Entreprise's components; and the school-year select of the page.

They refuse what the computation could not make sense of: a weight or coefficient of 0, a
semester of another study year, a module code used twice in the programme, an option module
outside the Option UE (or a common one inside it), a year of more than 60 ECTS, components of
the Unité Entreprise whose weights do not make a whole."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Layout, Row, Submit
from django import forms
from django.db.models import Exists, OuterRef
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from apprentissage.enums import StudyYear
from apprentissage.forms import CHOOSE, filter_bar, name_empty_choices
from apprentissage.models import Option

from ..models import Assessment, Module, Programme, TeachingUnit, UnitComponent
from ..programmes import OPTION_UNIT, SEED_ECTS_PER_YEAR, has_grades, semesters_of, teacher_candidates

ZERO = Decimal(0)


class CommaDecimalField(forms.DecimalField):
    """A number with a French decimal comma ("1,5") or a point ("1.5")."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        return super().to_python(value)


def _save_helper() -> FormHelper:
    helper = FormHelper()
    helper.add_input(Submit("save", _("Save")))
    return helper


def _positive(value, message):
    if value is not None and value <= ZERO:
        raise forms.ValidationError(message)
    return value


class SchoolYearChoiceForm(forms.Form):
    """The page's school-year select (GET)."""

    annee = forms.TypedChoiceField(label=_("School year"), coerce=int)

    def __init__(self, *args, school_years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [(year.start_year, year.label) for year in school_years]
        self.helper = filter_bar(("annee", 3))


class ProgrammeRulesForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = [
            "pass_mark",
            "modules_compensate",
            "eliminatory_below",
            "year_compensation",
            "compensation_floor",
            "year_average_weights",
            "resit_rule",
            "resit_cap",
        ]
        field_classes = dict.fromkeys(
            ["pass_mark", "eliminatory_below", "compensation_floor", "resit_cap"], CommaDecimalField
        )
        help_texts = {
            "pass_mark": _("Out of 20: the average a UE (and the year) must reach."),
            "resit_cap": _("Used by the rule “The resit counts up to a cap” only."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _save_helper()

    def clean(self):
        cleaned = super().clean()
        pass_mark = cleaned.get("pass_mark")
        floor = cleaned.get("compensation_floor")
        eliminatory = cleaned.get("eliminatory_below")
        if pass_mark is not None and floor is not None and floor > pass_mark:
            self.add_error("compensation_floor", _("The compensation floor cannot be above the pass mark."))
        if pass_mark is not None and eliminatory is not None and eliminatory >= pass_mark:
            self.add_error("eliminatory_below", _("An eliminatory grade is below the pass mark."))
        return cleaned


class TeachingUnitForm(forms.ModelForm):
    """A UE of the programme (its study year is fixed once it exists)."""

    class Meta:
        model = TeachingUnit
        fields = ["study_year", "code", "title", "ects", "is_company_unit", "position"]
        help_texts = {
            "code": _("Short and stable (letters, digits, hyphens): UEs are matched across years by code."),
            "ects": _("Awarded when the UE is validated; a study year gives 60 at most."),
            "position": _("The order of the UEs in their study year."),
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.instance.programme = programme
        if self.instance.pk:
            self.fields["study_year"].disabled = True
            self.fields["study_year"].help_text = _("A UE stays in its study year.")
            if self.instance.modules.exists() or self.instance.components.exists():
                self.fields["is_company_unit"].disabled = True
                self.fields["is_company_unit"].help_text = _(
                    "Fixed: the UE already has modules or components."
                )
        name_empty_choices(self)
        self.helper = _save_helper()

    def _others(self):
        return TeachingUnit.objects.filter(
            programme=self.programme, study_year=self.cleaned_data.get("study_year")
        ).exclude(pk=self.instance.pk)

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean(self):
        cleaned = super().clean()
        study_year, code, ects = cleaned.get("study_year"), cleaned.get("code"), cleaned.get("ects")
        if study_year is None:
            return cleaned
        others = list(self._others())
        label = StudyYear(study_year).label
        if code and any(unit.code.casefold() == code.casefold() for unit in others):
            self.add_error(
                "code", _("%(year)s already has a UE coded %(code)s.") % {"year": label, "code": code}
            )
        if ects is not None:
            total = ects + sum(unit.ects for unit in others)
            if total > SEED_ECTS_PER_YEAR:
                self.add_error(
                    "ects",
                    _("The UEs of %(year)s would give %(total)d ECTS: a study year gives %(max)d at most.")
                    % {"year": label, "total": total, "max": SEED_ECTS_PER_YEAR},
                )
        if cleaned.get("is_company_unit") and any(unit.is_company_unit for unit in others):
            self.add_error(
                "is_company_unit", _("%(year)s already has its Unité Entreprise.") % {"year": label}
            )
        if cleaned.get("is_company_unit") and code and code.upper() == OPTION_UNIT:
            self.add_error("code", _("The Option UE is a UE of courses, not the Unité Entreprise."))
        was_option = self.instance.pk and self.instance.code.upper() == OPTION_UNIT
        if (
            code
            and was_option != (code.upper() == OPTION_UNIT)
            and self.instance.pk
            and self.instance.modules.exists()
        ):
            self.add_error(
                "code",
                _(
                    "The UE has modules: its code stays %(code)s (the Option UE's modules, and only "
                    "them, belong to an option)."
                )
                % {"code": self.instance.code},
            )
        return cleaned


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return f"{unit.get_study_year_display()} — {unit.code} — {unit.title}"


class TeacherChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.email})" if name else user.email


class ModuleForm(forms.ModelForm):
    """A module of a UE of courses, with its teachers (school tutors and module teachers)."""

    unit = UnitChoiceField(label=_("Teaching unit (UE)"), queryset=TeachingUnit.objects.none())
    semester = forms.TypedChoiceField(
        label=_("Semester"), coerce=int, choices=[(n, f"S{n}") for n in range(1, 7)]
    )
    teachers = TeacherChoiceField(
        label=_("Teachers"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "They enter this module's grades. School tutors and module teachers are listed; "
            "invite a new teacher from the people page first."
        ),
    )

    class Meta:
        model = Module
        fields = ["unit", "code", "title", "semester", "coefficient", "hours", "option", "teachers"]
        field_classes = {"coefficient": CommaDecimalField}
        help_texts = {
            "code": _("Unique in the programme, e.g. TI2-03."),
            "coefficient": _("Its weight in the UE average."),
        }

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["unit"].queryset = programme.units.filter(is_company_unit=False).order_by(
            "study_year", "position", "code"
        )
        self.fields["unit"].empty_label = CHOOSE
        self.fields["option"].queryset = Option.objects.order_by("name")
        self.fields["option"].empty_label = _("None: a module of the common core")
        self.fields["option"].help_text = _("Required for the Option UE's modules, and for them only.")
        candidates = teacher_candidates(programme)
        if self.instance.pk:  # its teachers first
            teaches_it = Module.teachers.through.objects.filter(module=self.instance, user=OuterRef("pk"))
            candidates = candidates.annotate(teaches_it=Exists(teaches_it)).order_by(
                "-teaches_it", "last_name", "first_name", "email"
            )
        self.fields["teachers"].queryset = candidates
        self.graded = bool(self.instance.pk) and has_grades(module=self.instance)
        self.helper = _save_helper()
        self.helper.layout = Layout(
            *[name for name in self.Meta.fields if name != "teachers"],
            Div(
                "teachers",
                css_class="teacher-choices",
                data_teacher_filter=_("Find a teacher (name or e-mail)"),
                # Translators: %s is a number of people
                data_teacher_count=_("%s people shown"),
            ),
        )

    def clean_code(self):
        code = self.cleaned_data["code"].strip()
        taken = (
            Module.objects.filter(unit__programme=self.programme, code__iexact=code)
            .exclude(pk=self.instance.pk)
            .select_related("unit")
            .first()
        )
        if taken:
            raise forms.ValidationError(
                _(
                    "The code %(code)s is already the module “%(title)s” (%(unit)s): a code is "
                    "unique in the programme."
                )
                % {"code": code, "title": taken.title, "unit": taken.unit.code}
            )
        return code

    def clean_coefficient(self):
        return _positive(self.cleaned_data.get("coefficient"), _("A coefficient is greater than 0."))

    def clean_hours(self):
        return _positive(self.cleaned_data.get("hours"), _("A module has hours: more than 0."))

    def clean(self):
        cleaned = super().clean()
        unit, semester, option = cleaned.get("unit"), cleaned.get("semester"), cleaned.get("option")
        if unit is None:
            return cleaned
        allowed = semesters_of(unit.study_year)
        if semester is not None and semester not in allowed:
            self.add_error(
                "semester",
                _("S%(semester)d is not a semester of %(year)s: choose S%(first)d or S%(second)d.")
                % {
                    "semester": semester,
                    "year": unit.get_study_year_display(),
                    "first": allowed[0],
                    "second": allowed[1],
                },
            )
        if unit.code.upper() == OPTION_UNIT and option is None:
            self.add_error("option", _("A module of the Option UE belongs to an option: choose it."))
        if unit.code.upper() != OPTION_UNIT and option is not None:
            self.add_error(
                "option",
                _(
                    "Only the Option UE's modules belong to an option: leave it empty, or choose "
                    "the Option UE."
                ),
            )
        if self.graded and self.instance.unit.study_year != unit.study_year:
            self.add_error(
                "unit",
                _("Grades were entered in this module: it stays in %(year)s.")
                % {"year": self.instance.unit.get_study_year_display()},
            )
        return cleaned


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["title", "weight", "out_of", "is_resit", "position"]
        field_classes = {"weight": CommaDecimalField, "out_of": CommaDecimalField}
        help_texts = {
            "weight": _("Its weight in the module average, e.g. 0.4 and 0.6, or 1 and 2."),
            "is_resit": _("The module's resit (rattrapage): one at most per module; its weight is not used."),
            "position": _("The order of the assessments in the module."),
        }

    def __init__(self, *args, module: Module, **kwargs):
        super().__init__(*args, **kwargs)
        self.module = module
        self.instance.module = module
        self.graded = bool(self.instance.pk) and has_grades(assessment=self.instance)
        if self.graded:
            self.fields["out_of"].disabled = True
            self.fields["out_of"].help_text = _("Fixed: grades were entered on this scale.")
        self.helper = _save_helper()

    def clean_weight(self):
        return _positive(self.cleaned_data.get("weight"), _("A weight is greater than 0."))

    def clean_is_resit(self):
        is_resit = self.cleaned_data.get("is_resit")
        if is_resit and self.module.assessments.filter(is_resit=True).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This module already has its resit."))
        return is_resit


class UnitComponentForm(forms.ModelForm):
    class Meta:
        model = UnitComponent
        fields = ["code", "title", "description", "weight", "graded_by", "position"]
        field_classes = {"weight": CommaDecimalField}
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"weight": _("Its share of the Unité Entreprise grade, e.g. 0.25 for a quarter.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        name_empty_choices(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("code", css_class="col-md-4"), Column("title", css_class="col-md-8")),
            "description",
            Row(
                Column("weight", css_class="col-md-3"),
                Column("graded_by", css_class="col-md-6"),
                Column("position", css_class="col-md-3"),
            ),
        )

    def clean_code(self):
        return self.cleaned_data["code"].strip()

    def clean_weight(self):
        return _positive(self.cleaned_data.get("weight"), _("A weight is greater than 0."))


class BaseComponentFormSet(forms.BaseModelFormSet):
    """The components of one Unité Entreprise at once: their weights make a whole (1)."""

    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return
        kept = [form for form in self.forms if form.has_changed() or form.instance.pk]
        codes = [form.cleaned_data.get("code", "").casefold() for form in kept]
        if len(codes) != len(set(codes)):
            raise forms.ValidationError(_("Two components have the same code."))
        total = sum((form.cleaned_data.get("weight") or ZERO for form in kept), ZERO)
        if kept and total != 1:
            raise forms.ValidationError(
                _(
                    "The weights of the components add up to %(total)s: they must make a whole, 1 "
                    "(e.g. 0.25 + 0.5 + 0.25)."
                )
                % {"total": floatformat(total, "-2")}
            )


ComponentFormSet = forms.modelformset_factory(
    UnitComponent, form=UnitComponentForm, formset=BaseComponentFormSet, extra=1, can_delete=False
)
