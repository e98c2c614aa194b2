"""Planning views: import and export of the calendar in the school's table format
(scolarité and admins)."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apprentissage.models import Option, SchoolYear
from apprentissage.pdf import pdf_response
from apprentissage.tabular import xlsx_response
from apprentissage.views.imports import upload_view

from ..enums import WeekKind
from ..selectors import year_grid
from ..transfer import HEADERS, IMPORT_CALENDAR, export_rows, template_rows

MANAGE = "planning.manage_calendars"


def _school_year(start_year: int) -> SchoolYear:
    return get_object_or_404(SchoolYear, start_year=start_year)


def _option(request) -> Option | None:
    code = request.GET.get("option")
    return get_object_or_404(Option, code=code) if code else None


@login_required
@permission_required(MANAGE, raise_exception=True)
def calendar_import(request, start_year: int):
    """Upload the school's table: checked line by line (nothing saved), then applied on
    confirmation (the core's two-step import, `planning.transfer`)."""
    school_year = _school_year(start_year)
    return upload_view(
        request,
        IMPORT_CALENDAR,
        params={"school_year": school_year.pk},
        help_text=gettext_lazy(
            "The school's table: Semaine, du, au, 1re année, 2e année, 3e année; one line per week."
        ),
    )


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
