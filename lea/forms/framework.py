"""Scolarité's forms: the competency framework (blocks, competencies) and the yearly
deadlines (one date per school year, study year and kind, in one form)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from apprentissage.enums import StudyYear
from apprentissage.forms import CHOOSE

from ..enums import DeadlineKind
from ..models import Competency, CompetencyBlock
from ..models.plans import default_due_date


class _SaveHelperMixin:
    def _helper(self):
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save")))


class CompetencyBlockForm(_SaveHelperMixin, forms.ModelForm):
    class Meta:
        model = CompetencyBlock
        fields = ["name", "option", "position"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].empty_label = _("Common to every option")
        self._helper()


class CompetencyForm(_SaveHelperMixin, forms.ModelForm):
    class Meta:
        model = Competency
        fields = ["block", "code", "label", "position"]
        help_texts = {"code": _("A short stable code (letters, digits, hyphens), e.g. C1-conception.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["block"].queryset = CompetencyBlock.objects.select_related("option")
        self.fields["block"].empty_label = CHOOSE
        self._helper()


def deadline_field_name(school_year, study_year: int, kind: str) -> str:
    return f"d_{school_year.start_year}_{study_year}_{kind}"


class DeadlinesForm(forms.Form):
    """Every date of `school_years` (× study year × kind) at once; initial: scolarité's date,
    else the default (marked as such)."""

    def __init__(self, *args, school_years, set_dates: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.school_years = list(school_years)
        self.rows = []
        for school_year in self.school_years:
            for study_year in StudyYear:
                for kind in DeadlineKind:
                    name = deadline_field_name(school_year, study_year, kind)
                    default = default_due_date(kind, school_year)
                    current = set_dates.get((school_year.pk, study_year.value, kind.value))
                    self.fields[name] = forms.DateField(
                        label=f"{kind.label} — {school_year} — {study_year.label}",
                        initial=current or default,
                        widget=forms.DateInput(
                            attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"
                        ),
                    )
                    self.rows.append(
                        {
                            "name": name,
                            "school_year": school_year,
                            "study_year": study_year,
                            "kind": kind,
                            "default": default,
                            "is_default": current is None,
                        }
                    )

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            value = cleaned.get(row["name"])
            school_year = row["school_year"]
            if value and not school_year.start_date <= value <= school_year.end_date:
                self.add_error(
                    row["name"],
                    _("This date is outside the school year %(year)s (from %(start)s to %(end)s).")
                    % {
                        "year": school_year,
                        "start": date_format(school_year.start_date, "SHORT_DATE_FORMAT"),
                        "end": date_format(school_year.end_date, "SHORT_DATE_FORMAT"),
                    },
                )
        return cleaned

    def bound_rows(self) -> list[dict]:
        """The rows with their bound field; a refused date's input marked invalid (Bootstrap
        then shows its error, which Django's `aria-describedby` already points to)."""
        rows = []
        for row in self.rows:
            field = self[row["name"]]
            if field.errors:
                attrs = field.field.widget.attrs
                if "is-invalid" not in attrs["class"].split():
                    attrs["class"] += " is-invalid"
            rows.append({**row, "field": field})
        return rows
