"""The shared table reader: forgiving headers, titles above them, clear errors."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from apprentissage.tabular import Column, TableError, read_table, validate_rows

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


class _AgeForm(forms.Form):
    age = forms.IntegerField(label="Âge", min_value=0)


def test_validate_rows_reports_each_line_with_its_label_and_calls_progress():
    calls = []

    results = validate_rows([(2, {"age": "12"}), (3, {"age": "douze"})], _AgeForm, progress=calls.append)

    assert [(r.line, r.ok, r.cleaned) for r in results] == [(2, True, {"age": 12}), (3, False, {})]
    assert results[1].errors == ["Âge : Saisissez un nombre entier."]
    assert calls == [1, 2]
