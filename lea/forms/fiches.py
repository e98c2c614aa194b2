"""The fiche de liaison's forms: each party's section (a shared draft, `VersionedForm`) and
the extra fields of its transitions (comment, signature).

Both sections keep what was saved when the form was read: if someone saves in between, the
page shows the saved values that differ from what the person typed (`others_changes`)."""

import copy

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apprentissage.drafts import VersionedForm
from apprentissage.views.drafts import SAVE_AND_RETURN
from lea.enums import BEHAVIOUR_SCALE_MAX, BehaviourCriterion, CompetencyLevel, TutorAgreement
from lea.models import Fiche
from lea.models.fiches import APPRENTICE_FIELDS, TUTOR_FIELDS

ACTIVITY_ROWS = 6  # rows offered for activities (empty ones are ignored)
ACTIVITY_MAX_LENGTH = 500
AUTOSAVE_SECONDS = 60  # the page saves the draft this often when something changed (autosave.js)
NOT_OBSERVED = "none"


# --- Lean layout objects ------------------------------------------------------------------
# The fiche's forms have dozens of fields (a radio group per competency): crispy's templates
# cost about a millisecond a field, so these write the same markup as crispy's bootstrap5
# pack (fieldsets with their legend, labels, ids, Bootstrap's classes, help texts, errors)
# in Python.


class _Lean(LayoutObject):
    def __init__(self, field: str):
        self.fields = [field]

    def render(self, form, context, **kwargs):
        name = self.fields[0]
        if hasattr(form, "rendered_fields"):
            form.rendered_fields.add(name)
        return self.render_field(form[name])


class InlineRadios(_Lean):
    """A radio group on one line: a fieldset named by its legend, a labelled radio per
    choice, the errors below (crispy's `InlineRadios`)."""

    render_field = staticmethod(lambda bound: render_inline_radios(bound))


class LeanField(_Lean):
    """A text or number field: its label, the widget with Bootstrap's classes, its errors
    and help text (crispy's `field.html`)."""

    render_field = staticmethod(lambda bound: render_lean_field(bound))


class LeanFieldset(LayoutObject):
    def __init__(self, legend, *fields):
        self.legend = legend
        self.fields = list(fields)

    def render(self, form, context, template_pack=None, **kwargs):
        return format_html(
            "<fieldset><legend>{}</legend> {}</fieldset>",
            self.legend,
            self.get_rendered_fields(form, context, template_pack or TEMPLATE_PACK, **kwargs),
        )


class LeanDiv(LayoutObject):
    def __init__(self, *fields, css_class: str):
        self.css_class = css_class
        self.fields = list(fields)

    def render(self, form, context, template_pack=None, **kwargs):
        return format_html(
            '<div class="{}">{}</div>',
            self.css_class,
            self.get_rendered_fields(form, context, template_pack or TEMPLATE_PACK, **kwargs),
        )


class LeanHTML(LayoutObject):
    """Markup as is (crispy's `HTML` compiles it as a template on every render)."""

    def __init__(self, html):
        self.html = html
        self.fields = []

    def render(self, form, context, **kwargs):
        return self.html


def _form_text(text):
    return LeanHTML(format_html('<p class="form-text">{}</p>', text))


def _errors_html(bound, tag: str, css: str):
    return format_html(
        '<div id="{}_error" class="{}">{}</div>',
        bound.auto_id,
        css,
        format_html_join(
            "",
            f'<{tag} id="error_{{}}_{{}}"><strong>{{}}</strong></{tag}>',
            ((n, bound.auto_id, error) for n, error in enumerate(bound.errors, 1)),
        ),
    )


def _help_html(bound):
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', bound.auto_id, bound.help_text)


def _label_text(bound):
    if bound.field.required:
        return format_html('{}<span class="asteriskField">*</span>', bound.label)
    return conditional_escape(bound.label)


def _attrs_html(attrs: dict) -> str:
    """The attributes as Django's `attrs.html` writes them (True: the name alone)."""
    return mark_safe(
        "".join(
            f" {name}" if value is True else f' {name}="{escape(value)}"'
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


def render_inline_radios(bound) -> str:
    auto_id, errors = bound.auto_id, bound.errors
    invalid = " is-invalid" if errors else ""
    value = bound.field.widget.format_value(bound.value())
    options = format_html_join(
        " ",
        '<div class="form-check form-check-inline"><input type="radio" class="form-check-input{0}"'
        ' name="{1}" value="{2}" id="{3}_{4}"{5}>'
        ' <label for="{3}_{4}" class="form-check-label">{6}</label></div>',
        (
            (invalid, bound.html_name, key, auto_id, i, mark_safe(" checked" if key in value else ""), label)
            for i, (key, label) in enumerate((str(k), str(v)) for k, v in bound.field.choices)
        ),
    )
    described, extra = [], mark_safe("")
    if bound.help_text:
        described.append(f"{auto_id}_helptext")
        extra = _help_html(bound)
    if errors:
        described.append(f"{auto_id}_error")
        extra += _errors_html(bound, "p", "invalid-feedback d-block")
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset{}><legend class="fs-6 form-label{}">{}</legend>'
        "<div>{}</div>{}</fieldset></div>",
        auto_id,
        format_html(' aria-describedby="{}"', " ".join(described)) if described else "",
        " requiredField" if bound.field.required else "",
        _label_text(bound),
        options,
        extra,
    )


def _widget_html(bound, css: str) -> str:
    """The widget as Django's templates write it (a textarea or an input)."""
    widget = bound.field.widget
    attrs = bound.build_widget_attrs({"class": css}, widget)
    if bound.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound.auto_id)
    context = widget.get_context(bound.html_name, bound.value(), attrs)["widget"]
    if isinstance(widget, forms.Textarea):
        return format_html(
            '<textarea name="{}"{}>\n{}</textarea>',
            context["name"],
            _attrs_html(context["attrs"]),
            context["value"] or "",
        )
    value = context["value"]
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', value) if value is not None else "",
        _attrs_html(context["attrs"]),
    )


def render_lean_field(bound) -> str:
    widget = bound.field.widget
    css = f"{widget.__class__.__name__.lower()} form-control{' is-invalid' if bound.errors else ''}"
    extra = mark_safe("")
    if bound.errors:
        extra = _errors_html(bound, "span", "invalid-feedback")
    if bound.help_text:
        extra += _help_html(bound)
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label{}">{}</label> {} {}</div>',
        bound.auto_id,
        bound.id_for_label,
        " requiredField" if bound.field.required else "",
        _label_text(bound),
        _widget_html(bound, css),
        extra,
    )


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


class LeanSubmit(LayoutObject):
    """A submit button (crispy's `Submit`)."""

    def __init__(self, name: str, value, css_class: str = "btn btn-primary"):
        self.name, self.value, self.css_class = name, value, css_class
        self.fields = []

    def render(self, form, context, **kwargs):
        return format_html(
            '<input type="submit" name="{}" value="{}" class="{}" id="submit-id-{}"/>',
            self.name,
            self.value,
            self.css_class,
            slugify(self.name),
        )


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
                _form_text(
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
                _form_text(_scale_text()),
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
                _form_text(_scale_text()),
                *self.rating_fieldsets("tutor_rating_"),
            ),
            LeanFieldset(
                _("Professional behaviour"),
                _form_text(
                    _("From 0 (insufficient) to 4 (excellent), or “not observed”."),
                ),
                *[InlineRadios(f"behaviour_{criterion.value}") for criterion in BehaviourCriterion],
            ),
            LeanFieldset(_("Next period"), LeanField("tutor_objectives")),
            LeanFieldset(
                _("Concern"),
                _form_text(
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


class CountersignForm(_TransitionForm):
    typed_name = forms.CharField(label=_("Type your first and last name"), max_length=200)
    consent = forms.BooleanField(
        label=_(
            "I have read the fiche de liaison and countersign it: the signature freezes the "
            "apprentice's part and mine."
        ),
    )
