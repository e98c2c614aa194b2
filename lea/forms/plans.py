"""The yearly missions and project description's form (shared by the apprentice and the
company tutor, optimistic locking), and the option lead's remark."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Layout, Submit
from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apprentissage.drafts import VersionedForm
from apprentissage.forms import name_empty_choices
from apprentissage.views.drafts import SAVE_AND_RETURN

from ..models import YearlyPlan


class SecondarySubmit(Submit):
    field_classes = "btn btn-outline-secondary"


def draft_buttons(back_label):
    """Save and stay on the form, or save and go back (see `edit_draft`)."""
    return Div(
        Submit("save", _("Save the draft")),
        SecondarySubmit(SAVE_AND_RETURN, back_label),
        css_class="d-flex flex-wrap gap-2",
    )


def mark_needed(form, names) -> None:
    """Mark in words the fields needed before submitting; optional for a draft."""
    for name in names:
        field = form.fields[name]
        field.label = format_html(
            '{} <span class="small fw-normal text-body-secondary">({})</span>',
            field.label,
            _("required to submit"),
        )
        field.widget.attrs["aria-required"] = "true"


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class YearlyPlanForm(VersionedForm):
    technical_share = forms.IntegerField(
        label=_("Technical share (%)"),
        min_value=0,
        max_value=100,
        required=False,
        help_text=_("The managerial share is the rest (100 minus the technical share)."),
    )

    class Meta:
        model = YearlyPlan
        fields = list(YearlyPlan.CONTENT_FIELDS)
        widgets = {
            "missions": forms.Textarea(attrs={"rows": 6}),
            "company_project": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["technical_share"].widget.attrs.update({"inputmode": "numeric"})
        name_empty_choices(self)
        mark_needed(self, YearlyPlan.CONTENT_FIELDS)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version",
            "missions",
            Div(
                Div("family", css_class="col-md-6"),
                Div("level", css_class="col-md-6"),
                css_class="row",
            ),
            "technical_share",
            "company_project",
            draft_buttons(_("Save and go back to the description")),
        )
