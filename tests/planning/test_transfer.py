"""Import and export of the calendar in the school's table format: the template, a preview
that saves nothing, every kind of bad line named by its line and week, the import as one
undoable change (a background job), re-import changing nothing, the export→import round
trip, and the one-page colour PDF."""

import datetime
import html
import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apprentissage.enums import StaffRole
from apprentissage.models import ImportBatch, Job
from apprentissage.tabular import XLSX_MIME
from planning.models import CalendarEdit, CalendarWeek
from planning.selectors import year_grid
from planning.services import undo_last_edit
from planning.transfer import parse_kind
from planning.weeks import school_year_mondays

from .. import factories as f
from .conftest import K, plan

HEADERS = ["Semaine", "du", "au", "1re année", "2e année", "3e année"]
SCHOOL_HEADERS = ["Semaine", "du", "au", "1ère année", "2e année", "3e année"]  # as the school wrote "1re"
WRITTEN = {1: "Entreprise", 2: "école", 3: "ENTREPRISE"}  # as people type them


def _rows(start_year=2025, kinds=None, date_format="%d/%m/%y") -> list[list[str]]:
    """A complete table: week 38 rentrée in 1A, every other week company (2A: school)."""
    rows = []
    for number, monday in enumerate(school_year_mondays(start_year)):
        week = monday.isocalendar()[1]
        row = [
            str(week),
            monday.strftime(date_format),
            (monday + datetime.timedelta(days=4)).strftime(date_format),
        ]
        row += [WRITTEN[y] for y in (1, 2, 3)]
        if number == 0:
            row[3] = "Rentrée pédagogique"
        if kinds:
            row[3:] = kinds(number, row[3:])
        rows.append(row)
    return rows


def _csv(rows, name="calendrier.csv", headers=HEADERS) -> SimpleUploadedFile:
    text = "\r\n".join(";".join(row) for row in [headers, *rows]) + "\r\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _xlsx(rows, name="calendrier.xlsx", headers=HEADERS) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_MIME)


@pytest.fixture
def manager(db, client, year_2025, year_2026):
    client.force_login(f.UserFactory(email="scol@example.com", groups=[StaffRole.SCOLARITE]))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages compared in their msgid language
    return client


def _preview(client, upload, start_year=2025):
    """Send the file; a readable one is kept as a batch and its preview page shown."""
    return client.post(
        reverse("planning:import", args=[start_year]), {"file": upload, "preview": "1"}, follow=True
    )


def _confirm(client, capture):
    """Confirm the latest checked file (as its preview page's button does)."""
    batch = ImportBatch.objects.order_by("-pk").first()
    with capture(execute=True):
        response = client.post(reverse("import_confirm", args=[batch.pk]), {"confirm": "1"})
    return response


def _grid(school_year):
    return [(row["iso_week"], [(w.monday, w.kind) for w in row["weeks"]]) for row in year_grid(school_year)]


def _errors(response) -> list[str]:
    return response.context["batch"].file_errors + [
        f"{line.line}: {e}" for line in response.context["lines"] for e in line.errors
    ]


def _kinds(line) -> dict[int, str]:
    """The kind read for each study year on a preview line."""
    return {year: cell["kind"] for year, cell in enumerate(line.data["cells"], start=1) if cell["kind"]}


def test_kind_variants_are_read_whatever_the_case_and_accents():
    written = {
        "Entreprise": K.COMPANY,
        "ECOLE": K.SCHOOL,
        "École": K.SCHOOL,
        "rentree pedagogique": K.RENTREE,
        "Semaine propédeutique": K.PROPEDEUTIC,
        "Soutenances fin d'études": K.DEFENCES,
        "Soutenances de fin d’études": K.DEFENCES,
        "Congés": K.CLOSURE,
        "Vacances": K.CLOSURE,
        "Closure / holidays": K.CLOSURE,
        "Stage": None,
    }
    assert {text: parse_kind(text) for text in written} == written


@pytest.mark.parametrize("headers", [HEADERS, SCHOOL_HEADERS], ids=["1re", "1ère"])
def test_first_year_column_is_read_under_either_spelling(manager, year_2025, headers):
    response = _preview(manager, _csv(_rows(), headers=headers))

    assert _kinds(response.context["lines"][0]) == {1: K.RENTREE, 2: K.SCHOOL, 3: K.COMPANY}


def test_template_has_the_school_headers_and_the_weeks_of_the_year(manager):
    response = manager.get(reverse("planning:import_template") + "?year=2026")

    assert response.status_code == 200 and response["Content-Type"] == XLSX_MIME
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) - 1 == len(school_year_mondays(2026)) == 55  # with week 53 of 2026
    # the dates are date cells (shown DD/MM/YYYY), read back as dates
    assert list(rows[1]) == [
        38,
        datetime.datetime(2026, 9, 14),
        datetime.datetime(2026, 9, 18),
        None,
        None,
        None,
    ]
    assert list(rows[16]) == [
        53,
        datetime.datetime(2026, 12, 28),
        datetime.datetime(2027, 1, 1),
        None,
        None,
        None,
    ]


@pytest.mark.parametrize("make_file", [_xlsx, _csv])
def test_import_previews_without_saving_then_applies_one_undoable_change(
    manager, year_2025, make_file, django_capture_on_commit_callbacks
):
    # Act: the check
    response = _preview(manager, make_file(_rows()))

    # Assert: every line read, nothing saved
    batch, lines = response.context["batch"], response.context["lines"]
    assert response.status_code == 200 and batch.is_ok, _errors(response)
    assert len(lines) == 54 and batch.summary["changed_count"] == 54 * 3
    assert _kinds(lines[0]) == {1: K.RENTREE, 2: K.SCHOOL, 3: K.COMPANY}
    assert "Rentrée pédagogique" in html.unescape(response.content.decode())
    assert not CalendarWeek.objects.exists()

    # Act: the confirmation
    response = _confirm(manager, django_capture_on_commit_callbacks)

    # Assert: one job, one change named after the file, the grid planned
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.result["changed"], job.next_url) == (
        "done",
        162,
        reverse("planning:grid", args=[2025]),
    )
    edit = CalendarEdit.objects.get()
    assert edit.description.endswith(make_file(_rows()).name)  # "Import of <file>"
    weeks = year_grid(year_2025)
    assert [w.kind for w in weeks[0]["weeks"]] == [K.RENTREE, K.SCHOOL, K.COMPANY]
    assert {w.kind for row in weeks[1:] for w in row["weeks"]} == {K.COMPANY, K.SCHOOL}

    # The import is undone in one step.
    undo_last_edit(school_year=year_2025, actor=None)
    assert not CalendarWeek.objects.exists()


def test_reimporting_the_same_file_changes_nothing(manager, year_2025, django_capture_on_commit_callbacks):
    _preview(manager, _csv(_rows()))
    _confirm(manager, django_capture_on_commit_callbacks)
    before = _grid(year_2025)

    response = _preview(manager, _csv(_rows()))
    assert response.context["batch"].summary["changed_count"] == 0
    _confirm(manager, django_capture_on_commit_callbacks)

    job = Job.objects.latest("pk")
    assert job.result["changed"] == 0 and job.result["message"]
    assert CalendarEdit.objects.count() == 1
    assert _grid(year_2025) == before


def test_a_study_year_left_empty_is_not_imported(manager, year_2025, django_capture_on_commit_callbacks):
    plan(year_2025, 3, {38: K.DEFENCES})
    rows = _rows(kinds=lambda n, kinds: [kinds[0], kinds[1], ""])

    response = _preview(manager, _csv(rows))
    assert response.context["batch"].is_ok and response.context["batch"].summary["study_years"] == [1, 2]
    _confirm(manager, django_capture_on_commit_callbacks)

    assert [w.kind for w in year_grid(year_2025)[0]["weeks"]] == [K.RENTREE, K.SCHOOL, K.DEFENCES]


def _bad_rows() -> list[list[str]]:
    rows = _rows()
    rows[1][3] = "Stage"  # line 3: an unknown kind
    rows[2][4] = ""  # line 4: a kind missing in a filled column
    rows[3][1] = "07/10/25"  # line 5 (week 41): a Tuesday
    rows[4][2] = "18/10/25"  # line 6 (week 42): a Saturday
    rows[5] = ["43", "22/09/25", "26/09/25", *rows[5][3:]]  # line 7: week 39's dates, not 43's
    rows[6] = ["39", "22/09/25", "26/09/25", *rows[6][3:]]  # line 8: week 39 again (overlap)
    rows[7] = ["37", "08/09/25", "12/09/25", *rows[7][3:]]  # line 9: before the school year
    del rows[20]  # week 6 of 2026 missing (a gap)
    return rows


def test_each_bad_line_is_reported_with_its_line_and_week_and_nothing_is_saved(
    manager, year_2025, django_capture_on_commit_callbacks
):
    response = _preview(manager, _xlsx(_bad_rows()))

    assert not response.context["batch"].is_ok
    assert _errors(response) == [
        "Weeks missing from school year 2025-2026: 44 (27/10/2025), 45 (03/11/2025), 6 (02/02/2026).",
        "3: Week 39, 1re année: “Stage” is not a kind of week (expected one of: Company, School, "
        "Rentrée pédagogique, Semaine propédeutique, Final-year defences, Closure / holidays).",
        "4: Week 40, 2e année: kind missing.",
        "5: Week 41: 07/10/2025 is not the Monday of ISO week 41 (06/10/2025).",
        "6: Week 42: “18/10/25” in column “au” is not the Friday of the week (17/10/2025).",
        "7: Week 43: 22/09/2025 is not the Monday of ISO week 43 (20/10/2025).",
        "8: Week 39 (22/09/2025) is already on line 3.",
        "9: Week 37 of 2025 is not in school year 2025-2026.",
    ]
    page = html.unescape(response.content.decode())
    assert "Week 40, 2e année: kind missing." in page and "Import this calendar" not in page

    # A confirmation sent anyway saves nothing.
    response = _confirm(manager, django_capture_on_commit_callbacks)
    assert response["Location"] == reverse("import_preview", args=[ImportBatch.objects.get().pk])
    assert not CalendarWeek.objects.exists() and not Job.objects.exists()


def test_a_file_that_is_not_a_table_is_refused(manager):
    response = _preview(manager, _csv([["38", "15/09/25"]], headers=["Week", "from"]))

    assert response.context["table_error"] == "The column “Semaine” is missing from the first line."
    assert response.context["batch"] is None and not ImportBatch.objects.exists()


def test_export_then_import_gives_the_same_calendar(manager, year_2025, django_capture_on_commit_callbacks):
    # Arrange: a calendar with every kind of week
    plan(year_2025, 1, {38: K.RENTREE, 39: K.PROPEDEUTIC, 40: K.SCHOOL, 52: K.CLOSURE})
    plan(year_2025, 2, {38: K.SCHOOL, 1: K.CLOSURE}, default=K.SCHOOL)
    plan(year_2025, 3, {38: K.DEFENCES, 12: K.SCHOOL})
    before = _grid(year_2025)

    # Act: export, then import the exported file
    exported = manager.get(reverse("planning:export_xlsx", args=[2025]))
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    response = _preview(manager, SimpleUploadedFile("export.xlsx", exported.content, XLSX_MIME))

    # Assert: the export is the school's table; importing it changes nothing
    assert list(rows[0]) == HEADERS
    assert list(rows[1]) == [
        38,
        datetime.datetime(2025, 9, 15),
        datetime.datetime(2025, 9, 19),
        "Rentrée pédagogique",
        "School",
        "Final-year defences",
    ]
    batch = response.context["batch"]
    assert batch.is_ok and batch.summary["changed_count"] == 0
    _confirm(manager, django_capture_on_commit_callbacks)
    assert Job.objects.get().result["changed"] == 0
    assert _grid(year_2025) == before


def test_export_of_an_option_has_its_overrides(manager, year_2025):
    plan(year_2025, 2, {}, default=K.COMPANY)
    option = f.option("genindus")
    plan(year_2025, 2, {40: K.SCHOOL}, default=K.COMPANY, option=option)

    common = manager.get(reverse("planning:export_xlsx", args=[2025]))
    own = manager.get(reverse("planning:export_xlsx", args=[2025]) + "?option=genindus")

    def week_40(response):
        return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))[3]

    assert week_40(common)[4] == "Company" and week_40(own)[4] == "School"


def test_pdf_is_one_landscape_page(manager, year_2025, year_2026, monkeypatch):
    """Pages counted by WeasyPrint's own laid-out document, the very one written to the
    response (its render time is measured by `make bench`, not here)."""
    from weasyprint import HTML

    plan(year_2026, 1, {38: K.RENTREE, 39: K.PROPEDEUTIC, 53: K.CLOSURE})
    plan(year_2026, 2, {}, default=K.SCHOOL)
    plan(year_2026, 3, {38: K.DEFENCES})
    documents = []
    render = HTML.render

    def spy(self, *args, **kwargs):
        documents.append(render(self, *args, **kwargs))
        return documents[-1]

    monkeypatch.setattr(HTML, "render", spy)

    response = manager.get(reverse("planning:export_pdf", args=[2026]))

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    [document] = documents
    assert len(document.pages) == 1
    page = document.pages[0]
    # A4 landscape in CSS pixels (96 per inch): 297 mm × 210 mm.
    assert (round(page.width), round(page.height)) == (1123, 794)
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text is not checked")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.content, capture_output=True, check=True
    ).stdout.decode()
    assert "2026-2027" in text
