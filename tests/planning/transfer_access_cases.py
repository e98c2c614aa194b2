"""Import and export of the calendar in the access matrix (scolarité and admins only)."""

from django.urls import reverse

from apprentissage.models import ImportBatch
from planning.models import CalendarWeek

from ..access import CASES, Case, staff_only

CASES.add(
    Case("planning:import", "", lambda w: reverse("planning:import", args=[2026]), staff_only()),
    Case(
        "planning:import",
        "post without a file",
        lambda w: reverse("planning:import", args=[2026]),
        # Allowed: the form again with its error, nothing checked, nothing kept.
        staff_only(200),
        method="post",
        data=lambda w: {"preview": "1"},
        unchanged=lambda w: (CalendarWeek.objects.count(), ImportBatch.objects.count()),
    ),
    Case("planning:import_template", "", lambda w: reverse("planning:import_template"), staff_only()),
    Case("planning:export_xlsx", "", lambda w: reverse("planning:export_xlsx", args=[2026]), staff_only()),
    Case("planning:export_pdf", "", lambda w: reverse("planning:export_pdf", args=[2026]), staff_only()),
)
