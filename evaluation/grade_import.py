"""A module's grades imported from a workbook, through the core's two-step import
(apprentissage.imports): the template lists the module's apprentices (their e-mail identifies
them) with one column per assessment, filled with the grades entered so far; the preview says,
line by line, which grades change from what to what, or what is wrong (unknown apprentice,
grade out of range, unknown value, a formula); confirming saves each changed grade with
`save_grade` (audited, by the uploader).

Choices: an empty cell leaves the grade as it is (the grid clears a grade). The import replaces
a grade entered by someone else since the template was downloaded (the preview names who
entered it), but not one changed between the preview and the confirmation: that one is left
as it is and the result says how many were. Locked grades are never imported."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apprentissage.imports import CheckResult, ImportSpec, Line, register
from apprentissage.tabular import Column
from evaluation import computation
from evaluation.grades import (
    GradeConflict,
    GradesLocked,
    graded_enrolments,
    grades_locked,
    module_queryset,
    ordered_assessments,
    out_of,
    save_grade,
    shown,
)
from evaluation.models import Assessment, Grade, Module

IMPORT_GRADES = "evaluation.import_grades"
PERMISSION = "evaluation.enter_grades"

# The school's files are in French: the fixed columns' headers are too.
IDENTITY_COLUMNS = [
    Column("email", "E-mail", example="lucie.fabre@example.com"),
    Column("last_name", "Nom", required=False, example="Fabre"),
    Column("first_name", "Prénom", required=False, example="Lucie"),
]


def _number(value: Decimal) -> str:
    return f"{Decimal(value).normalize():f}".replace(".", ",")


def assessment_headers(assessments: list[Assessment]) -> dict[str, Assessment]:
    """Each assessment's column header ("Examen final (/20)"), unique in the module."""
    headers = {}
    for assessment in assessments:
        header = f"{assessment.title} (/{_number(assessment.out_of)})"
        if header in headers:
            header = f"{header} #{assessment.position + 1}-{assessment.pk}"
        headers[header] = assessment
    return headers


def _module(params: dict) -> Module:
    return module_queryset().get(pk=params["module"])


def columns_for(params: dict) -> list[Column]:
    """The file's columns: the apprentice's identity, then one per assessment (the header is
    the key, so that the core's messages name the column as the file does)."""
    assessments = ordered_assessments(Assessment.objects.filter(module_id=params["module"]))
    titles = [a.title for a in assessments]
    return IDENTITY_COLUMNS + [
        Column(
            header,
            header,
            required=False,
            # The bare title too, when it names one assessment only.
            aliases=(assessment.title,) if titles.count(assessment.title) == 1 else (),
        )
        for header, assessment in assessment_headers(assessments).items()
    ]


def template_rows(module: Module) -> tuple[list[str], list[list]]:
    """The template's headers and one line per graded apprentice, with the grades entered."""
    assessments = ordered_assessments(module.assessments.all())
    headers = assessment_headers(assessments)
    enrolments = list(graded_enrolments(module))
    grades = {
        (g.enrolment_id, g.assessment_id): g.entered
        for g in Grade.objects.filter(assessment__module=module, enrolment__in=[e.pk for e in enrolments])
    }
    rows = []
    for enrolment in enrolments:
        apprentice = enrolment.apprenticeship.apprentice
        cells = []
        for assessment in headers.values():
            entered = grades.get((enrolment.pk, assessment.pk))
            cells.append(str(entered) if isinstance(entered, computation.Special) else entered)
        rows.append([apprentice.email, apprentice.last_name, apprentice.first_name, *cells])
    return [c.header for c in IDENTITY_COLUMNS] + list(headers), rows


def check_grades(rows: list[tuple[int, dict]], params: dict, progress) -> CheckResult:
    module = _module(params)
    uploader = params.get("user")
    headers = assessment_headers(ordered_assessments(module.assessments.all()))
    present = [header for header in headers if any(header in raw for _line, raw in rows)]
    file_errors = []
    if grades_locked(module, module.unit.programme.school_year):
        file_errors.append(_("The grades of this module are locked: the jury has deliberated."))
    if not present:
        file_errors.append(
            _("No column of the file names an assessment of this module (expected: %(columns)s).")
            % {"columns": ", ".join(f"“{header}”" for header in headers)}
        )
    enrolments = {e.apprenticeship.apprentice.email.casefold(): e for e in graded_enrolments(module)}
    stored = {
        (g.enrolment_id, g.assessment_id): g
        for g in Grade.objects.filter(
            assessment__module=module, enrolment__in=[e.pk for e in enrolments.values()]
        ).select_related("updated_by")
    }
    seen: dict[int, int] = {}
    lines, changes = [], 0
    for number, raw in rows:
        line = Line(line=number, raw=raw)
        email = raw.get("email", "").strip()
        enrolment = enrolments.get(email.casefold())
        if enrolment is None:
            line.errors.append(
                _("Unknown apprentice: “%(email)s” is not an apprentice graded in this module.")
                % {"email": email[:80]}
                if email
                else _("No e-mail: the apprentice is unknown.")
            )
        elif enrolment.pk in seen:
            line.errors.append(
                _("This apprentice is already on line %(line)d.") % {"line": seen[enrolment.pk]}
            )
        else:
            seen[enrolment.pk] = number
        cells = []
        for header in present:
            assessment, text = headers[header], raw.get(header, "").strip()
            if not text:
                continue  # left as it is
            try:
                entered = computation.parse_grade(text, out_of(assessment))
            except ValidationError as error:
                line.errors.append(f"{header} : {error.messages[0]}")
                continue
            if enrolment is None:
                continue
            grade = stored.get((enrolment.pk, assessment.pk))
            before = grade.entered if grade else None
            by_other = grade is not None and grade.updated_by_id not in (None, uploader)
            cells.append(
                {
                    "assessment": assessment.pk,
                    "title": header,
                    "old": shown(before),
                    "new": shown(entered),
                    "text": text,
                    "version": grade.version if grade else 0,
                    "changed": before != entered,
                    "by": str(grade.updated_by) if by_other and before != entered else "",
                }
            )
        if enrolment is not None:
            apprentice = enrolment.apprenticeship.apprentice
            line.data = {
                "enrolment": enrolment.pk,
                "name": f"{apprentice.last_name.upper()} {apprentice.first_name}",
            }
        line.data["cells"] = cells
        if line.ok:
            changes += sum(cell["changed"] for cell in cells)
        lines.append(line)
        progress(len(lines))
    return CheckResult(lines=lines, file_errors=file_errors, summary={"changes": changes})


def apply_grades(batch, lines: list[Line], progress) -> dict:
    """Save the changed grades of the good lines, as the uploader. Idempotent: a grade already
    at the file's value is not saved again. Grades changed since the check are left as they are."""
    module = _module(batch.params)
    actor = batch.created_by
    if actor is None or not actor.has_perm(PERMISSION, module):
        return {"saved": 0, "message": _("You no longer enter this module's grades: nothing was imported.")}
    assessments = {a.pk: a for a in module.assessments.all()}
    for assessment in assessments.values():
        assessment.module = module
    enrolments = {e.pk: e for e in graded_enrolments(module)}
    saved = skipped = 0
    for done, line in enumerate(lines, start=1):
        enrolment = enrolments.get(line.data.get("enrolment"))
        for cell in line.data.get("cells", []) if enrolment else []:
            assessment = assessments.get(cell["assessment"])
            if assessment is None or not cell["changed"]:
                continue
            try:
                result = save_grade(
                    assessment=assessment,
                    enrolment=enrolment,
                    text=cell["text"],
                    expected_version=cell["version"],
                    actor=actor,
                )
            except (GradeConflict, ValidationError):
                skipped += 1
            except GradesLocked as locked:
                return {"saved": saved, "message": str(locked)}
            else:
                saved += result.changed
        progress(done)
    message = ngettext("%(count)d grade saved.", "%(count)d grades saved.", saved) % {"count": saved}
    if skipped:
        message += " " + ngettext(
            "%(count)d grade changed by someone else since the check was left as it is.",
            "%(count)d grades changed by someone else since the check were left as they are.",
            skipped,
        ) % {"count": skipped}
    return {"saved": saved, "skipped": skipped, "message": message}


def _context(params: dict) -> dict:
    return {"module": _module(params)}


register(
    ImportSpec(
        kind=IMPORT_GRADES,
        permission="evaluation.view_my_modules",
        columns=IDENTITY_COLUMNS,
        columns_for=columns_for,
        check=check_grades,
        apply=apply_grades,
        template="evaluation/grades/import.html",
        job_label=lambda batch: _("Import of the grades of %(module)s") % {"module": _module(batch.params)},
        next_url=lambda batch: reverse("evaluation:grade_grid", args=[batch.params["module"]]),
        upload_url=lambda params: reverse("evaluation:grade_import", args=[params["module"]]),
        context=_context,
    )
)
