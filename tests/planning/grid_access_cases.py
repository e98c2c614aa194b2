"""The calendar grid's URLs in the access matrix (registered by tests/test_access_matrix.py):
scolarité and admin only."""

from django.urls import reverse

from apprentissage.models import SchoolYear
from planning.models import CalendarEdit, CalendarWeek

from ..access import CASES, Case, staff_only


def _grid(name):
    return lambda w: reverse(f"planning:{name}", args=[2026])


def _calendar_state(w):
    return (
        list(CalendarWeek.objects.values_list("study_year", "option_id", "monday", "kind")),
        list(CalendarEdit.objects.values_list("description", "undone_at")),
        list(SchoolYear.objects.values_list("start_year", flat=True)),
    )


CASES.add(
    Case("planning:grid_index", "", lambda w: reverse("planning:grid_index"), staff_only(302)),
    Case("planning:grid", "", _grid("grid"), staff_only()),
    Case("planning:grid", "option", lambda w: _grid("grid")(w) + "?option=genindus", staff_only()),
    Case(
        "planning:grid_set",
        "post",
        _grid("grid_set"),
        staff_only(302),
        method="post",
        data=lambda w: {"study_years": "2", "first": "2026-11-16", "last": "2026-11-23", "kind": "ecole"},
        unchanged=_calendar_state,
    ),
    Case(
        "planning:grid_undo",
        "post",
        _grid("grid_undo"),
        staff_only(302),
        method="post",
        data=lambda w: {},
        unchanged=_calendar_state,
    ),
    Case(
        "planning:grid_copy",
        "post",
        _grid("grid_copy"),
        staff_only(302),
        method="post",
        data=lambda w: {},
        unchanged=_calendar_state,
    ),
)
