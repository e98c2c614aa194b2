"""Planning views: import and export of the calendar in the school's table format
(scolarité and admins)."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apprentissage.jobs import start_job
from apprentissage.models import Option, SchoolYear
from apprentissage.pdf import pdf_response
from apprentissage.tabular import TableError, xlsx_response

from ..enums import WeekKind
from ..jobs import IMPORT_CALENDAR
from ..selectors import year_grid
from ..transfer import HEADERS, export_rows, read_calendar, template_rows

SESSION_KEY = "planning_calendar_import"
MANAGE = "planning.manage_calendars"


class CalendarImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (.xlsx or .csv)"),
        help_text=gettext_lazy(
            "The school's table: Semaine, du, au, 1ère année, 2e année, 3e année; one line per week."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("preview", gettext_lazy("Check the file")))


def _school_year(start_year: int) -> SchoolYear:
    return get_object_or_404(SchoolYear, start_year=start_year)


def _option(request) -> Option | None:
    code = request.GET.get("option")
    return get_object_or_404(Option, code=code) if code else None


@login_required
@permission_required(MANAGE, raise_exception=True)
def calendar_import(request, start_year: int):
    """Check the file line by line (nothing saved), then apply it on confirmation."""
    school_year = _school_year(start_year)
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(request, school_year)
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    preview, table_error = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            preview = read_calendar(upload, school_year)
        except TableError as error:
            table_error = str(error)
        else:
            request.session[SESSION_KEY] = {
                "school_year": school_year.pk,
                "filename": upload.name,
                "changes": [[y, m.isoformat(), k] for y, m, k in preview.changes] if preview.ok else None,
            }
    return render(
        request,
        "planning/import.html",
        {
            "form": form,
            "school_year": school_year,
            "preview": preview,
            "table_error": table_error,
            "study_year_headers": HEADERS[3:],
        },
    )


def _confirm(request, school_year: SchoolYear):
    pending = request.session.pop(SESSION_KEY, None)
    if not pending or pending["school_year"] != school_year.pk:
        messages.error(request, _("Nothing to import: check the file again."))
        return redirect("planning:import", start_year=school_year.start_year)
    if pending["changes"] is None:
        messages.error(request, _("The file has errors: correct them and send it again."))
        return redirect("planning:import", start_year=school_year.start_year)
    job = start_job(
        kind=IMPORT_CALENDAR,
        label=_("Import of the %(year)s calendar") % {"year": school_year.label},
        created_by=request.user,
        payload={
            "school_year": school_year.pk,
            "filename": pending["filename"],
            "changes": pending["changes"],
        },
        total=len(pending["changes"]),
        next_url=reverse("planning:grid", args=[school_year.start_year]),
    )
    return redirect("job_detail", pk=job.pk)


@login_required
@permission_required(MANAGE, raise_exception=True)
def import_template(request):
    """The table with the weeks and dates of a school year (?year=<start year>), kinds empty."""
    try:
        start_year = int(request.GET["year"])
    except (KeyError, ValueError):
        current = SchoolYear.objects.current()
        start_year = current.start_year if current else timezone.localdate().year
    if not 2000 <= start_year <= 2100:
        start_year = timezone.localdate().year
    return xlsx_response(
        f"modele-calendrier-{start_year}-{start_year + 1}.xlsx",
        HEADERS,
        template_rows(start_year),
        title=f"{start_year}-{start_year + 1}",
    )


def _export_name(school_year: SchoolYear, option: Option | None, extension: str) -> str:
    suffix = f"-{option.code}" if option else ""
    return f"calendrier-{school_year.label}{suffix}.{extension}"


@login_required
@permission_required(MANAGE, raise_exception=True)
def export_xlsx(request, start_year: int):
    school_year, option = _school_year(start_year), _option(request)
    return xlsx_response(
        _export_name(school_year, option, "xlsx"),
        HEADERS,
        export_rows(school_year, option),
        title=school_year.label,
    )


# Short texts for the PDF cells (the legend gives the full labels): kinds are never shown
# by colour alone.
PDF_KINDS = [
    (WeekKind.COMPANY, gettext_lazy("Company")),
    (WeekKind.SCHOOL, gettext_lazy("School")),
    (WeekKind.RENTREE, gettext_lazy("Rentrée")),
    (WeekKind.PROPEDEUTIC, gettext_lazy("Propédeutique")),
    (WeekKind.DEFENCES, gettext_lazy("Defences")),
    (WeekKind.CLOSURE, gettext_lazy("Closure")),
]


@login_required
@permission_required(MANAGE, raise_exception=True)
def export_pdf(request, start_year: int):
    """One A4 landscape page: the weeks in two halves side by side, colour and text."""
    school_year, option = _school_year(start_year), _option(request)
    grid = year_grid(school_year, option)
    half = (len(grid) + 1) // 2
    short = dict(PDF_KINDS)
    for row in grid:
        row["cells"] = [{"kind": w.kind or "none", "text": short.get(w.kind, "—")} for w in row["weeks"]]
    return pdf_response(
        "planning/pdf/calendar.html",
        {
            "school_year": school_year,
            "option": option,
            "halves": [grid[:half], grid[half:]],
            "headers": HEADERS,
            "legend": [(kind.value, text, kind.label) for kind, text in PDF_KINDS],
        },
        filename=_export_name(school_year, option, "pdf"),
    )


urlpatterns = [
    path("calendrier/<int:start_year>/importer/", calendar_import, name="import"),
    path("calendrier/modele.xlsx", import_template, name="import_template"),
    path("calendrier/<int:start_year>/export.xlsx", export_xlsx, name="export_xlsx"),
    path("calendrier/<int:start_year>/export.pdf", export_pdf, name="export_pdf"),
]
