"""The programme's modules exported as XLSX and imported back through the core's two-step
import: every bad line named with its reason, good lines update or create modules by code,
nothing is ever removed, a second run changes nothing."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from apprentissage.enums import StaffRole
from apprentissage.models import ImportBatch, SchoolYear
from apprentissage.tabular import XLSX_MIME, xlsx_bytes
from evaluation.imports import COLUMNS, check_programme_rows, export_headers
from evaluation.models import Assessment, Module
from evaluation.programmes import load_seed

from .. import factories as f
from .programme_helpers import tiny_programme

HEADERS = export_headers()


def _xlsx(rows, headers=HEADERS, name="programme.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(headers, rows, title="Programme"), content_type=XLSX_MIME)


@pytest.fixture
def manager(world, client):
    client.force_login(world["scolarite"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # messages compared in their msgid language
    return client


def _preview(client, upload, start_year=2026):
    return client.post(
        reverse("evaluation:programme_import", args=[start_year]),
        {"file": upload, "preview": "1"},
        follow=True,
    )


def _confirm(client, capture, **data):
    batch = ImportBatch.objects.order_by("-pk").first()
    with capture(execute=True):
        return client.post(reverse("import_confirm", args=[batch.pk]), {"confirm": "1", **data}, follow=True)


def _errors(response) -> dict[int, list[str]]:
    return {line.line: line.errors for line in response.context["lines"] if line.errors}


def _modules(programme):
    return sorted(
        Module.objects.filter(unit__programme=programme).values_list(
            "code",
            "unit__code",
            "unit__study_year",
            "title",
            "semester",
            "coefficient",
            "hours",
            "option__code",
        )
    )


def test_the_export_has_one_line_per_module_in_the_import_columns(world, manager):
    programme = load_seed(SchoolYear.objects.get(start_year=2026))
    module = Module.objects.get(unit__programme=programme, code="TI1-01")
    module.teachers.add(world["module_teacher"], world["school_tutor"])

    response = manager.get(reverse("evaluation:programme_xlsx", args=[2026]))

    assert response.status_code == 200 and response["Content-Type"] == XLSX_MIME
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS == [c.header for c in COLUMNS]
    assert len(rows) == 1 + 114
    assert rows[1] == (1, "SF", "SF1-01", "Mathématiques pour l'ingénieur", "S1", 1.5, 30, None, None)
    by_code = {row[2]: row for row in rows[1:]}
    assert by_code["TI1-01"][8] == "; ".join(sorted(["enseignant@example.com", "tuteur.ecole@example.com"]))
    assert by_code["GI1-01"][7] == "genindus" and by_code["GI1-01"][1] == "OPT"


def test_the_export_imported_back_changes_nothing(world, manager, django_capture_on_commit_callbacks):
    programme = load_seed(SchoolYear.objects.get(start_year=2026))
    Module.objects.get(unit__programme=programme, code="TI1-01").teachers.add(world["module_teacher"])
    before = _modules(programme)
    exported = manager.get(reverse("evaluation:programme_xlsx", args=[2026])).content

    preview = _preview(
        manager, SimpleUploadedFile("programme-2026-2027.xlsx", exported, content_type=XLSX_MIME)
    )

    batch = preview.context["batch"]
    assert (batch.valid_count, batch.error_count) == (114, 0)
    assert batch.summary == {"created": 0, "updated": 0, "unchanged": 114}
    _confirm(manager, django_capture_on_commit_callbacks)
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.APPLIED
    assert _modules(programme) == before
    assert [t.email for t in Module.objects.get(code="TI1-01").teachers.all()] == ["enseignant@example.com"]


def test_each_bad_line_says_why(world, manager):
    tiny = tiny_programme()
    f.ModuleFactory(unit=tiny.option_unit, code="GI2-01", option=world.own.option, semester=3)
    rows = [
        [2, "TI", "TI2-01", "Automatique", "S3", "1", "30", "", ""],  # 2: correct (unchanged)
        [2, "XX", "TI2-02", "Inconnu", "S3", "1", "30", "", ""],  # 3: unknown UE
        [2, "OPT", "GI2-02", "Flux", "S3", "1", "30", "chimie", ""],  # 4: unknown option
        [2, "TI", "TI2-03", "Mauvais semestre", "S5", "1", "30", "", ""],  # 5: a semester of 3A
        [2, "TI", "ti2-01", "Doublon", "S3", "1", "30", "", ""],  # 6: code already on line 2
        [2, "TI", "TI2-04", "Enseignant", "S4", "1", "30", "", "personne@nulle-part.fr"],  # 7: unknown e-mail
        [2, "TI", "TI2-05", '=HYPERLINK("http://x")', "S4", "1", "30", "", ""],  # 8: a formula
        [2, "TI", "TI2-06", "Option", "S4", "1", "30", "genindus", ""],  # 9: an option outside OPT
        [2, "OPT", "GI2-03", "Sans option", "S4", "1", "30", "", ""],  # 10: OPT without option
        [2, "UW", "UW2-01", "Entreprise", "S4", "1", "30", "", ""],  # 11: the UW has no modules
        [4, "TI", "TI4-01", "Quatrième année", "S7", "1", "30", "", ""],  # 12: no 4th year
        [2, "TI", "TI2-07", "Coefficient nul", "S4", "0", "30", "", ""],  # 13: coefficient 0
        [2, "TI", "TI2-08", "Heures", "S4", "1", "trente", "", ""],  # 14: hours not a number
        [
            2,
            "TI",
            "TI2-09",
            "Pas enseignant",
            "S4",
            "1",
            "30",
            "",
            "inconnu@example.com",
        ],  # 15: not a teacher
        [2, "TI", "", "Sans code", "S4", "1", "30", "", ""],  # 16: no code
    ]

    response = _preview(manager, _xlsx(rows))

    errors = _errors(response)
    assert sorted(errors) == list(range(3, 17))
    expected = {
        3: "UE: unknown UE “XX” in 2A (its UEs: OPT, TI).",
        4: "Option: unknown option “chimie” (the options: energies, genindus, materiaux, pharmagro).",
        5: "Semestre: S5 is not a semester of 2A (S3 or S4).",
        6: "Module: the code ti2-01 is already on line 2 (a code is unique in the programme).",
        7: "Enseignants: unknown teacher e-mail personne@nulle-part.fr (invite them first).",
        9: "Option: only the Option UE's modules belong to an option (this line's UE is TI).",
        10: "Option: a module of the Option UE belongs to an option: give its code.",
        11: "UE: UW is the Unité Entreprise of 2A: it has components, not modules.",
        13: "Coefficient: “0” is not a coefficient greater than 0 (up to 99.99).",
        14: "Heures: “trente” is not a number of hours (1 to 600).",
        15: (
            "Enseignants: inconnu@example.com is neither a school tutor nor a module teacher: give them "
            "the module teacher role first."
        ),
        16: "Module: the module's code is missing.",
    }
    for line, message in expected.items():
        assert errors[line] == [message], (line, errors[line])
    assert "starts like a spreadsheet formula" in errors[8][0]
    assert "Année: “4” is not a study year (1, 2 or 3)." in errors[12]
    assert response.context["batch"].valid_count == 1


def test_the_good_lines_update_and_create_modules_and_nothing_is_removed(
    world, manager, django_capture_on_commit_callbacks
):
    tiny = tiny_programme()
    kept = f.ModuleFactory(unit=tiny.unit, code="TI2-10", title="Absent du fichier", semester=4)
    teacher = world["module_teacher"]
    rows = [
        [2, "TI", "TI2-01", "Automatique et régulation", "S4", "1,5", "36", "", teacher.email.upper()],
        ["2A", "OPT", "GI2-01", "Simulation de flux", "3", "", "", "GenIndus", ""],
        [2, "TI", "TI2-02", "Ligne fausse", "S9", "1", "30", "", ""],
    ]

    preview = _preview(manager, _xlsx(rows))
    assert preview.context["batch"].summary == {"created": 1, "updated": 1, "unchanged": 0}
    response = _confirm(manager, django_capture_on_commit_callbacks, only_valid_rows="on")

    assert response.status_code == 200
    tiny.module.refresh_from_db()
    assert (tiny.module.title, tiny.module.semester, tiny.module.coefficient, tiny.module.hours) == (
        "Automatique et régulation",
        4,
        Decimal("1.5"),
        36,
    )
    assert list(tiny.module.teachers.all()) == [teacher]
    assert tiny.module.assessments.count() == 2  # its assessments (and grades) are kept
    created = Module.objects.get(code="GI2-01")
    assert (created.unit, created.option.code, created.coefficient, created.hours) == (
        tiny.option_unit,
        "genindus",
        Decimal(1),
        30,
    )
    assert list(created.assessments.values_list("title", flat=True)) == ["Contrôle continu", "Examen final"]
    assert Module.objects.filter(pk=kept.pk).exists() and not Module.objects.filter(code="TI2-02").exists()
    history = tiny.module.history.first()
    assert history.history_user == world["scolarite"]

    # The same file again: nothing more is created or changed
    before = (_modules(tiny.programme), Assessment.objects.count())
    _preview(manager, _xlsx(rows))
    _confirm(manager, django_capture_on_commit_callbacks, only_valid_rows="on")
    assert (_modules(tiny.programme), Assessment.objects.count()) == before


def test_a_file_without_the_teachers_column_keeps_the_teachers(
    world, manager, django_capture_on_commit_callbacks
):
    tiny = tiny_programme()
    tiny.module.teachers.add(world["school_tutor"])

    _preview(manager, _xlsx([[2, "TI", "TI2-01", "Automatique", "S3"]], headers=HEADERS[:5]))
    _confirm(manager, django_capture_on_commit_callbacks)

    assert list(tiny.module.teachers.all()) == [world["school_tutor"]]


def test_an_empty_teachers_cell_removes_the_teachers(world, manager, django_capture_on_commit_callbacks):
    tiny = tiny_programme()
    tiny.module.teachers.add(world["school_tutor"])

    _preview(manager, _xlsx([[2, "TI", "TI2-01", "Automatique", "S3", "", "", "", ""]]))
    _confirm(manager, django_capture_on_commit_callbacks)

    assert not tiny.module.teachers.exists()


def test_a_graded_module_cannot_be_moved_to_another_study_year(world):
    tiny = tiny_programme()
    f.TeachingUnitFactory(programme=tiny.programme, study_year=3, code="TI", ects=18)
    f.GradeFactory(assessment=tiny.assessment)

    with translation.override("en"):
        result = check_programme_rows(
            [
                (
                    2,
                    {
                        "study_year": "3",
                        "unit": "TI",
                        "code": "TI2-01",
                        "title": "Automatique",
                        "semester": "S5",
                    },
                )
            ],
            {"programme": tiny.programme.pk},
            lambda *args: None,
        )

    assert result.lines[0].errors == [
        "Année: the module TI2-01 has grades in 2A: it stays in that study year."
    ]


def test_the_check_costs_the_same_for_3_or_60_lines(world, django_assert_max_num_queries):
    tiny = tiny_programme()
    rows = [
        (
            n + 2,
            {
                "study_year": "2",
                "unit": "TI",
                "code": f"TI2-{n:02d}",
                "title": "M",
                "semester": "S3",
                "teachers": f"{world['module_teacher'].email}; inconnu{n}@example.com",
            },
        )
        for n in range(60)
    ]
    params = {"programme": tiny.programme.pk}
    # the programme, its UEs, its modules (with their teachers), its graded modules, the
    # options, the teachers who may be chosen, the people named in the file
    with django_assert_max_num_queries(8):
        check_programme_rows(rows[:3], params, lambda *args: None)
    with django_assert_max_num_queries(8):
        check_programme_rows(rows, params, lambda *args: None)


def test_a_module_teacher_cannot_upload(world, login):
    tiny_programme()
    response = login(world["module_teacher"]).post(
        reverse("evaluation:programme_import", args=[2026]), {"file": _xlsx([]), "preview": "1"}
    )
    assert response.status_code == 403 and not ImportBatch.objects.exists()


def test_a_school_tutor_teaches_once_given_by_e_mail(world, manager, django_capture_on_commit_callbacks):
    tiny = tiny_programme()
    newcomer = f.UserFactory(email="Nouvelle.Prof@Example.com", groups=[StaffRole.MODULE_TEACHER])

    _preview(
        manager, _xlsx([[2, "TI", "TI2-01", "Automatique", "S3", "", "", "", "nouvelle.prof@example.com"]])
    )
    _confirm(manager, django_capture_on_commit_callbacks)

    assert list(tiny.module.teachers.all()) == [newcomer]
