"""Importing admitted candidates from a spreadsheet: the template, a preview that saves
nothing, then the import on confirmation (a background job); bad lines, bad files, and
eligibility shown on the candidate list."""

import datetime
import html
import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from apprentissage.models import ImportBatch, Job, User
from apprentissage.tabular import XLSX_MIME
from recruitment.forms import CANDIDATE_COLUMNS, CandidateForm
from recruitment.models import Candidate

HEADERS = [
    "Nom",
    "Prénom",
    "E-mail",
    "Téléphone",
    "Date de naissance",
    "Diplôme",
    "Intitulé du diplôme",
    "Option",
    "Promotion (année d'entrée)",
    "Dossier (/20)",
    "Entretien (/20)",
    "Test maths-français (/20)",
    "Oral d'anglais (/20)",
]
GOOD_ROWS = [
    [
        "Lefèvre",
        "Hélène",
        "helene.lefevre@example.com",
        "06 12 34 56 78",
        "14/03/2005",
        "but",
        "BUT Génie mécanique et productique",
        "GenIndus",
        "2027",
        "15",
        "16",
        "13,5",
        "14",
    ],
    ["Çelik", "Noé", "noe.celik@example.com", "", "02/11/2004", "bts", "BTS CRSA", "GenIndus", "2027"]
    + [""] * 4,
]


def _csv(rows, headers=HEADERS, name="candidats.csv", encoding="utf-8") -> SimpleUploadedFile:
    text = "\r\n".join(";".join(row) for row in [headers, *rows]) + "\r\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def _xlsx(rows, headers=HEADERS, name="candidats.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    if headers:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_MIME)


def _preview(client, upload, *, only_valid_rows=False):
    """Send the file; a readable one is kept as a batch and its preview page shown."""
    data = {"file": upload, "preview": "1"}
    if only_valid_rows:
        data["only_valid_rows"] = "on"
    return client.post(reverse("recruitment:candidate_import"), data, follow=True)


def _confirm(client):
    """Confirm the latest checked file (as its preview page's button does)."""
    batch = ImportBatch.objects.order_by("-pk").first()
    return client.post(reverse("import_confirm", args=[batch.pk]), {"confirm": "1"})


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _line_errors(response) -> dict[int, list[str]]:
    return {r.line: r.errors for r in response.context["lines"] if not r.ok}


def _label(name: str) -> str:
    return str(CandidateForm.base_fields[name].label)


@pytest.fixture
def scolarite_client(world, login):
    return login(world["scolarite"])


def _counts() -> tuple[int, int, int]:
    return Candidate.objects.count(), User.objects.count(), Job.objects.count()


# The template


def test_import_template_downloads_as_xlsx_with_the_french_headers(scolarite_client):
    response = scolarite_client.get(reverse("recruitment:candidate_import_template"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    assert response["Content-Disposition"] == 'attachment; filename="modele-import-candidats.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    header, example = list(sheet.iter_rows(values_only=True))
    assert list(header) == HEADERS == [c.header for c in CANDIDATE_COLUMNS]
    assert example[:3] == ("Fabre", "Lucie", "lucie.fabre@example.com")


def test_import_template_sent_back_as_is_previews_its_example_line_as_correct(scolarite_client):
    # Arrange: the template, untouched (its example scores include "13,5")
    template = scolarite_client.get(reverse("recruitment:candidate_import_template")).content

    # Act
    response = _preview(scolarite_client, SimpleUploadedFile("modele.xlsx", template, XLSX_MIME))

    # Assert
    assert _line_errors(response) == {}
    assert response.context["batch"].valid_count == 1


# Good files: preview, then confirm


@pytest.mark.parametrize("make_file", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_import_good_file_previews_without_saving_then_imports_on_confirm(
    world, scolarite_client, make_file, django_capture_on_commit_callbacks
):
    # Arrange
    if make_file is _xlsx:  # as a spreadsheet stores them: dates, integers, decimals
        rows = [
            [*GOOD_ROWS[0][:4], datetime.date(2005, 3, 14), *GOOD_ROWS[0][5:8], 2027, 15, 16, 13.5, 14],
            [*GOOD_ROWS[1][:4], datetime.datetime(2004, 11, 2), *GOOD_ROWS[1][5:8], 2027],
        ]
    else:
        rows = GOOD_ROWS
    before = _counts()

    # Act: the check
    with django_capture_on_commit_callbacks(execute=True):
        preview = _preview(scolarite_client, make_file(rows))

    # Assert: every line correct, nothing saved, nobody invited
    assert preview.status_code == 200
    assert [(r.line, r.ok) for r in preview.context["lines"]] == [(2, True), (3, True)]
    batch = preview.context["batch"]
    assert (batch.valid_count, batch.error_count, batch.status) == (2, 0, "ready")
    assert "Hélène Lefèvre" in _page(preview) and "Noé Çelik" in _page(preview)
    assert _counts() == before
    assert mail.outbox == []

    # Act: the confirmation starts the import job
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(scolarite_client)

    # Assert
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.result["imported"], job.created_by) == ("done", 2, world["scolarite"])
    helene = Candidate.objects.get(user__email="helene.lefevre@example.com")
    assert (helene.user.first_name, helene.user.last_name, helene.user.phone) == (
        "Hélène",
        "Lefèvre",
        "06 12 34 56 78",
    )
    assert (helene.birth_date, helene.cohort.entry_year, helene.option.name, helene.diploma) == (
        datetime.date(2005, 3, 14),
        2027,
        "GenIndus",
        "but",
    )
    assert str(helene.test_score) == "13.50" and helene.recorded_by == world["scolarite"]
    noe = Candidate.objects.get(user__email="noe.celik@example.com")
    assert (noe.user.last_name, noe.birth_date, noe.file_score) == ("Çelik", datetime.date(2004, 11, 2), None)
    assert sorted(m.to[0] for m in mail.outbox) == ["helene.lefevre@example.com", "noe.celik@example.com"]
    assert all("/invitation/" in m.body for m in mail.outbox)
    # the batch was used up: a second confirmation imports nothing and leads to the same job
    with django_capture_on_commit_callbacks(execute=True):
        again = _confirm(scolarite_client)
    assert again["Location"] == reverse("job_detail", args=[job.pk])
    assert Candidate.objects.count() == before[0] + 2 and Job.objects.count() == 1
    batch.refresh_from_db()
    assert (batch.status, batch.apply_job) == ("applied", job)


def test_import_csv_saved_by_excel_in_windows_1252_is_read(scolarite_client):
    response = _preview(scolarite_client, _csv(GOOD_ROWS[1:], encoding="cp1252"))

    assert [r.raw["last_name"] for r in response.context["lines"]] == ["Çelik"]
    assert _line_errors(response) == {}


def test_import_csv_with_lines_of_uneven_length_is_read_with_its_separator(scolarite_client):
    # A hand-edited file: the second line stops after the cohort (no empty trailing cells)
    response = _preview(scolarite_client, _csv([GOOD_ROWS[0], GOOD_ROWS[1][:9]]))

    assert response.context.get("table_error") is None
    assert [r.raw["email"] for r in response.context["lines"]] == [
        "helene.lefevre@example.com",
        "noe.celik@example.com",
    ]
    assert _line_errors(response) == {}


# Files with bad lines

BAD_FILE_ROWS = [
    GOOD_ROWS[0],
    ["Martin", "Paul", "pas-une-adresse", "", "01/01/2005", "dut", "", "GenIndus", "2027"] + [""] * 4,
    GOOD_ROWS[1],
    [
        "Roux",
        "Inès",
        "ines.roux@example.com",
        "",
        "30/02/2005",
        "bts",
        "",
        "GenIndus",
        "2027",
        "25",
        "",
        "",
        "",
    ],
]


def test_import_file_with_bad_lines_reports_each_with_its_line_and_reason(scolarite_client):
    before = _counts()

    response = _preview(scolarite_client, _csv(BAD_FILE_ROWS))

    batch = response.context["batch"]
    assert (batch.valid_count, batch.error_count, batch.status) == (2, 2, "has_errors")
    assert _line_errors(response) == {
        3: [f"{_label('email')} : Saisissez une adresse de courriel valide."],
        5: [
            f"{_label('birth_date')} : Saisissez une date valide.",
            f"{_label('file_score')} : Assurez-vous que cette valeur est inférieure ou égale à 20.",
        ],
    }
    page = _page(response)
    assert "Saisissez une adresse de courriel valide." in page and "Saisissez une date valide." in page
    assert re.search(r'<tr class="table-danger"><th scope="row">3</th>', page)
    assert re.search(r'<tr class="table-danger"><th scope="row">5</th>', page)
    assert _counts() == before


def test_import_with_bad_lines_imports_nothing_on_confirm_unless_asked(
    scolarite_client, django_capture_on_commit_callbacks
):
    # Arrange
    before = _counts()
    _preview(scolarite_client, _csv(BAD_FILE_ROWS))

    # Act: confirmation posted anyway (the page shows no button)
    with django_capture_on_commit_callbacks(execute=True):
        response = _confirm(scolarite_client)

    # Assert
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("import_preview", args=[batch.pk])
    assert _counts() == before
    assert mail.outbox == []
    assert batch.status == "has_errors"


def test_import_with_bad_lines_and_only_valid_rows_ticked_imports_exactly_the_good_ones(
    scolarite_client, django_capture_on_commit_callbacks
):
    # Arrange
    before = _counts()
    emails = set(Candidate.objects.values_list("user__email", flat=True))
    preview = _preview(scolarite_client, _csv(BAD_FILE_ROWS), only_valid_rows=True)
    assert 'name="confirm"' in _page(preview)

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(scolarite_client)

    # Assert
    imported = set(Candidate.objects.values_list("user__email", flat=True)) - emails
    assert imported == {"helene.lefevre@example.com", "noe.celik@example.com"}
    assert Candidate.objects.count() == before[0] + 2
    assert not User.objects.filter(email__in=["ines.roux@example.com", "pas-une-adresse"]).exists()
    assert Job.objects.get().result["imported"] == 2


def test_import_duplicate_lines_within_the_file_are_reported(scolarite_client):
    # Arrange: line 4 repeats line 2's person and cohort (e-mail in another case)
    duplicate = [*GOOD_ROWS[0]]
    duplicate[2] = "Helene.Lefevre@Example.com"

    # Act
    response = _preview(scolarite_client, _csv([*GOOD_ROWS, duplicate]))

    # Assert
    assert _line_errors(response) == {4: ["Même candidat qu'à la ligne 2."]}
    assert Candidate.objects.filter(user__email__iexact="helene.lefevre@example.com").count() == 0


def test_import_line_of_a_candidate_already_recorded_for_the_cohort_is_reported(scolarite_client):
    row = ["Dupont", "Jean", "candidat@example.com", "", "14/03/2005", "but", "", "GenIndus", "2027"] + [
        ""
    ] * 4

    response = _preview(scolarite_client, _csv([row]))

    assert _line_errors(response) == {
        2: [f"{_label('email')} : Ce candidat est déjà enregistré pour cette promotion."]
    }


# Bad files


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            _csv([r[:4] + r[5:] for r in GOOD_ROWS], headers=HEADERS[:4] + HEADERS[5:]),
            "La colonne « Date de naissance » est absente de la première ligne.",
        ),
        (_xlsx([], headers=[]), "Le fichier est vide."),
        (
            SimpleUploadedFile("candidats.txt", b"Nom;Prenom\nFabre;Lucie\n"),
            "Envoyez un fichier .xlsx ou .csv.",
        ),
        (
            SimpleUploadedFile("candidats.xlsx", b"Nom;Prenom\nFabre;Lucie\n", XLSX_MIME),
            "Ce fichier n'est pas un classeur Excel (.xlsx) lisible.",
        ),
    ],
    ids=["missing-column", "empty-workbook", "txt", "fake-xlsx"],
)
def test_import_unreadable_file_is_refused_with_a_clear_message(scolarite_client, upload, message):
    # Arrange
    before = _counts()

    # Act
    response = _preview(scolarite_client, upload)

    # Assert
    assert response.status_code == 200
    assert response.context["table_error"] == message
    assert message in _page(response)
    assert response.context["batch"] is None
    assert _counts() == before
    assert not ImportBatch.objects.exists()  # nothing kept, nothing to confirm


def test_import_empty_file_is_refused(scolarite_client):
    response = _preview(scolarite_client, SimpleUploadedFile("candidats.csv", b"", "text/csv"))

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Le fichier soumis est vide."]}
    assert response.context["batch"] is None


# Eligibility


@pytest.mark.parametrize(
    ("birth_date", "diploma", "problems"),
    [
        ("21/09/1997", "but", []),  # 29 on 20/09/2027, the first day of training
        ("20/09/1997", "but", ["30 ans au premier jour de la formation (moins de 30 ans requis)."]),
        ("14/03/2005", "below_bac2", ["Pas de diplôme de niveau bac+2 (DUT, BUT, BTS, L2 ou équivalent)."]),
    ],
    ids=["29-at-start", "30-at-start", "no-bac+2"],
)
def test_imported_candidate_eligibility_is_computed_and_shown_on_the_list(
    scolarite_client, django_capture_on_commit_callbacks, birth_date, diploma, problems
):
    # Arrange
    row = ["Garcia", "Inès", "ines.garcia@example.com", "", birth_date, diploma, "", "GenIndus", "2027"]
    _preview(scolarite_client, _csv([row + [""] * 4]))
    with django_capture_on_commit_callbacks(execute=True):
        _confirm(scolarite_client)

    # Act
    response = scolarite_client.get(reverse("recruitment:candidate_list"))

    # Assert
    candidate = Candidate.objects.get(user__email="ines.garcia@example.com")
    assert candidate.eligibility_problems == problems
    assert candidate.is_eligible == (not problems)
    row_html = re.search(
        r"<tr>(?:(?!</tr>).)*ines\.garcia@example\.com.*?</tr>", _page(response), re.S
    ).group()
    if problems:
        assert all(problem in row_html for problem in problems)
        assert "⚠" in row_html
    else:
        assert "✔" in row_html and "éligible" in row_html
