"""Forms of the calendar grid (scolarité's editor). Other planning pages keep their forms
in their own modules."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apprentissage.enums import StudyYear
from apprentissage.forms import filter_bar
from apprentissage.models import Option, SchoolYear

from .enums import WeekKind
from .weeks import school_year_mondays

ALL_STUDY_YEARS = "all"
# The kind that removes an option's own week (the option follows the common calendar again).
COMMON_WEEK = "common"


def week_label(monday: datetime.date) -> str:
    """ "S38 — 15/09/2025": the ISO week number and its Monday, as in the school's table."""
    return f"S{monday.isocalendar()[1]:02d} — {monday:%d/%m/%Y}"


class GridOptionForm(forms.Form):
    """The GET bar choosing whose calendar the grid shows: every option, or one option's."""

    option = forms.ModelChoiceField(
        label=_("Calendar of"),
        queryset=Option.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All options (common calendar)"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = filter_bar(("option", 6))
        self.helper.form_id = "grid-option-form"


class WeekRangeForm(forms.Form):
    """Set the kind of a range of weeks of one study year (or of the three) in one change."""

    study_years = forms.ChoiceField(label=_("Study year"))
    first = forms.TypedChoiceField(label=_("First week"), coerce=datetime.date.fromisoformat)
    last = forms.TypedChoiceField(label=_("Last week"), coerce=datetime.date.fromisoformat)
    kind = forms.ChoiceField(label=_("Kind of week"))
    option = forms.ModelChoiceField(
        queryset=Option.objects.all(), to_field_name="code", required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, school_year: SchoolYear, option: Option | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_year = school_year
        self.selected_option = option
        self.mondays = school_year_mondays(school_year.start_year)
        weeks = [(m.isoformat(), week_label(m)) for m in self.mondays]
        not_in_year = _("This week is not in school year %(year)s.") % {"year": school_year.label}
        for name in ("first", "last"):
            self.fields[name].choices = weeks
            self.fields[name].error_messages["invalid_choice"] = not_in_year
        self.fields["study_years"].choices = [
            *((str(y.value), y.label) for y in StudyYear),
            (ALL_STUDY_YEARS, _("The three study years")),
        ]
        kinds = list(WeekKind.choices)
        if option is not None:
            kinds.append((COMMON_WEEK, _("As the common calendar (remove the option's week)")))
        self.fields["kind"].choices = kinds
        self.fields["kind"].error_messages["invalid_choice"] = _("“%(value)s” is not a kind of week.")
        self.initial.setdefault("option", option.code if option else "")

        url = reverse("planning:grid_set", args=[school_year.start_year])
        self.helper = FormHelper()
        self.helper.form_action = url
        self.helper.form_id = "week-range-form"
        self.helper.form_class = "row g-2 align-items-start"
        self.helper.attrs = {"hx-post": url, "hx-target": "#grid-editor", "hx-swap": "outerHTML"}
        self.helper.layout = Layout(
            Div("study_years", css_class="col-md-2"),
            Div("first", css_class="col-md-3"),
            Div("last", css_class="col-md-3"),
            Div("kind", css_class="col-md-3"),
            "option",
            Div(Submit("apply", _("Apply")), css_class="col-md-1 grid-apply"),
        )

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and last < first:
            self.add_error("last", _("The last week comes before the first week."))
        return cleaned

    def changes(self) -> list[tuple[int, datetime.date, str | None]]:
        """(study year, Monday, kind) for every week of the range; None removes an override."""
        data = self.cleaned_data
        study_years = [1, 2, 3] if data["study_years"] == ALL_STUDY_YEARS else [int(data["study_years"])]
        kind = None if data["kind"] == COMMON_WEEK else data["kind"]
        mondays = [m for m in self.mondays if data["first"] <= m <= data["last"]]
        return [(y, m, kind) for y in study_years for m in mondays]

    def description(self) -> str:
        """What the audit trail says, e.g. "2A: S45–S47 → School"."""
        data = self.cleaned_data
        who = "1A, 2A, 3A" if data["study_years"] == ALL_STUDY_YEARS else f"{data['study_years']}A"
        kind = dict(self.fields["kind"].choices)[data["kind"]]
        first, last = data["first"].isocalendar()[1], data["last"].isocalendar()[1]
        weeks = f"S{first:02d}" if data["first"] == data["last"] else f"S{first:02d}–S{last:02d}"
        if self.selected_option is not None:
            return _("%(who)s (%(option)s): %(weeks)s → %(kind)s") % {
                "who": who,
                "option": self.selected_option.name,
                "weeks": weeks,
                "kind": kind,
            }
        return _("%(who)s: %(weeks)s → %(kind)s") % {"who": who, "weeks": weeks, "kind": kind}
