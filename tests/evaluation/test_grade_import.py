"""A module's grades from a workbook: the template (its apprentices, one column per assessment,
the grades so far), the check (each change from what to what; unknown apprentice, grade out of
range, unknown value, formula), and the import (saved as the uploader, audited, idempotent,
never over a grade changed since the check)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apprentissage.models import ImportBatch
from apprentissage.tabular import xlsx_bytes
from evaluation import grades
from evaluation.grade_import import IMPORT_GRADES
from evaluation.models import Grade
from tests import factories as f

from .grade_helpers import assessments_of, make_module

HEADERS = ["E-mail", "Nom", "Prénom", "Contrôle continu (/20)", "Examen final (/20)", "Rattrapage (/20)"]


@pytest.fixture
def teacher(world):
    return world["module_teacher"]


@pytest.fixture
def module(world, teacher):
    return make_module(teachers=[teacher])


@pytest.fixture
def own(world):
    return world.own.enrolments.get(school_year__start_year=2026)


@pytest.fixture
def other(world):
    return world.other.enrolments.get(school_year__start_year=2026)


def _save(assessment, enrolment, text, version, actor):
    return grades.save_grade(
        assessment=assessment, enrolment=enrolment, text=text, expected_version=version, actor=actor
    )


def _xlsx(rows, headers=HEADERS) -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.xlsx", xlsx_bytes(headers, rows, title="Notes"))


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("notes.csv", text.encode(), content_type="text/csv")


def _upload(client, module, upload):
    response = client.post(reverse("evaluation:grade_import", args=[module.pk]), {"file": upload})
    assert response.status_code == 302, response.content.decode()[-2000:]
    batch = ImportBatch.objects.latest("pk")
    return batch, client.get(reverse("import_preview", args=[batch.pk]))


def _confirm(client, batch, capture, **data):
    with capture(execute=True):
        return client.post(reverse("import_confirm", args=[batch.pk]), {"confirm": "1", **data})


def _email(enrolment) -> str:
    return enrolment.apprenticeship.apprentice.email


# --- The template -------------------------------------------------------------------------------


def test_the_template_lists_the_apprentices_and_the_grades_entered(login, module, own, other, teacher):
    first, second, _resit = assessments_of(module)
    _save(first, own, "12,5", 0, teacher)
    _save(second, own, "abs", 0, teacher)

    response = login(teacher).get(reverse("evaluation:grade_template", args=[module.pk]))

    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    by_email = {row[0]: row for row in rows[1:]}
    assert set(by_email) == {_email(own), _email(other)}
    apprentice = own.apprenticeship.apprentice
    assert by_email[_email(own)][1:] == [apprentice.last_name, apprentice.first_name, 12.5, "ABS", None]
    assert by_email[_email(other)][3:] == [None, None, None]


# --- The check ----------------------------------------------------------------------------------


def test_the_check_says_which_grades_change_from_what_to_what(world, login, module, own, other, teacher):
    first, second, _resit = assessments_of(module)
    _save(first, own, "10", 0, teacher)
    _save(second, own, "8", 0, world["scolarite"])  # someone else's entry
    upload = _xlsx(
        [
            [_email(own), "", "", "10", "9,5", None],  # 10 unchanged, 8 → 9,5
            [_email(other).upper(), "", "", 14, "exc", ""],  # e-mail in any case
        ]
    )

    batch, preview = _upload(login(teacher), module, upload)

    assert batch.status == ImportBatch.Status.READY and batch.summary == {"changes": 3}
    lines = {line.raw["email"].lower(): line for line in preview.context["lines"]}
    mine = {cell["title"]: cell for cell in lines[_email(own)].data["cells"]}
    assert mine["Contrôle continu (/20)"]["changed"] is False
    final = mine["Examen final (/20)"]
    assert (final["old"], final["new"], final["changed"]) == ("8,00", "9,50", True)
    assert mine["Examen final (/20)"]["by"] == str(world["scolarite"])
    theirs = [(c["old"], c["new"]) for c in lines[_email(other)].data["cells"]]
    assert theirs == [("", "14,00"), ("", "EXC")]
    html = preview.content.decode()
    assert "9,50" in html and str(world["scolarite"]) in html
    assert Grade.objects.get(assessment=second, enrolment=own).value == 8  # nothing saved yet


def test_each_bad_line_says_why(login, module, own, other, teacher):
    first_year = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2026)).apprentice.email
    upload = _xlsx(
        [
            [_email(own), "", "", "25", "", ""],  # out of range
            [_email(other), "", "", "bof", "-3", ""],  # unknown value, negative
            ["inconnu@example.com", "", "", "12", "", ""],  # unknown apprentice
            [first_year, "", "", "12", "", ""],  # an apprentice, not graded in this 2A module
            ["", "Sans", "Mail", "12", "", ""],
            [_email(own), "", "", "", "11", ""],  # the same apprentice again
        ]
    )

    batch, preview = _upload(login(teacher), module, upload)

    assert batch.status == ImportBatch.Status.HAS_ERRORS and batch.error_count == 6
    errors = [line.errors for line in preview.context["lines"]]
    assert "Examen final" not in " ".join(errors[0]) and "Contrôle continu (/20)" in errors[0][0]
    assert len(errors[1]) == 2
    assert all(len(line) == 1 for line in errors[2:])
    assert "inconnu@example.com" in errors[2][0] and first_year in errors[3][0]
    assert "2" in errors[5][0]  # "already on line 2"
    assert not Grade.objects.exists()


def test_a_formula_is_refused(login, module, own, teacher):
    text = f"E-mail;Contrôle continu (/20)\n{_email(own)};=1+1\n{_email(own)};@SUM(A1)\n"
    batch, preview = _upload(login(teacher), module, _csv(text))
    assert batch.error_count == 2
    assert all(
        any("formula" in e or "formule" in e for e in line.errors) for line in preview.context["lines"]
    )


def test_a_file_without_an_assessment_column_is_refused(login, module, own, teacher):
    batch, _preview = _upload(login(teacher), module, _csv(f"E-mail;Remarque\n{_email(own)};bien\n"))
    assert batch.file_errors and "Contrôle continu (/20)" in batch.file_errors[0]
    assert not batch.can_confirm


def test_a_column_may_be_named_by_the_bare_title(login, module, own, teacher):
    batch, _preview = _upload(login(teacher), module, _csv(f"E-mail;Examen final\n{_email(own)};13\n"))
    assert batch.status == ImportBatch.Status.READY and batch.summary == {"changes": 1}


def test_a_file_without_the_email_column_is_refused_before_the_check(login, module, teacher):
    response = login(teacher).post(
        reverse("evaluation:grade_import", args=[module.pk]), {"file": _csv("Nom;Examen final\nX;12\n")}
    )
    assert response.status_code == 200 and response.context["table_error"]
    assert not ImportBatch.objects.exists()


# --- The import ----------------------------------------------------------------------------------


def test_confirming_saves_the_changes_as_the_uploader(
    login, module, own, other, teacher, django_capture_on_commit_callbacks
):
    first, second, _resit = assessments_of(module)
    _save(first, own, "10", 0, teacher)
    client = login(teacher)
    batch, _preview = _upload(
        client, module, _xlsx([[_email(own), "", "", 11, "", ""], [_email(other), "", "", 9, "att", ""]])
    )

    response = _confirm(client, batch, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.APPLIED and batch.apply_job.result["saved"] == 3
    assert batch.apply_job.next_url == reverse("evaluation:grade_grid", args=[module.pk])
    mine = Grade.objects.get(assessment=first, enrolment=own)
    assert mine.value == 11 and mine.version == 2 and mine.updated_by == teacher
    assert {h.history_user for h in Grade.history.all()} == {teacher}
    assert Grade.objects.get(assessment=second, enrolment=other).special == "ATT"


def test_importing_the_same_file_again_changes_nothing(
    login, module, own, teacher, django_capture_on_commit_callbacks
):
    client = login(teacher)
    for _ in range(2):
        batch, _preview = _upload(client, module, _xlsx([[_email(own), "", "", "12,5", "", ""]]))
        _confirm(client, batch, django_capture_on_commit_callbacks)
    assert batch.summary == {"changes": 0}
    assert Grade.objects.get().history.count() == 1


def test_a_grade_changed_after_the_check_is_left_as_it_is(
    world, login, module, own, other, teacher, django_capture_on_commit_callbacks
):
    first, *_ = assessments_of(module)
    client = login(teacher)
    batch, _preview = _upload(
        client, module, _xlsx([[_email(own), "", "", "11", "", ""], [_email(other), "", "", "12", "", ""]])
    )
    _save(first, own, "17", 0, world["scolarite"])  # between the check and the confirmation

    _confirm(client, batch, django_capture_on_commit_callbacks)

    batch.refresh_from_db()
    assert batch.apply_job.result["saved"] == 1 and batch.apply_job.result["skipped"] == 1
    assert Grade.objects.get(assessment=first, enrolment=own).value == 17
    assert Grade.objects.get(assessment=first, enrolment=other).value == 12


def test_a_teacher_no_longer_teaching_the_module_imports_nothing(
    login, module, own, teacher, django_capture_on_commit_callbacks
):
    client = login(teacher)
    batch, _preview = _upload(client, module, _xlsx([[_email(own), "", "", "11", "", ""]]))
    module.teachers.clear()

    _confirm(client, batch, django_capture_on_commit_callbacks)

    batch.refresh_from_db()
    assert batch.apply_job.result["saved"] == 0 and not Grade.objects.exists()


def test_locked_grades_are_not_imported(login, module, own, teacher, monkeypatch):
    monkeypatch.setattr(grades, "grades_locked", lambda module, school_year: True)
    from evaluation import grade_import

    monkeypatch.setattr(grade_import, "grades_locked", lambda module, school_year: True)
    batch, _preview = _upload(login(teacher), module, _xlsx([[_email(own), "", "", "11", "", ""]]))
    assert batch.file_errors and not batch.can_confirm


def test_the_import_kind_is_registered_with_the_module_s_columns(module):
    from apprentissage.imports import get_spec

    spec = get_spec(IMPORT_GRADES)
    headers = [column.header for column in spec.columns_of({"module": module.pk})]
    assert headers == HEADERS
