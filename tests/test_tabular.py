"""The shared table reader: forgiving headers, titles above them, clear errors; every
encoding a spreadsheet writes; files bounded before they are read whole."""

import io
import zipfile

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext
from openpyxl import Workbook

from apprentissage import tabular
from apprentissage.tabular import MAX_ROWS, MAX_UPLOAD_BYTES, Column, TableError, read_table, validate_rows

COLUMNS = [
    Column("week", "Semaine"),
    Column("first", "1ère année"),
    Column("note", "Remarque", required=False),
]


def csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("planning.csv", text.encode("utf-8"))


def test_header_found_below_the_tables_own_title_lines():
    rows = read_table(
        csv("Planning prévisionnel;;\nAnnée scolaire 2025-2026;;\nSemaine;1ERE ANNEE\n38;Rentrée\n"), COLUMNS
    )
    assert rows == [(4, {"week": "38", "first": "Rentrée"})]


def test_a_missing_required_column_is_named():
    with pytest.raises(TableError, match="1ère année"):
        read_table(csv("Semaine;2e année\n38;École\n"), COLUMNS)


def test_blank_lines_are_skipped_and_line_numbers_kept():
    rows = read_table(csv("Semaine;1ère année;Remarque\n\n39;École;x\n"), COLUMNS)
    assert rows == [(3, {"week": "39", "first": "École", "note": "x"})]


def test_a_required_column_may_be_headed_by_its_former_spelling():
    columns = [Column("week", "Semaine"), Column("first", "1re année", aliases=("1ère année",))]
    rows = read_table(csv("Semaine;1ère année\n38;Rentrée\n"), columns)
    assert rows == [(2, {"week": "38", "first": "Rentrée"})]
    with pytest.raises(TableError, match="1re année"):
        read_table(csv("Semaine;2e année\n38;École\n"), columns)


class _AgeForm(forms.Form):
    age = forms.IntegerField(label="Âge", min_value=0)


def test_validate_rows_reports_each_line_with_its_label_and_calls_progress():
    calls = []

    results = validate_rows([(2, {"age": "12"}), (3, {"age": "douze"})], _AgeForm, progress=calls.append)

    assert [(r.line, r.ok, r.cleaned) for r in results] == [(2, True, {"age": 12}), (3, False, {})]
    assert results[1].errors == ["Âge : Saisissez un nombre entier."]
    assert calls == [1, 2]


# Encodings and bounds (read early, refused before the whole file is read)

ROWS_TEXT = "Semaine;1ère année;Remarque\r\n38;Rentrée;été\r\n"
EXPECTED = [(2, {"week": "38", "first": "Rentrée", "note": "été"})]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig", "cp1252"])
def test_csv_in_utf16_utf32_or_with_a_bom_is_decoded(encoding):
    # "utf-16"/"utf-32" write a BOM; "utf-16-le"/"-be" write none (NUL bytes tell them)
    upload = SimpleUploadedFile("planning.csv", ROWS_TEXT.encode(encoding))

    assert read_table(upload, COLUMNS) == EXPECTED


def test_csv_that_is_no_text_gets_the_encoding_message_not_a_missing_column():
    upload = SimpleUploadedFile("planning.csv", b"Semaine;1\x00\x00\x00\x81\x8d\x00\x00" * 10)

    with pytest.raises(TableError, match="L'encodage de ce fichier CSV n'est pas reconnu"):
        read_table(upload, COLUMNS)


class _CountingUpload(SimpleUploadedFile):
    """An upload that says how many bytes were read from it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bytes_read = 0

    def read(self, *args):
        data = super().read(*args)
        self.bytes_read += len(data)
        return data


def test_a_file_over_the_size_limit_is_refused_before_being_read():
    content = ROWS_TEXT.encode() + b"39;Entreprise;x\r\n" * (MAX_UPLOAD_BYTES // 17 + 1)
    upload = _CountingUpload("planning.csv", content)
    assert upload.size > MAX_UPLOAD_BYTES

    with pytest.raises(TableError) as refused:
        read_table(upload, COLUMNS)
    assert str(refused.value) == gettext("The file is too large (%(size)d MB at most).") % {"size": 5}
    assert upload.bytes_read == 0


def test_a_csv_of_50000_lines_is_refused_without_parsing_past_the_limit():
    # Line 20,000 holds a field larger than the CSV module's limit: parsing it would fail
    # with another error; the file is refused as too long before reaching it.
    lines = ["38;École;x"] * 50_000
    lines[20_000] = "39;" + "x" * 200_000 + ";y"
    upload = SimpleUploadedFile("planning.csv", ("Semaine;1ère année;Remarque\n" + "\n".join(lines)).encode())
    assert upload.size < MAX_UPLOAD_BYTES

    with pytest.raises(TableError, match=f"Trop de lignes \\({MAX_ROWS} au maximum\\)"):
        read_table(upload, COLUMNS)


def test_a_workbook_of_many_lines_is_refused_without_parsing_past_the_limit():
    # The sheet's XML is cut after line MAX_ROWS + 100: parsing the whole sheet would fail
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Semaine", "1ère année"])
    for _ in range(MAX_ROWS + 1000):
        sheet.append([38, "École"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    cut = io.BytesIO()
    with zipfile.ZipFile(cut, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(f'<row r="{MAX_ROWS + 100}"'.encode())]
            target.writestr(item, data)
    upload = SimpleUploadedFile("planning.xlsx", cut.getvalue())

    with pytest.raises(TableError, match="Trop de lignes"):
        read_table(upload, COLUMNS)


def test_a_workbook_too_large_once_unpacked_is_refused(monkeypatch):
    workbook = Workbook()
    workbook.active.append(["Semaine", "1ère année"])
    workbook.active.append([38, "x" * 20_000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    monkeypatch.setattr(tabular, "MAX_UNPACKED_BYTES", 10_000)  # 20 kB unpacked, 7 kB packed

    with pytest.raises(TableError) as refused:
        read_table(SimpleUploadedFile("planning.xlsx", buffer.getvalue()), COLUMNS)
    assert str(refused.value) == gettext(
        "This workbook is too large once unpacked: keep only the lines to import."
    )
