"""The project dossier's forms: the apprentice's part, the company tutor's remarks, the
endorsement (typed-name signature) and the remarks of a sending back."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from apprentissage.drafts import VersionedForm
from apprentissage.forms import SignatureForm

from ..models import ProjectDossier
from .plans import CommentForm, draft_buttons, mark_needed

__all__ = ["CommentForm", "EndorseForm", "ProjectForm", "ProjectTutorForm"]


class ProjectForm(VersionedForm):
    class Meta:
        model = ProjectDossier
        fields = list(ProjectDossier.APPRENTICE_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("context", "problem", "objectives", "indicators", "approach", "schedule")
        }
        help_texts = {
            "problem": _("The problem and the critical analysis that leads to a diagnosis."),
            "indicators": _("How the results will be measured."),
            "approach": _("The possible solutions, and the feasibility of the one chosen."),
            "schedule": _("The main steps and their dates."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mark_needed(self, ProjectDossier.APPRENTICE_FIELDS)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version", *ProjectDossier.APPRENTICE_FIELDS, draft_buttons(_("Save and go back to the project"))
        )


class ProjectTutorForm(VersionedForm):
    class Meta:
        model = ProjectDossier
        fields = list(ProjectDossier.TUTOR_FIELDS)
        widgets = {"tutor_remarks": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "tutor_remarks": _(
                "What you add to the apprentice's dossier: the company's view of the problem, "
                "the means given, points of attention."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "version", "tutor_remarks", draft_buttons(_("Save and go back to the project"))
        )


class EndorseForm(SignatureForm):
    consent_label = _(
        "I have read the dossier de validation and endorse the project on behalf of the company."
    )
