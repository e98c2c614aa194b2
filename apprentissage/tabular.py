"""The portal's one import/export helper for tables (XLSX and CSV).

Imports: a downloadable template, then `read_table` (header matching is forgiving about
case and accents), then each row validated by a Django form (`validate_rows`) so every
bad line is reported with its line number before anything is saved.
Exports: `xlsx_response` writes a sheet with a bold, frozen header row; dates are date cells
shown DD/MM/YYYY; columns are as wide as their content (long texts wrap); a text that a
spreadsheet would run as a formula (=, +, -, @, tab, CR first) is written as plain text.

Reading is bounded before anything is parsed: `MAX_UPLOAD_BYTES` for the file (and the
unpacked size of a workbook), `MAX_ROWS` lines read lazily (the rest of the file is never
read); CSV files in UTF-8, UTF-16/32 (with or without a BOM) or Windows-1252 are decoded.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 5000
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # a workbook is a ZIP: its parts once inflated
MAX_COLUMNS = 100
MAX_COLUMN_WIDTH = 60  # characters; longer texts wrap
DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"

# What makes a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A signed number or phone number ("+33 6 12 34 56 78", "-2,5") is not a formula.
_SIGNED_NUMBER = re.compile(r"[+-][\d\s.,()/]*")


def starts_like_formula(value) -> bool:
    """A text cell a spreadsheet would run as a formula when written or edited."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def looks_like_formula(text: str) -> bool:
    """An imported text that could only be a formula: it starts like one and is not a
    signed number or phone number."""
    text = str(text or "")
    return starts_like_formula(text) and not _SIGNED_NUMBER.fullmatch(text)


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


def _decode(data: bytes) -> str:
    """The text of a CSV file: a BOM says its encoding; UTF-16 without one shows by its NUL
    bytes; else UTF-8, else Windows-1252 (what Excel writes in France)."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            candidates = [encoding]
            break
    else:
        head = data[:4096]
        if head.count(b"\0") * 4 > len(head):  # every other byte NUL: UTF-16 without a BOM
            candidates = ["utf-16-le" if head[1:2] == b"\0" else "utf-16-be"]
        else:
            candidates = ["utf-8", "cp1252"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\0" not in text:
            return text
    raise TableError(_("This CSV file's encoding is not recognised (use UTF-8)."))


def _xlsx_rows(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as error:
        raise TableError(_("This file is not a readable Excel (.xlsx) workbook.")) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise TableError(_("This workbook is too large once unpacked: keep only the lines to import."))
    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        # Read lazily: a line past MAX_ROWS is never parsed.
        for row in workbook.worksheets[0].iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield [_cell(v) for v in row]
    except Exception as error:
        raise TableError(_("This file is not a readable Excel (.xlsx) workbook.")) from error
    finally:
        if workbook is not None:
            workbook.close()


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        reader = csv.reader(io.StringIO(text), dialect)
    except csv.Error:  # lines of uneven length: the header line still shows the separator
        header_line = text.partition("\n")[0]
        reader = csv.reader(io.StringIO(text), delimiter=max(";,\t", key=header_line.count))
    try:
        for row in reader:  # lazily: a line past MAX_ROWS is never parsed
            yield [c.strip() for c in row[:MAX_COLUMNS]]
    except csv.Error as error:
        raise TableError(_("This CSV file cannot be read: %(error)s.") % {"error": error}) from error


def _raw_rows(uploaded) -> Iterator[list[str]]:
    """The file's lines, read lazily; the file's size is checked before it is read."""
    name = (getattr(uploaded, "name", "") or "").lower()
    if not name.endswith((".xlsx", ".csv")):
        raise TableError(_("Send an .xlsx or .csv file."))
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise TableError(_too_large())
    data = uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise TableError(_too_large())
    return _xlsx_rows(data) if name.endswith(".xlsx") else _csv_rows(data)


def _too_large() -> str:
    return _("The file is too large (%(size)d MB at most).") % {"size": MAX_UPLOAD_BYTES // (1024 * 1024)}


HEADER_SEARCH_LINES = 5  # a title or two may stand above the header (the school's own tables)


def read_table(uploaded, columns: Sequence[Column]) -> list[tuple[int, dict[str, str]]]:
    """Rows as (spreadsheet line number, {column key: text}); blank lines skipped. The header
    is the first of the first few lines that holds every required column. Reading stops
    at the first line past `MAX_ROWS` (the file is refused)."""
    lines = _raw_rows(uploaded)
    top = list(itertools.islice(lines, HEADER_SEARCH_LINES))
    if not top:
        raise TableError(_("The file is empty."))
    required = [c for c in columns if c.required]
    header_index = None
    for index, row in enumerate(top):
        names = [_normalize(h) for h in row]
        if all(c.position_in(names) is not None for c in required):
            header_index = index
            break
    if header_index is None:
        names = [_normalize(h) for h in top[0]]
        missing = next(c for c in required if c.position_in(names) is None)
        raise TableError(
            _("The column “%(column)s” is missing from the first line.") % {"column": missing.header}
        )
    header = [_normalize(h) for h in top[header_index]]
    found = {column.key: column.position_in(header) for column in columns}
    positions = {key: position for key, position in found.items() if position is not None}
    result = []
    body = itertools.chain(top[header_index + 1 :], lines)
    for count, (line, row) in enumerate(enumerate(body, start=header_index + 2), start=1):
        if count > MAX_ROWS:
            raise TableError(_("Too many lines (%(max)d at most).") % {"max": MAX_ROWS})
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
                result.errors.extend(f"{label} : {error}" if label else error for error in errors)
        results.append(result)
        if progress is not None:
            progress(number)
    return results


def _shown_length(value) -> int:
    if isinstance(value, datetime.datetime):
        return len(DATETIME_FORMAT)
    if isinstance(value, datetime.date):
        return len(DATE_FORMAT)
    return max((len(part) for part in str(value).splitlines()), default=0) if value is not None else 0


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence], *, title: str) -> bytes:
    """A sheet with a bold, frozen header row. Dates are date cells (DD/MM/YYYY); a text that
    starts like a formula is a text cell (with Excel's quote prefix, so editing it keeps
    it text); columns fit their content up to `MAX_COLUMN_WIDTH`, longer texts wrap."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    widths = [len(str(h)) for h in headers]
    wrap = Alignment(wrap_text=True, vertical="top")
    for row_number, row in enumerate(rows, start=2):
        values = [
            timezone.localtime(v).replace(tzinfo=None)
            if isinstance(v, datetime.datetime) and timezone.is_aware(v)
            else v
            for v in row
        ]
        sheet.append(values)
        for index, value in enumerate(values):
            if value is None:
                continue
            length = _shown_length(value)
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], min(length, MAX_COLUMN_WIDTH))
            wraps = length > MAX_COLUMN_WIDTH or (isinstance(value, str) and "\n" in value)
            is_date = isinstance(value, datetime.date)
            if not (is_date or wraps or starts_like_formula(value)):
                continue  # (most cells: `sheet.cell` only for those to format)
            cell = sheet.cell(row=row_number, column=index + 1)
            if is_date:
                cell.number_format = DATETIME_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT
            elif starts_like_formula(value):
                cell.data_type = "s"  # the same text, never a formula
                cell.quotePrefix = True
            if wraps:
                cell.alignment = wrap
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(10, width + 2)
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
