"""Lean crispy layout objects: the markup of crispy-bootstrap5's templates (fieldsets with
their legend, labels, ids, Bootstrap's classes, help texts, errors and their aria links)
written in Python. A form with dozens of fields (the fiche de liaison's radio group per
competency) renders several times faster with them: crispy's templates cost about a
millisecond a field. Use them only there; everywhere else, crispy's own objects."""

from crispy_forms.layout import LayoutObject
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.utils.html import conditional_escape, escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import slugify


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


def form_text(text):
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
