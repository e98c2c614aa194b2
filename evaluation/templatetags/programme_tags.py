"""Numbers of the programme as people write them: "1,5" not "1,50", a weight 0.25 as "25 %"."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


def _short(value: Decimal) -> str:
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text))


@register.filter
def short_number(value) -> str:
    """1.50 → "1,5"; 30 → "30"; 10.00 → "10" (in the language's decimal separator)."""
    if value is None or value == "":
        return "—"
    return _short(value)


@register.filter
def percent(value) -> str:
    """A share (0.25) as a percentage ("25 %")."""
    if value is None or value == "":
        return "—"
    return f"{_short(Decimal(value) * 100)}\u00a0%"
