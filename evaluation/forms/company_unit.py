"""Forms of the Unité Entreprise graded online: a report uploaded and graded, a rubric scored
(a jury member's, the jury's agreed scores, the company tutor's behaviour and its signature),
the reports' deadlines of a school year, and the defences scheduled, changed or cancelled.

They validate and clean; evaluation/company_unit.py and evaluation/defences.py write."""

import datetime
from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout, Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from apprentissage.enums import StaffRole, StudyYear
from apprentissage.forms import SignatureForm, filter_bar
from apprentissage.models import SchoolYear, User
from evaluation import computation
from evaluation.company_unit import megabytes, parse_points, report_max_bytes
from evaluation.defences import paris

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _row(*fields, cols=6):
    return Div(*[Div(f, css_class=f"col-md-{cols}") for f in fields], css_class="row")


def _number(value) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


# --- Reports ---------------------------------------------------------------------------


class ReportUploadForm(forms.Form):
    """The file; what it holds is checked by the service (evaluation.company_unit.upload_report)."""

    file = forms.FileField(
        label=_("Your report (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A PDF file of %(max)s MB at most. "
            "A new upload replaces the current file; the previous ones are kept."
        ) % {"max": megabytes(report_max_bytes())}
        self.helper = FormHelper()
        self.helper.form_tag = False


class ReportGradeForm(forms.Form):
    """A report's grade on 20 ("12,5" or "12.5", or ABS, EXC, ATT) and the tutor's comment."""

    grade = forms.CharField(
        label=_("Grade (out of 20)"),
        max_length=10,
        help_text=_("Such as 14,5; or ABS (absent: counts 0), EXC (excused), ATT (pending)."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6}),
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, grade=None, **kwargs):
        super().__init__(*args, **kwargs)
        if grade is not None:
            self.initial.setdefault("grade", grade.shown if grade.entered is not None else "")
            self.initial.setdefault("comment", grade.comment)
        self.initial.setdefault("version", grade.version if grade is not None else 0)
        self.helper = FormHelper()
        self.helper.layout = Layout("grade", "comment", "version", Submit("save", _("Save the grade")))

    def clean_grade(self):
        entered = computation.parse_grade(self.cleaned_data["grade"])
        if entered is None:
            raise ValidationError(_("Enter a grade."))
        return entered


# --- Rubrics ---------------------------------------------------------------------------


class Levels:
    """A criterion's levels and their descriptors, shown inside its fieldset (escaped text,
    not a template: a descriptor is data)."""

    def __init__(self, criterion: dict, describedby: str):
        self.criterion = criterion
        self.describedby = describedby

    def render(self, form, context, template_pack=None, **kwargs):
        items = format_html_join(
            "",
            '<li><strong>{}</strong> <span class="text-secondary">({})</span> — {}</li>',
            (
                (
                    level["title"],
                    _("%(min)s to %(max)s pts") % {"min": _number(level["min"]), "max": _number(level["max"])}
                    if Decimal(level["min"]) != Decimal(level["max"])
                    else _("%(max)s pts") % {"max": _number(level["max"])},
                    level["descriptor"],
                )
                for level in self.criterion.get("levels", [])
            ),
        )
        return format_html('<ul class="rubric-levels small mb-2" id="{}">{}</ul>', self.describedby, items)


class RubricForm(forms.Form):
    """Points per criterion of a rubric (from 0 to the criterion's maximum, steps of 0.5),
    each criterion a fieldset whose legend is its title and maximum, its levels' descriptors
    shown; a comment; the version read (optimistic locking). Drafts may leave criteria
    empty; `require_all` (submitting, signing) may not."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, component, scoring=None, require_all=False, comment_label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.component = component
        self.criteria = list(component.rubric)
        points = scoring.points if scoring else {}
        fieldsets = []
        for criterion in self.criteria:
            name = f"points_{criterion['code']}"
            maximum = Decimal(criterion["max_points"])
            self.fields[name] = forms.CharField(
                label=_("Points (0 to %(max)s)") % {"max": _number(maximum)},
                required=require_all,
                widget=forms.NumberInput(
                    attrs={"step": "0.5", "min": "0", "max": str(maximum), "inputmode": "decimal"}
                ),
                error_messages={"required": _("Give points to this criterion.")},
            )
            if criterion["code"] in points:
                self.initial.setdefault(name, points[criterion["code"]])
            levels_id = f"niveaux-{criterion['code']}"
            fieldsets.append(
                Fieldset(
                    _("%(title)s (%(max)s points)") % {"title": criterion["title"], "max": _number(maximum)},
                    Levels(criterion, levels_id),
                    Field(
                        name, aria_describedby=levels_id, css_class="w-auto", wrapper_class="rubric-points"
                    ),
                    css_class="rubric-criterion border rounded p-3 mb-3",
                )
            )
        self.fields["comment"] = forms.CharField(
            label=comment_label or _("Comment"),
            required=False,
            max_length=4000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        self.initial.setdefault("comment", scoring.comment if scoring else "")
        self.initial.setdefault("version", scoring.version if scoring else 0)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fieldsets, "comment", "version")

    def clean(self):
        cleaned = super().clean()
        for criterion in self.criteria:
            name = f"points_{criterion['code']}"
            if name not in cleaned:
                continue
            try:
                cleaned[name] = parse_points(cleaned[name], Decimal(criterion["max_points"]))
            except ValidationError as error:
                self.add_error(name, error)
        return cleaned

    def points(self) -> dict:
        return {c["code"]: self.cleaned_data.get(f"points_{c['code']}") for c in self.criteria}


class BehaviourSignatureForm(SignatureForm):
    consent_label = _(
        "I sign this evaluation of the apprentice's professional behaviour; "
        "it can no longer be changed afterwards."
    )


class ReasonForm(forms.Form):
    """A reason, required: reopening a signed behaviour, cancelling a defence."""

    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, label=None, button=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "reason", Submit("confirm", button or _("Confirm"), css_class="btn-danger")
        )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason."))
        return reason


# --- Scolarité's pages -----------------------------------------------------------------


class DueDatesForm(forms.Form):
    """The last day of each component of the Unité Entreprise of a school year (empty: none)."""

    def __init__(self, *args, components, **kwargs):
        super().__init__(*args, **kwargs)
        self.components = components
        for component in components:
            self.fields[f"due_{component.pk}"] = forms.DateField(
                label=component.title, required=False, widget=DATE_WIDGET, initial=component.due_on
            )

    @property
    def rows(self) -> list[dict]:
        return [
            {
                "component": component,
                "field": self[f"due_{component.pk}"],
                "study_year": component.unit.study_year,
            }
            for component in self.components
        ]

    def dates(self) -> dict:
        return {component: self.cleaned_data.get(f"due_{component.pk}") for component in self.components}


class YearFilterForm(forms.Form):
    """The school year (and study year) a scolarité page shows."""

    annee = forms.ModelChoiceField(
        label=_("School year"),
        queryset=SchoolYear.objects.order_by("-start_year"),
        to_field_name="start_year",
        empty_label=None,
        required=False,
    )
    etude = forms.TypedChoiceField(
        label=_("Study year"),
        choices=[("", _("Every study year")), *StudyYear.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, with_study_year=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_study_year:
            del self.fields["etude"]
            self.helper = filter_bar(("annee", 4))
        else:
            self.helper = filter_bar(("annee", 4), ("etude", 4))

    def school_year(self) -> SchoolYear | None:
        chosen = self.cleaned_data.get("annee") if self.is_valid() else None
        return chosen or SchoolYear.objects.current()

    def study_year(self) -> int | None:
        return self.cleaned_data.get("etude") if self.is_valid() and "etude" in self.fields else None


def jury_people(*current) -> QuerySet:
    """Who may sit on a jury for the school: school staff (school tutors, option leads) and
    the current jury members."""
    return (
        User.objects.filter(
            Q(groups__name=StaffRole.SCHOOL_TUTOR)
            | Q(led_options__isnull=False)
            | Q(pk__in=[p.pk for p in current if p])
        )
        .filter(is_active=True)
        .distinct()
        .order_by("last_name", "first_name")
    )


class DefenceForm(forms.Form):
    """When and where a defence takes place (Paris time) and its jury, pre-filled from the
    apprenticeship; the rules of scheduling are checked by evaluation.defences."""

    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    start = forms.TimeField(label=_("Start"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("End"), widget=TIME_WIDGET)
    room = forms.CharField(label=_("Room"), max_length=120, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    company_tutor = forms.ModelChoiceField(label=_("Company tutor"), queryset=User.objects.none())
    school_tutor = forms.ModelChoiceField(label=_("School tutor"), queryset=User.objects.none())
    option_lead = forms.ModelChoiceField(label=_("Option lead"), queryset=User.objects.none())
    sequence = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, enrolment, defence=None, **kwargs):
        super().__init__(*args, **kwargs)
        apprenticeship = enrolment.apprenticeship
        if defence is not None:
            from evaluation.defences import sequence_of

            start = defence.starts_at.astimezone(paris())
            self.initial.update(
                day=start.date(),
                start=start.time(),
                end=defence.ends_at.astimezone(paris()).time(),
                room=defence.room,
                video_url=defence.video_url,
                company_tutor=defence.company_tutor_id,
                school_tutor=defence.school_tutor_id,
                option_lead=defence.option_lead_id,
                sequence=sequence_of(defence),
            )
            jury = defence.jury
        else:
            self.initial.update(
                company_tutor=apprenticeship.company_tutor_id,
                school_tutor=apprenticeship.school_tutor_id,
                option_lead=apprenticeship.option.lead_id,
            )
            jury = [apprenticeship.company_tutor, apprenticeship.school_tutor, apprenticeship.option.lead]
        self.fields["company_tutor"].queryset = (
            User.objects.filter(
                Q(company_tutor_profile__company_id=apprenticeship.company_id)
                | Q(pk__in=[p.pk for p in (apprenticeship.company_tutor, jury[0]) if p])
            )
            .distinct()
            .order_by("last_name", "first_name")
        )
        school = jury_people(apprenticeship.school_tutor, apprenticeship.option.lead, *jury[1:])
        self.fields["school_tutor"].queryset = school
        self.fields["option_lead"].queryset = school
        for name in ("company_tutor", "school_tutor", "option_lead"):
            self.fields[name].empty_label = _("— Choose —")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Div(
                Div("day", css_class="col-md-4"),
                Div("start", css_class="col-md-4"),
                Div("end", css_class="col-md-4"),
                css_class="row",
            ),
            _row("room", "video_url"),
            Fieldset(
                _("Jury"),
                Div(
                    Div("company_tutor", css_class="col-md-4"),
                    Div("school_tutor", css_class="col-md-4"),
                    Div("option_lead", css_class="col-md-4"),
                    css_class="row",
                ),
            ),
            "sequence",
            Submit("save", _("Schedule the defence") if defence is None else _("Save the changes")),
        )

    def clean(self):
        cleaned = super().clean()
        day, start, end = cleaned.get("day"), cleaned.get("start"), cleaned.get("end")
        if day and start and end:
            cleaned["starts_at"] = datetime.datetime.combine(day, start, tzinfo=paris())
            cleaned["ends_at"] = datetime.datetime.combine(day, end, tzinfo=paris())
            if end <= start:
                self.add_error("end", _("The defence must end after it starts."))
        if not cleaned.get("room", "").strip() and not cleaned.get("video_url"):
            self.add_error("room", _("Give the room or the video link."))
        return cleaned

    def defence_data(self) -> dict:
        from evaluation.defences import SCHEDULE_FIELDS

        return {name: self.cleaned_data[name] for name in SCHEDULE_FIELDS}
