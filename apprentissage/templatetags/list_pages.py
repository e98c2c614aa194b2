"""What list pages render on every row or every request, at a fraction of the generic way's cost.

`{{ obj|display:"field" }}` is `obj.get_field_display()`: Django's builds a dict of every
choice (hashing each lazy label, so translating each) for every row; this one keeps the
field's choices per process and translates one label.

`{% simple_crispy form %}` renders a form as `{% crispy form %}` does (crispy-bootstrap5's
markup), in Python, when its helper's layout is a simple one: columns (`Div`s) of fields and
submit buttons, and bare fields (hidden ones) — every filter bar of `apprentissage.forms.
filter_bar`, the calendar's week form, a TAPE session's row. crispy renders several templates
per field, and Django one per option of a select: about 3 ms for a filter bar of six fields,
8 for the calendar's week form, on every request; this a few tenths of a millisecond. Text,
number, e-mail, date, select, checkbox and hidden fields, each with its label, help text and
errors; any other layout or widget is left to crispy."""

from crispy_forms.layout import Div, Submit
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

_choices: dict[tuple[type, str], dict] = {}


@register.filter
def display(obj, field_name: str):
    """The label of `obj`'s choice in `field_name` (its value when not a choice, as Django)."""
    key = (type(obj), field_name)
    choices = _choices.get(key)
    if choices is None:
        choices = _choices[key] = dict(obj._meta.get_field(field_name).flatchoices)
    value = getattr(obj, field_name)
    return str(choices.get(value, value))


_INPUTS = (forms.TextInput, forms.NumberInput, forms.EmailInput, forms.DateInput, forms.TimeInput)


class _NotSimple(Exception):
    """A layout or widget only crispy renders."""


@register.simple_tag(takes_context=True)
def simple_crispy(context, form) -> str:
    helper = getattr(form, "helper", None)
    try:
        if helper is None or helper.layout is None or not _plain(form, helper):
            raise _NotSimple
        parts = [_errors(form)] if form.non_field_errors() else []
        for item in helper.layout.fields:
            parts.append(_column(form, item) if isinstance(item, Div) else _item(form, item))
    except _NotSimple:
        from crispy_forms.utils import render_crispy_form

        return render_crispy_form(form, helper, context)
    attrs = {
        "action": helper.form_action or None,
        "class": helper.form_class.strip() or None,
        "id": helper.form_id or None,
        "method": helper.form_method,
        **helper.attrs,
    }
    if helper.form_method == "post" and not helper.disable_csrf:
        token = context.get("csrf_token")
        parts.insert(0, format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token))
    return format_html("<form{}>{}</form>", _attrs(attrs), mark_safe("\n".join(parts)))


def _plain(form, helper) -> bool:
    """Whether the helper keeps crispy-bootstrap5's defaults that the markup here assumes:
    anything else (a horizontal form, custom templates, added inputs, media...) is crispy's."""
    return (
        helper.form_tag
        and helper.form_show_labels
        and helper.form_show_errors
        and not helper.render_unmentioned_fields
        and not (helper.render_hidden_fields or helper.render_required_fields)
        and not (helper.template or helper.field_template or helper.label_class or helper.field_class)
        and not (helper.form_error_title or helper.form_group_wrapper_class or helper.inputs)
        and helper.error_text_inline
        and not helper.help_text_inline
        and not form.is_multipart()
        and not (helper.include_media and (form.media._css or form.media._js))
    )


def _column(form, div: Div) -> str:
    if div.flat_attrs or div.css_id:
        raise _NotSimple
    return format_html(
        '<div class="{}">{}</div>',
        div.css_class,
        mark_safe("".join(_item(form, item) for item in div.fields)),
    )


def _item(form, item) -> str:
    if isinstance(item, Div):
        return _column(form, item)
    if isinstance(item, Submit):
        return _submit(item)
    if isinstance(item, str) and item in form.fields:  # crispy's own way with an unknown name
        return _field(form[item])
    raise _NotSimple


def _errors(form) -> str:
    return format_html(
        '<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
        format_html_join("", "<li>{}</li>", ((error,) for error in form.non_field_errors())),
    )


def _submit(button: Submit) -> str:
    if button.attrs or button.flat_attrs:
        raise _NotSimple
    return format_html(
        '<input type="submit" name="{}" value="{}" class="{}" id="{}">',
        button.name,
        button.value,
        button.field_classes,
        button.id,
    )


def _attrs(attrs: dict) -> str:
    """`attrs` as HTML attributes (True: the bare attribute; False or None: left out)."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False and value is not None
        )
    )


def _field(field: forms.BoundField) -> str:
    widget = field.field.widget
    if field.is_hidden:
        if not isinstance(widget, forms.HiddenInput):
            raise _NotSimple
        shown = widget.format_value(field.value())
        return format_html(
            '<input type="hidden" name="{}"{} id="{}">',
            field.html_name,
            format_html(' value="{}"', shown) if shown not in (None, "") else "",
            field.auto_id,
        )
    required = field.field.required
    required_class = " requiredField" if required else ""
    asterisk = mark_safe('<span class="asteriskField">*</span>') if required else ""
    invalid = " is-invalid" if field.errors else ""
    attrs = {**widget.attrs, **field.build_widget_attrs({}, widget)}
    attrs.pop("class", None)
    help_id = f"{field.auto_id}_helptext"  # build_widget_attrs points aria-describedby to it
    value = field.value()
    if type(widget) is forms.CheckboxInput:
        box = format_html(
            '<input type="checkbox" name="{}" class="checkboxinput form-check-input{}"{} id="{}"{}>',
            field.html_name,
            invalid,
            _attrs(attrs),
            field.auto_id,
            " checked" if widget.check_test(value) else "",
        )
        label = format_html(
            '<label for="{}" class="form-check-label">{}</label>', field.id_for_label, field.label
        )
        return format_html(
            '<div class="mb-3"><div id="div_{}" class="form-check">{}{}{}</div></div>',
            field.auto_id,
            box,
            label,
            _help_and_errors(field, help_id),
        )
    if type(widget) is forms.RadioSelect:
        return _radios(field, widget, invalid, required_class, asterisk, help_id)
    if type(widget) is forms.Select:
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, group_options, _index in widget.optgroups(
                    field.html_name, widget.format_value(value)
                )
                for option in group_options
            ),
        )
        control = format_html(
            '<select name="{}" class="select form-select{}"{} id="{}">{}</select>',
            field.html_name,
            invalid,
            _attrs(attrs),
            field.auto_id,
            options,
        )
    elif type(widget) in _INPUTS:
        shown = widget.format_value(value)
        control = format_html(
            '<input type="{}" name="{}"{} class="{} form-control{}"{} id="{}">',
            widget.input_type,
            field.html_name,
            format_html(' value="{}"', shown) if shown not in (None, "") else "",
            type(widget).__name__.lower(),  # as crispy: "textinput", "dateinput"...
            invalid,
            _attrs(attrs),
            field.auto_id,
        )
    else:
        raise _NotSimple
    label = format_html(
        '<label for="{}" class="form-label{}">{}{}</label>',
        field.id_for_label,
        required_class,
        field.label,
        asterisk,
    )
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}</div>',
        field.auto_id,
        label,
        control,
        _help_and_errors(field, help_id),
    )


def _radios(field, widget, invalid, required_class, asterisk, help_id) -> str:
    """A radio button per choice in a fieldset, as crispy-bootstrap5's radio_checkbox_select."""
    attrs = field.build_widget_attrs({"id": widget.attrs.get("id") or field.auto_id})
    groups = widget.optgroups(field.html_name, widget.format_value(field.value()), attrs)
    if any(group for group, _options, _index in groups):
        raise _NotSimple
    options = [option for _group, group_options, _index in groups for option in group_options]
    buttons = []
    for index, option in enumerate(options, start=1):
        errors = ""
        if field.errors and index == len(options):  # crispy's errors block, in the last button's div
            errors = format_html(
                '<div id="{}_error" class="invalid-feedback">{}</div>',
                field.auto_id,
                format_html_join(
                    "",
                    '<p id="error_{}_{}"><strong>{}</strong></p>',
                    ((i, field.auto_id, error) for i, error in enumerate(field.errors, start=1)),
                ),
            )
        buttons.append(
            format_html(
                '<div class="form-check"><input type="{}" class="form-check-input{}" name="{}" value="{}"{}>'
                '<label for="{}" class="form-check-label">{}</label>{}</div>',
                option["type"],
                invalid,
                field.html_name,
                option["value"],
                _attrs(option["attrs"]),
                option["attrs"].get("id", ""),
                option["label"],
                errors,
            )
        )
    described = field.aria_describedby
    help_text = ""
    if field.help_text:
        help_text = format_html(
            '<div id="{}" class="form-text">{}</div>', help_id, mark_safe(str(field.help_text))
        )
    return format_html(
        '<div id="div_{}" class="mb-3"><fieldset{}><legend class="form-label{} fs-6">{}{}</legend>'
        "<div>{}</div>{}</fieldset></div>",
        field.auto_id,
        format_html(' aria-describedby="{}"', described) if described else "",
        required_class,
        field.label,
        asterisk,
        mark_safe("".join(buttons)),
        help_text,
    )


def _help_and_errors(field: forms.BoundField, help_id: str) -> str:
    errors = ""
    if field.errors:
        errors = format_html(
            '<div id="{}_error" class="invalid-feedback">{}</div>',
            field.auto_id,
            format_html_join(
                "",
                '<span id="error_{}_{}"><strong>{}</strong></span>',
                ((i, field.auto_id, error) for i, error in enumerate(field.errors, start=1)),
            ),
        )
    help_text = ""
    if field.help_text:  # as crispy: the developer's text, not escaped
        help_text = format_html(
            '<div id="{}" class="form-text">{}</div>', help_id, mark_safe(str(field.help_text))
        )
    return format_html("{}{}", errors, help_text)
