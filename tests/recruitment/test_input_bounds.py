"""Out-of-range input is refused early with a message on its field: birth dates (0001, 2030,
a child), contract start dates years ahead, tutors' years, and imported cells that could
only be spreadsheet formulas."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apprentissage.models import ImportBatch
from recruitment.forms import AccordForm, CandidateForm
from recruitment.models import Candidate

from .conftest import ACCORD_DATA

CANDIDATE = {
    "email": "lucie.fabre@example.com",
    "first_name": "Lucie",
    "last_name": "Fabre",
    "birth_date": "2005-03-14",
    "option": "GenIndus",
    "entry_year": "2027",
    "diploma": "but",
}


@pytest.mark.parametrize(
    ("birth_date", "valid"),
    [
        ("0001-01-01", False),  # 2026 years old
        ("2030-01-01", False),  # not born yet
        ("2013-01-01", False),  # 14 on 20/09/2027, the first day of training
        ("2012-09-20", True),  # 15 that day
        ("1957-09-21", True),  # 69
        ("1956-09-20", False),  # 71
        ("2005-03-14", True),
    ],
)
def test_candidate_birth_date_is_bounded_by_the_age_on_the_first_day_of_training(world, birth_date, valid):
    form = CandidateForm(data={**CANDIDATE, "birth_date": birth_date})

    assert form.is_valid() == valid
    assert ("birth_date" in form.errors) == (not valid)


def test_a_2030_birth_typed_by_scolarite_records_nobody(world, login):
    before = Candidate.objects.count()

    response = login(world["scolarite"]).post(
        reverse("recruitment:candidate_create"), {**CANDIDATE, "birth_date": "2030-01-01"}
    )

    assert response.status_code == 200 and "birth_date" in response.context["form"].errors
    assert Candidate.objects.count() == before


def _import(client, rows):
    header = "Nom;Prénom;E-mail;Téléphone;Date de naissance;Diplôme;Option;Promotion (année d'entrée)"
    text = "\r\n".join([header, *(";".join(row) for row in rows)]) + "\r\n"
    return client.post(
        reverse("recruitment:candidate_import"),
        {"file": SimpleUploadedFile("candidats.csv", text.encode()), "preview": "1"},
        follow=True,
    )


def test_an_imported_birth_date_out_of_range_is_a_bad_line(world, login):
    response = _import(
        login(world["scolarite"]),
        [
            ["Fabre", "Lucie", "lucie@example.com", "", "01/01/0001", "but", "GenIndus", "2027"],
            ["Roux", "Inès", "ines@example.com", "", "01/01/2030", "but", "GenIndus", "2027"],
            ["Noé", "Paul", "paul@example.com", "", "14/03/2005", "but", "GenIndus", "2027"],
        ],
    )

    batch = ImportBatch.objects.get()
    assert (batch.valid_count, batch.error_count) == (1, 2)
    bad = {line.line for line in response.context["lines"] if not line.ok}
    assert bad == {2, 3}


def test_an_imported_cell_that_could_only_be_a_formula_is_a_bad_line(world, login):
    response = _import(
        login(world["scolarite"]),
        [
            ["=cmd|' /C calc'!A0", "Lucie", "lucie@example.com", "", "14/03/2005", "but", "GenIndus", "2027"],
            ["Roux", "@SUM(1+1)", "ines@example.com", "", "14/03/2005", "but", "GenIndus", "2027"],
            ["Noé", "-2+3+cmd|' /C calc'!A0", "noe@example.com", "", "14/03/2005", "but", "GenIndus", "2027"],
            # a phone number with its country code is not a formula
            [
                "Garcia",
                "Paul",
                "paul@example.com",
                "+33 6 12 34 56 78",
                "14/03/2005",
                "but",
                "GenIndus",
                "2027",
            ],
        ],
    )

    lines = {line.line: line for line in response.context["lines"]}
    assert {number for number, line in lines.items() if not line.ok} == {2, 3, 4}
    assert all(len(lines[number].errors) == 1 for number in (2, 3, 4))
    assert "=cmd|' /C calc'!A0" in lines[2].errors[0] and "Nom" in lines[2].errors[0]
    assert ImportBatch.objects.get().valid_count == 1


@pytest.mark.parametrize(
    ("field", "value", "valid"),
    [
        ("start_date", datetime.date(9999, 12, 31), False),
        ("start_date", datetime.date(2030, 9, 1), False),  # more than 3 years after 24/11/2026
        ("start_date", datetime.date(2029, 9, 1), True),
        ("tutor_years_as_engineer", 3000, False),
        ("tutor_years_as_engineer", 40, True),
    ],
)
def test_accord_dates_and_numbers_are_bounded(world, field, value, valid):
    accord = world.dossier.accord
    data = {**ACCORD_DATA, field: value, "version": accord.version}

    form = AccordForm(data=data, instance=accord)

    assert (field in form.errors) == (not valid)
