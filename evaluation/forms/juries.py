"""The jury forms: a session (scolarité) and one apprentice's decision."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apprentissage.enums import StaffRole
from apprentissage.forms import CHOOSE, name_empty_choices
from apprentissage.models import User
from evaluation import computation
from evaluation.enums import Outcome, YearDecision
from evaluation.models import JurySession


def _staff():
    return (
        User.objects.filter(
            Q(groups__name__in=[StaffRole.SCOLARITE, StaffRole.SCHOOL_TUTOR, StaffRole.MODULE_TEACHER])
            | Q(led_options__isnull=False)
        )
        .distinct()
        .order_by("last_name", "first_name")
    )


class JurySessionForm(forms.ModelForm):
    class Meta:
        model = JurySession
        fields = ["school_year", "study_year", "option", "meets_on", "president", "members"]
        widgets = {
            "meets_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "members": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["president"].queryset = _staff()
        self.fields["members"].queryset = _staff()
        name_empty_choices(self)
        self.fields["option"].empty_label = _("Every option")
        if self.instance.pk:  # what the session is about stays as it was created
            for name in ("school_year", "study_year", "option"):
                self.fields[name].disabled = True

    def clean(self):
        cleaned = super().clean()
        school_year, study_year = cleaned.get("school_year"), cleaned.get("study_year")
        if school_year and study_year:
            same = JurySession.objects.filter(school_year=school_year, study_year=study_year).exclude(
                pk=self.instance.pk
            )
            option = cleaned.get("option")
            if same.filter(option=option).exists():
                raise forms.ValidationError(
                    _("This school year already has a jury for this study year and option.")
                )
            overlapping = same.exists() if option is None else same.filter(option__isnull=True).exists()
            if overlapping:
                raise forms.ValidationError(
                    _("A jury for every option and a jury for one option cannot cover the same study year.")
                )
        meets_on = cleaned.get("meets_on")
        if school_year and meets_on and not school_year.start_date <= meets_on <= school_year.end_date:
            self.add_error("meets_on", _("The jury meets within its school year."))
        return cleaned


class DecisionForm(forms.Form):
    """One apprentice's decision in the deliberation grid."""

    code = forms.ChoiceField(
        label=_("Decision"),
        choices=[("", CHOOSE), *YearDecision.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Usual for the decision")), *Outcome.choices],
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code")
        if code:
            try:
                computation.jury_decision(code, cleaned.get("reason", ""))
            except forms.ValidationError as error:
                self.add_error("reason", error)
        return cleaned
