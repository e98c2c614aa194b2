"""Import and export of the calendar in the access matrix (scolarité and admins only)."""

from django.urls import reverse

from planning.models import CalendarWeek

from ..access import CASES, Case, staff_only

CASES.add(
    Case("planning:import", "", lambda w: reverse("planning:import", args=[2026]), staff_only()),
    Case(
        "planning:import",
        "confirm",
        lambda w: reverse("planning:import", args=[2026]),
        # Allowed: back to the form, nothing checked yet to import.
        staff_only(302),
        method="post",
        data=lambda w: {"confirm": "1"},
        unchanged=lambda w: CalendarWeek.objects.count(),
    ),
    Case("planning:import_template", "", lambda w: reverse("planning:import_template"), staff_only()),
    Case("planning:export_xlsx", "", lambda w: reverse("planning:export_xlsx", args=[2026]), staff_only()),
    Case("planning:export_pdf", "", lambda w: reverse("planning:export_pdf", args=[2026]), staff_only()),
)
