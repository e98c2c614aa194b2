"""Forms of company visits: plan or change a visit, write its report and agreed actions,
sign it or cancel the visit (the workflow's transitions), comment on the signed report."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apprentissage.drafts import VersionedForm
from apprentissage.forms import SignatureForm, name_empty_choices
from lea.enums import RiskStatus
from lea.models import Visit, VisitAction, VisitComment
from lea.models.visits import REPORT_FIELDS
from lea.visits import RISKS_NEEDING_A_REASON, paris, school_year_of

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _row(*fields, cols=6):
    return Div(*[Div(f, css_class=f"col-md-{cols}") for f in fields], css_class="row")


class ScheduleFields(forms.Form):
    """Date and time (Europe/Paris), within a school year of the portal and the contract."""

    day = forms.DateField(label=_("Date"), widget=DATE_WIDGET)
    time = forms.TimeField(label=_("Time"), widget=TIME_WIDGET)

    def clean_schedule(self, apprenticeship) -> None:
        day, time = self.cleaned_data.get("day"), self.cleaned_data.get("time")
        if day is None or time is None:
            return
        school_year = school_year_of(day)
        if school_year is None:
            self.add_error("day", _("No school year of the portal holds this date."))
            return
        if not apprenticeship.contract_start <= day <= apprenticeship.contract_end:
            self.add_error(
                "day",
                _("The visit must take place during the contract (from %(start)s to %(end)s).")
                % {
                    "start": apprenticeship.contract_start.strftime("%d/%m/%Y"),
                    "end": apprenticeship.contract_end.strftime("%d/%m/%Y"),
                },
            )
            return
        self.cleaned_data["starts_at"] = datetime.datetime.combine(day, time, tzinfo=paris())
        self.cleaned_data["school_year"] = school_year

    def clean_location_for_mode(self) -> None:
        if self.cleaned_data.get("mode") in ("on_site", "video") and not self.cleaned_data.get("location"):
            self.add_error("location", _("Give the address of the visit, or the link of the video call."))


def _bound_duration(form) -> None:
    """A visit lasts from a quarter of an hour to a working day."""
    field = form.fields["duration_minutes"]
    field.validators += [MinValueValidator(15), MaxValueValidator(480)]
    field.widget.attrs.update(min=15, max=480, step=15)


PLAN_FIELDS = ["duration_minutes", "mode", "location", "attendees"]


def _plan_layout(*extra):
    return Layout(
        *extra,
        _row("day", "time"),
        _row("duration_minutes", "mode"),
        "location",
        "attendees",
    )


class PlanVisitForm(ScheduleFields, forms.ModelForm):
    class Meta:
        model = Visit
        fields = PLAN_FIELDS
        widgets = {"attendees": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, apprenticeship, **kwargs):
        super().__init__(*args, **kwargs)
        self.apprenticeship = apprenticeship
        _bound_duration(self)
        if not self.is_bound:
            company = apprenticeship.company
            self.initial.setdefault("location", f"{company.address}, {company.postal_code} {company.city}")
            people = [apprenticeship.apprentice, apprenticeship.company_tutor, apprenticeship.school_tutor]
            self.initial.setdefault("attendees", ", ".join(str(p) for p in people if p))
        self.helper = FormHelper()
        self.helper.layout = _plan_layout()
        self.helper.layout.append(Submit("plan", _("Plan the visit and send the invitation")))

    def clean(self):
        super().clean()
        self.clean_schedule(self.apprenticeship)
        self.clean_location_for_mode()
        return self.cleaned_data

    def visit_data(self) -> dict:
        return {
            **{name: self.cleaned_data[name] for name in PLAN_FIELDS},
            "starts_at": self.cleaned_data["starts_at"],
            "school_year": self.cleaned_data["school_year"],
        }


class EditVisitForm(ScheduleFields, VersionedForm):
    """A planned visit changed (a new date or place re-sends the invitation)."""

    class Meta:
        model = Visit
        fields = PLAN_FIELDS
        widgets = {"attendees": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _bound_duration(self)
        if not self.is_bound:
            local = timezone.localtime(self.instance.starts_at, paris())
            self.initial["day"], self.initial["time"] = local.date(), local.time().replace(second=0)
        self.helper = FormHelper()
        self.helper.layout = _plan_layout("version")
        self.helper.layout.append(Submit("save", _("Save the changes")))

    def clean(self):
        super().clean()
        self.clean_schedule(self.instance.apprenticeship)
        self.clean_location_for_mode()
        return self.cleaned_data

    def draft_data(self) -> dict:
        return {
            **super().draft_data(),
            "starts_at": self.cleaned_data["starts_at"],
            "school_year": self.cleaned_data["school_year"],
        }


class ReportForm(VersionedForm):
    """The report (PRACTICE.md §3): a draft until signed; every field is needed to sign."""

    class Meta:
        model = Visit
        fields = list(REPORT_FIELDS)
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in REPORT_FIELDS
                if name not in ("risk", "next_visit_on")
            },
            "risk": forms.RadioSelect,
            "next_visit_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk"].choices = list(RiskStatus.choices)
        self.fields["risk_reason"].help_text = _("Required for an amber or red status.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form holds it (with the actions' formset)
        self.helper.layout = Layout("version", *REPORT_FIELDS)

    def clean(self):
        super().clean()
        risk, reason = self.cleaned_data.get("risk"), (self.cleaned_data.get("risk_reason") or "").strip()
        if risk in RISKS_NEEDING_A_REASON and not reason:
            self.add_error("risk_reason", _("Give the reason for an amber or red risk status."))
        next_visit = self.cleaned_data.get("next_visit_on")
        visit_day = timezone.localtime(self.instance.starts_at, paris()).date()
        if next_visit and next_visit <= visit_day:
            self.add_error(
                "next_visit_on",
                _("Choose a date for the next visit after this one (%(date)s).")
                % {"date": visit_day.strftime("%d/%m/%Y")},
            )
        return self.cleaned_data


class ActionForm(forms.ModelForm):
    class Meta:
        model = VisitAction
        fields = ["description", "owner_role", "due_on"]
        widgets = {"due_on": DATE_WIDGET}

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.visit = visit
        name_empty_choices(self)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        visit_day = timezone.localtime(self.visit.starts_at, paris()).date()
        if due_on and due_on <= visit_day:
            raise forms.ValidationError(
                _("An agreed action is due after the visit (%(date)s).")
                % {"date": visit_day.strftime("%d/%m/%Y")}
            )
        return due_on


ActionFormSet = forms.inlineformset_factory(
    Visit,
    VisitAction,
    form=ActionForm,
    extra=2,
    can_delete=True,
    max_num=20,
    validate_max=True,
)


class CommentForm(forms.ModelForm):
    class Meta:
        model = VisitComment
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}
        labels = {"body": _("Your comment on the report")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("body", Submit("comment", _("Add my comment")))


class SignReportForm(SignatureForm):
    consent_label = _(
        "I certify this report of the visit and its agreed actions; once signed, it can no longer change."
    )


class CancelVisitForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
