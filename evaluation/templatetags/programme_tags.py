"""Numbers of the programme as people write them: "1,5" not "1,50", a weight 0.25 as "25 %"."""

from decimal import Decimal

from django import template
from django.utils.formats import get_format

from evaluation.programmes import short_number as _short_number

register = template.Library()


def _short(value) -> str:
    return _short_number(Decimal(value), get_format("DECIMAL_SEPARATOR"))


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
