"""The fiche de liaison's forms: each party's section (a shared draft, `VersionedForm`) and
the extra fields of its transitions (comment, signature).

Both sections keep what was saved when the form was read: if someone saves in between, the
page shows the saved values that differ from what the person typed (`others_changes`)."""

import copy

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from django import forms
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apprentissage.drafts import VersionedForm
from apprentissage.forms import SignatureForm
from apprentissage.views.drafts import SAVE_AND_RETURN
from lea.enums import BEHAVIOUR_SCALE_MAX, BehaviourCriterion, CompetencyLevel, TutorAgreement
from lea.models import Fiche
from lea.models.fiches import APPRENTICE_FIELDS, TUTOR_FIELDS

from .lean import InlineRadios, LeanDiv, LeanField, LeanFieldset, LeanSubmit, form_text

ACTIVITY_ROWS = 6  # rows offered for activities (empty ones are ignored)
ACTIVITY_MAX_LENGTH = 500
AUTOSAVE_SECONDS = 60  # the page saves the draft this often when something changed (autosave.js)
NOT_OBSERVED = "none"


class CurrentVersionField(forms.IntegerField):
    """The version the form was read at. Shown again (an error, a conflict), the form
    carries the version saved now: the page then lists what others changed since, so the
    next save is made knowing it (never a silent overwrite)."""

    def bound_data(self, data, initial):
        return initial


def level_label(value) -> str:
    """A level of the 4-level scale, in words ("—" when not rated)."""
    if value is None or value == "":
        return "—"
    try:
        return str(CompetencyLevel(int(value)).label)
    except (TypeError, ValueError):
        return "—"


def behaviour_label(ratings: dict, criterion: str) -> str:
    if criterion not in ratings:
        return "—"
    value = ratings[criterion]
    return gettext("Not observed") if value is None else f"{value} / {BEHAVIOUR_SCALE_MAX}"


def activities_text(activities) -> str:
    return "\n".join(
        f"{a.get('description', '')} ({a['share']} %)"
        if a.get("share") is not None
        else a.get("description", "")
        for a in activities or []
    )


def _rating_field(label, initial):
    return forms.TypedChoiceField(
        label=label,
        choices=CompetencyLevel.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        initial=initial,
    )


def _text_widgets(names):
    return {name: forms.Textarea(attrs={"rows": 4}) for name in names}


def _limit_help(form, names) -> None:
    for name in names:
        field = form.fields[name]
        field.help_text = _("%(max)s characters at most.") % {"max": field.max_length}


def _framework_blocks(framework: list[dict]) -> list[tuple[str, list[dict]]]:
    """The framework's competencies grouped by block, in the framework's order."""
    blocks: dict[str, list[dict]] = {}
    for competency in framework:
        blocks.setdefault(competency.get("block") or "", []).append(competency)
    return list(blocks.items())


def _buttons():
    """Save and stay on the form, or save and go back to the fiche (see `edit_draft`)."""
    return LeanDiv(
        LeanSubmit("save", _("Save the draft")),
        LeanSubmit(SAVE_AND_RETURN, _("Save and go back to the fiche"), "btn btn-outline-secondary"),
        css_class="d-flex flex-wrap gap-2",
    )


class FicheSectionForm(VersionedForm):
    """One party's section of a fiche, as a shared draft."""

    version = CurrentVersionField(widget=forms.HiddenInput)
    section_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # What is saved now (the instance is read afresh by the view): validating the form
        # writes the typed values on the instance, so keep a copy first.
        self.read_version = self.instance.version
        self.saved_section = copy.deepcopy(
            {name: getattr(self.instance, name) for name in self.section_fields}
        )
        self.helper = FormHelper()
        self.helper.attrs = {
            "data-autosave": str(AUTOSAVE_SECONDS),
            "data-autosave-status": "#autosave-status",
            "data-autosave-failed": gettext(
                "Your draft could not be saved automatically (no connection, or you were signed "
                "out). Keep this page open: check your connection or sign in again in another "
                "tab, then save."
            ),
        }

    @property
    def framework(self) -> list[dict]:
        return self.instance.framework or []

    def rating_fieldsets(self, prefix: str):
        return [
            LeanFieldset(block, *[InlineRadios(f"{prefix}{c['code']}") for c in competencies])
            for block, competencies in _framework_blocks(self.framework)
        ]

    def typed_section(self) -> dict:
        """The section as typed (what could be read of it: the saved value otherwise)."""
        raise NotImplementedError

    def shown(self, section: dict) -> list[tuple[str, str, str]]:
        """(key, label, value in words) of each item of a section, for the diff."""
        raise NotImplementedError

    @cached_property
    def others_changes(self) -> list[dict]:
        """Someone saved since this form was read: the saved values that differ from what
        this person typed (empty otherwise)."""
        if not self.is_bound:
            return []
        try:
            read_at = int(self.data.get("version"))
        except (TypeError, ValueError):
            return []
        if read_at == self.read_version:
            return []
        self.is_valid()
        saved = {key: value for key, _label, value in self.shown(self.saved_section)}
        return [
            {"label": capfirst(label), "saved": saved[key], "typed": value}
            for key, label, value in self.shown(self.typed_section())
            if saved.get(key) != value
        ]


class FicheApprenticeForm(FicheSectionForm):
    """The apprentice's section: activities with their share of time, the competencies
    self-rated on the 4-level scale, difficulties, support, project, objectives."""

    section_fields = APPRENTICE_FIELDS
    TEXTS = ("difficulties", "support_needed", "project_progress", "next_objectives")

    class Meta:
        model = Fiche
        fields = ["difficulties", "support_needed", "project_progress", "next_objectives"]
        widgets = _text_widgets(["difficulties", "support_needed", "project_progress", "next_objectives"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        activities = list(self.instance.activities or [])
        for i in range(ACTIVITY_ROWS):
            saved = activities[i] if i < len(activities) else {}
            self.fields[f"activity_{i}_description"] = forms.CharField(
                label=_("Activity or mission %(number)d") % {"number": i + 1},
                max_length=ACTIVITY_MAX_LENGTH,
                required=False,
                initial=saved.get("description", ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"activity_{i}_share"] = forms.IntegerField(
                label=_("Share of time (%)"),
                min_value=0,
                max_value=100,
                required=False,
                initial=saved.get("share"),
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        ratings = self.instance.self_ratings or {}
        for competency in self.framework:
            self.fields[f"rating_{competency['code']}"] = _rating_field(
                competency["label"], ratings.get(competency["code"])
            )
        _limit_help(self, self.TEXTS)
        self.helper.layout = Layout(
            "version",
            LeanFieldset(
                _("Activities and missions of the period"),
                form_text(
                    _(
                        "One activity per row, with the share of your time it took. The shares "
                        "add up to 100 % at most; leave the rows you do not need empty."
                    ),
                ),
                *[
                    LeanDiv(
                        LeanDiv(LeanField(f"activity_{i}_description"), css_class="col-12 col-md-9"),
                        LeanDiv(LeanField(f"activity_{i}_share"), css_class="col-6 col-md-3"),
                        css_class="row activity-row",
                    )
                    for i in range(ACTIVITY_ROWS)
                ],
            ),
            LeanFieldset(
                _("Competencies worked on: your self-rating"),
                form_text(_scale_text()),
                *self.rating_fieldsets("rating_"),
            ),
            LeanFieldset(
                _("Difficulties and support"), LeanField("difficulties"), LeanField("support_needed")
            ),
            LeanFieldset(
                _("Company project and next period"),
                LeanField("project_progress"),
                LeanField("next_objectives"),
            ),
            _buttons(),
        )

    def _activities(self, data) -> list[dict] | None:
        rows = []
        for i in range(ACTIVITY_ROWS):
            d, s = f"activity_{i}_description", f"activity_{i}_share"
            if d not in data or s not in data:
                return None
            if (data[d] or "").strip() or data[s] is not None:
                rows.append({"description": (data[d] or "").strip(), "share": data[s]})
        return rows

    def clean(self):
        cleaned = super().clean()
        activities = self._activities(cleaned)
        if activities is not None:
            for i in range(ACTIVITY_ROWS):
                if (
                    cleaned.get(f"activity_{i}_share") is not None
                    and not cleaned[f"activity_{i}_description"].strip()
                ):
                    self.add_error(
                        f"activity_{i}_description", _("Describe the activity this share of time is for.")
                    )
            total = sum(a["share"] or 0 for a in activities)
            if total > 100:
                self.add_error(
                    None,
                    _("The shares of time add up to %(total)d %%: they must total 100 %% at most.")
                    % {"total": total},
                )
        return cleaned

    def draft_data(self) -> dict:
        cleaned = self.cleaned_data
        return {
            **{name: cleaned[name] for name in self.TEXTS},
            "activities": self._activities(cleaned),
            "self_ratings": {
                c["code"]: cleaned[f"rating_{c['code']}"]
                for c in self.framework
                if cleaned.get(f"rating_{c['code']}") is not None
            },
        }

    def typed_section(self) -> dict:
        cleaned = getattr(self, "cleaned_data", {})
        typed = copy.deepcopy(self.saved_section)
        typed.update({name: cleaned[name] for name in self.TEXTS if name in cleaned})
        activities = self._activities(cleaned)
        if activities is not None:
            typed["activities"] = activities
        ratings = dict(typed.get("self_ratings") or {})
        for c in self.framework:
            name = f"rating_{c['code']}"
            if name in cleaned:
                ratings[c["code"]] = cleaned[name]
        typed["self_ratings"] = ratings
        return typed

    def shown(self, section: dict) -> list[tuple[str, str, str]]:
        label = lambda name: str(Fiche._meta.get_field(name).verbose_name)  # noqa: E731
        ratings = section.get("self_ratings") or {}
        return [
            ("activities", label("activities"), activities_text(section.get("activities"))),
            *[
                (f"rating_{c['code']}", c["label"], level_label(ratings.get(c["code"])))
                for c in self.framework
            ],
            *[(name, label(name), section.get(name) or "") for name in self.TEXTS],
        ]


def _scale_text():
    return gettext("The 4-level scale: %(levels)s.") % {
        "levels": ", ".join(f"{level.label}" for level in CompetencyLevel)
    }


class FicheTutorForm(FicheSectionForm):
    """The company tutor's section: agreement or corrections, the same competencies rated,
    professional behaviour (0–4 or not observed), objectives, a concern, a comment."""

    section_fields = TUTOR_FIELDS
    TEXTS = ("tutor_corrections", "tutor_objectives", "concern_reason", "tutor_comment")

    class Meta:
        model = Fiche
        fields = [
            "tutor_agreement",
            "tutor_corrections",
            "tutor_objectives",
            "concern",
            "concern_reason",
            "tutor_comment",
        ]
        widgets = {
            "tutor_agreement": forms.RadioSelect,
            **_text_widgets(["tutor_corrections", "tutor_objectives", "concern_reason", "tutor_comment"]),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        agreement = self.fields["tutor_agreement"]
        agreement.choices = TutorAgreement.choices
        agreement.required = False
        ratings = self.instance.tutor_ratings or {}
        for competency in self.framework:
            self.fields[f"tutor_rating_{competency['code']}"] = _rating_field(
                competency["label"], ratings.get(competency["code"])
            )
        behaviour = self.instance.behaviour_ratings or {}
        scale = [(str(n), str(n)) for n in range(BEHAVIOUR_SCALE_MAX + 1)]
        for criterion in BehaviourCriterion:
            saved = behaviour.get(criterion.value, "")  # None: not observed; "": not answered
            self.fields[f"behaviour_{criterion.value}"] = forms.ChoiceField(
                label=criterion.label,
                choices=[*scale, (NOT_OBSERVED, _("Not observed"))],
                required=False,
                widget=forms.RadioSelect,
                initial=NOT_OBSERVED if saved is None else str(saved),
            )
        _limit_help(self, self.TEXTS)
        self.helper.layout = Layout(
            "version",
            LeanFieldset(
                _("The apprentice's account of the period"),
                InlineRadios("tutor_agreement"),
                LeanField("tutor_corrections"),
            ),
            LeanFieldset(
                _("Competencies: your rating"),
                form_text(_scale_text()),
                *self.rating_fieldsets("tutor_rating_"),
            ),
            LeanFieldset(
                _("Professional behaviour"),
                form_text(
                    _("From 0 (insufficient) to 4 (excellent), or “not observed”."),
                ),
                *[InlineRadios(f"behaviour_{criterion.value}") for criterion in BehaviourCriterion],
            ),
            LeanFieldset(_("Next period"), LeanField("tutor_objectives")),
            LeanFieldset(
                _("Concern"),
                form_text(
                    _("Tick it if something worries you: the school tutor is told at once."),
                ),
                Field("concern"),
                LeanField("concern_reason"),
            ),
            LeanFieldset(_("Comment"), LeanField("tutor_comment")),
            _buttons(),
        )

    @staticmethod
    def _behaviour_value(raw):
        return None if raw == NOT_OBSERVED else int(raw)

    def draft_data(self) -> dict:
        cleaned = self.cleaned_data
        return {
            **{name: cleaned[name] for name in ("tutor_agreement", "concern", *self.TEXTS)},
            "tutor_ratings": {
                c["code"]: cleaned[f"tutor_rating_{c['code']}"]
                for c in self.framework
                if cleaned.get(f"tutor_rating_{c['code']}") is not None
            },
            "behaviour_ratings": {
                criterion.value: self._behaviour_value(cleaned[f"behaviour_{criterion.value}"])
                for criterion in BehaviourCriterion
                if cleaned.get(f"behaviour_{criterion.value}")
            },
        }

    def typed_section(self) -> dict:
        cleaned = getattr(self, "cleaned_data", {})
        typed = copy.deepcopy(self.saved_section)
        typed.update(
            {name: cleaned[name] for name in ("tutor_agreement", "concern", *self.TEXTS) if name in cleaned}
        )
        ratings = dict(typed.get("tutor_ratings") or {})
        for c in self.framework:
            if f"tutor_rating_{c['code']}" in cleaned:
                ratings[c["code"]] = cleaned[f"tutor_rating_{c['code']}"]
        typed["tutor_ratings"] = ratings
        behaviour = dict(typed.get("behaviour_ratings") or {})
        for criterion in BehaviourCriterion:
            name = f"behaviour_{criterion.value}"
            if name in cleaned:
                if cleaned[name]:
                    behaviour[criterion.value] = self._behaviour_value(cleaned[name])
                else:
                    behaviour.pop(criterion.value, None)
        typed["behaviour_ratings"] = behaviour
        return typed

    def shown(self, section: dict) -> list[tuple[str, str, str]]:
        label = lambda name: str(Fiche._meta.get_field(name).verbose_name)  # noqa: E731
        ratings = section.get("tutor_ratings") or {}
        behaviour = section.get("behaviour_ratings") or {}
        agreement = section.get("tutor_agreement")
        return [
            (
                "tutor_agreement",
                label("tutor_agreement"),
                str(TutorAgreement(agreement).label) if agreement else "—",
            ),
            *[
                (f"tutor_rating_{c['code']}", c["label"], level_label(ratings.get(c["code"])))
                for c in self.framework
            ],
            *[
                (
                    f"behaviour_{criterion.value}",
                    str(criterion.label),
                    behaviour_label(behaviour, criterion.value),
                )
                for criterion in BehaviourCriterion
            ],
            ("concern", label("concern"), gettext("yes") if section.get("concern") else gettext("no")),
            *[(name, label(name), section.get(name) or "") for name in self.TEXTS],
        ]


# --- The extra fields of the transitions ---------------------------------------------------


class _TransitionForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class SendBackForm(_TransitionForm):
    comment = forms.CharField(
        label=_("What should the apprentice revise?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class ReopenForm(_TransitionForm):
    comment = forms.CharField(
        label=_("Reason for reopening (the signature will be voided)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class AcknowledgeForm(_TransitionForm):
    comment = forms.CharField(
        label=_("Your comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
    )


class CountersignForm(SignatureForm):
    consent_label = _(
        "I have read the fiche de liaison and countersign it: the signature freezes the "
        "apprentice's part and mine."
    )
