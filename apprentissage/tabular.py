"""The portal's one import/export helper for tables (XLSX and CSV).

Imports: a downloadable template, then `read_table` (header matching is forgiving about
case and accents), then each row validated by a Django form (`validate_rows`) so every
bad line is reported with its line number before anything is saved.
Exports: `xlsx_response` writes a sheet with a bold, frozen header row.
"""

import csv
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils.translation import gettext as _

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000


class TableError(Exception):
    """The file cannot be read as a table (format, encoding, missing columns)."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = True
    example: str = ""
    aliases: tuple[str, ...] = ()  # other headers read as this column (a former spelling)

    def position_in(self, header: list[str]) -> int | None:
        """Where this column is in a header of normalized names (None: absent)."""
        for name in (self.header, *self.aliases):
            if _normalize(name) in header:
                return header.index(_normalize(name))
        return None


@dataclass
class RowResult:
    line: int
    raw: dict[str, str]
    cleaned: dict = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _normalize(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum())


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_rows(uploaded) -> list[list[str]]:
    name = (getattr(uploaded, "name", "") or "").lower()
    data = uploaded.read()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        except Exception as error:
            raise TableError(_("This file is not a readable Excel (.xlsx) workbook.")) from error
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    if name.endswith(".csv"):
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise TableError(_("This CSV file's encoding is not recognised (use UTF-8)."))
        try:
            reader = csv.reader(io.StringIO(text), csv.Sniffer().sniff(text[:4096], delimiters=";,\t"))
        except csv.Error:  # lines of uneven length: the header line still shows the separator
            header_line = text.partition("\n")[0]
            reader = csv.reader(io.StringIO(text), delimiter=max(";,\t", key=header_line.count))
        return [[c.strip() for c in row] for row in reader]
    raise TableError(_("Send an .xlsx or .csv file."))


HEADER_SEARCH_LINES = 5  # a title or two may stand above the header (the school's own tables)


def read_table(uploaded, columns: Sequence[Column]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (spreadsheet line number, {column key: text}); blank lines skipped. The header
    is the first of the first few lines that holds every required column."""
    rows = _raw_rows(uploaded)
    if not rows:
        raise TableError(_("The file is empty."))
    required = [c for c in columns if c.required]
    header_index = None
    for index, row in enumerate(rows[:HEADER_SEARCH_LINES]):
        names = [_normalize(h) for h in row]
        if all(_normalize(c.header) in names for c in required):
            header_index = index
            break
    if header_index is None:
        names = [_normalize(h) for h in rows[0]]
        missing = next(c for c in required if _normalize(c.header) not in names)
        raise TableError(
            _("The column “%(column)s” is missing from the first line.") % {"column": missing.header}
        )
    header = [_normalize(h) for h in rows[header_index]]
    positions = {
        column.key: column.position_in(header) for column in columns if column.position_in(header) is not None
    }
    if len(rows) - header_index - 1 > MAX_ROWS:
        raise TableError(_("Too many lines (%(max)d at most).") % {"max": MAX_ROWS})
    result = []
    for line, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cell for cell in row):
            continue
        values = {key: (row[pos] if pos < len(row) else "") for key, pos in positions.items()}
        result.append((line, values))
    return result


def validate_rows(
    rows: Iterable[tuple[int, dict[str, str]]], form_class, *, progress=None, **form_kwargs
) -> list[RowResult]:
    """Each row through `form_class`; `progress(done)`, if given, is called after each row."""
    results = []
    for number, (line, raw) in enumerate(rows, start=1):
        form = form_class(data=raw, **form_kwargs)
        result = RowResult(line=line, raw=raw)
        if form.is_valid():
            result.cleaned = form.cleaned_data
        else:
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                result.errors.extend(f"{label} : {error}" if label else error for error in errors)
        results.append(result)
        if progress is not None:
            progress(number)
    return results


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row in rows:
        sheet.append(list(row))
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
            12, len(header) + 4
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, title: str
) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(headers, rows, title=title), content_type=XLSX_MIME)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def template_response(filename: str, columns: Sequence[Column], *, title: str) -> HttpResponse:
    """A blank import template with one example line."""
    return xlsx_response(filename, [c.header for c in columns], [[c.example for c in columns]], title=title)
