"""What list pages render on every row or every request, at a fraction of the generic way's cost.

`{{ obj|display:"field" }}` is `obj.get_field_display()`: Django's builds a dict of every
choice (hashing each lazy label, so translating each) for every row; this one keeps the
field's choices per process and translates one label.

`{% filter_bar form %}`: a list page's GET filter bar (a form whose helper comes from
`apprentissage.forms.filter_bar`) in the Bootstrap markup `{% crispy form %}` gives it, built
in Python: crispy renders several templates per field (about 3 ms for a bar of six fields,
on every list page), this a few tenths of a millisecond.

Text, number, select and checkbox fields, each with its label, help text and errors, as
crispy-bootstrap5 renders them; any other widget falls back to Django's own rendering.
"""

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


@register.simple_tag
def filter_bar(form) -> str:
    helper = form.helper
    columns = []
    for column in helper.layout.fields:
        if not isinstance(column, Div):
            raise TypeError(f"filter_bar: a filter bar's layout is made of Divs, not {column!r}")
        parts = [_submit(item) if isinstance(item, Submit) else _field(form[item]) for item in column.fields]
        columns.append(format_html('<div class="{}">{}</div>', column.css_class, mark_safe("".join(parts))))
    return format_html(
        '<form class="{}" method="{}">{}</form>',
        helper.form_class.strip(),
        helper.form_method,
        mark_safe("\n".join(columns)),
    )


def _submit(button: Submit) -> str:
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
    invalid = " is-invalid" if field.errors else ""
    attrs = {**widget.attrs, **field.build_widget_attrs({}, widget)}
    attrs.pop("class", None)
    help_id = f"{field.auto_id}_helptext"  # build_widget_attrs points aria-describedby to it
    value = field.value()
    if isinstance(widget, forms.CheckboxInput):
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
    if isinstance(widget, forms.Select) and not widget.allow_multiple_selected:
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
    elif isinstance(widget, forms.TextInput | forms.NumberInput | forms.EmailInput | forms.DateInput):
        shown = widget.format_value(value)
        control = format_html(
            '<input type="{}" name="{}"{} class="{}input form-control{}"{} id="{}">',
            widget.input_type,
            field.html_name,
            format_html(' value="{}"', shown) if shown not in (None, "") else "",
            widget.input_type,
            invalid,
            _attrs(attrs),
            field.auto_id,
        )
    else:
        control = field.as_widget()
    label = format_html('<label for="{}" class="form-label">{}</label>', field.id_for_label, field.label)
    return format_html(
        '<div id="div_{}" class="mb-3">{}{}{}</div>',
        field.auto_id,
        label,
        control,
        _help_and_errors(field, help_id),
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
