"""Grade entry: a module teacher's modules and each module's grade grid (scolarité: every
module). The grid saves each cell as it is typed (`grade_save`, JSON for static/js/grade-grid.js);
without JavaScript the grid is a form posting every cell at once. A grid's module is checked on
every request: a module one does not teach answers 404."""

from html import escape

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from apprentissage.enums import StudyYear
from apprentissage.forms import filter_bar
from apprentissage.menus import pk_url
from apprentissage.models import Option, SchoolYear
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.rules import can_manage
from apprentissage.tabular import xlsx_response
from apprentissage.views.imports import upload_view
from evaluation import computation
from evaluation.grade_import import IMPORT_GRADES, template_rows
from evaluation.grades import (
    STATUS_LABELS,
    CellEntry,
    GradeConflict,
    GradesLocked,
    Grid,
    ModuleProgress,
    graded_enrolments,
    module_grid,
    module_queryset,
    modules_of,
    modules_progress,
    ordered_assessments,
    row_average,
    save_grade,
    save_grid,
    shown,
)
from evaluation.models import Module, TeachingUnit

ENTER_GRADES = "evaluation.enter_grades"


def get_module(request, pk: int) -> Module:
    """The module `pk` if the user enters its grades (its teachers, scolarité), else 404."""
    return get_object_for_user_or_404(request.user, ENTER_GRADES, module_queryset(), pk=pk)


# --- My modules --------------------------------------------------------------------------------


class ModuleFilterForm(forms.Form):
    """Scolarité's filters on every module of the year."""

    study_year = forms.TypedChoiceField(
        label=gettext_lazy("Study year"),
        choices=[("", gettext_lazy("All years")), *StudyYear.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    unit_code = forms.ChoiceField(label=gettext_lazy("Teaching unit (UE)"), required=False)
    option = forms.ModelChoiceField(
        label=gettext_lazy("Option"),
        queryset=Option.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All options"),
    )

    def __init__(self, *args, school_year: SchoolYear, **kwargs):
        super().__init__(*args, **kwargs)
        codes = (
            TeachingUnit.objects.filter(programme__school_year=school_year, is_company_unit=False)
            .order_by("code")
            .values_list("code", flat=True)
            .distinct()
        )
        self.fields["unit_code"].choices = [("", _("All UEs")), *((code, code) for code in codes)]
        self.helper = filter_bar(("study_year", 3), ("unit_code", 3), ("option", 3))


@login_required
@permission_required("evaluation.view_my_modules", raise_exception=True)
def my_modules(request):
    """The modules of the current school year the user teaches (scolarité: every module,
    filtered), each with its fill progress."""
    school_year = SchoolYear.objects.current()
    manages = can_manage(request.user)
    form, filters, progress = None, {}, []
    if school_year is not None:
        if manages:
            form = ModuleFilterForm(request.GET or None, school_year=school_year)
            if form.is_bound and form.is_valid():
                filters = {k: v for k, v in form.cleaned_data.items() if v}
        modules = modules_of(request.user, school_year, everything=manages, **filters)
        progress = modules_progress(modules, school_year)
    return render(
        request,
        "evaluation/grades/my_modules.html",
        {
            "school_year": school_year,
            "form": form,
            "progress": progress,
            "rows_html": modules_rows_html(progress),
            "manages": manages,
        },
    )


def modules_rows_html(progress: list[ModuleProgress]) -> SafeString:
    """The modules' rows, written here rather than by a template loop (scolarité: over a
    hundred modules; every text escaped)."""
    done = '<span aria-hidden="true">✔</span> '
    warning = '<span aria-hidden="true">⚠</span> '
    html = []
    for item in progress:
        module = item.module
        counts = _("%(entered)s / %(expected)s (%(percent)s %%)") % {
            "entered": item.entered,
            "expected": item.expected,
            "percent": item.percent,
        }
        html.append(
            f'<tr><th scope="row"><a href="{pk_url("evaluation:grade_grid", module.pk)}">'
            f"{escape(module.code)} — {escape(module.title)}</a></th>"
            f"<td>{escape(module.unit.code)}</td><td>{module.unit.study_year}A</td><td>S{module.semester}</td>"
            f"<td>{escape(module.option.name) if module.option else '—'}</td>"
            f'<td class="text-end">{item.apprentices}</td>'
            f"<td>{done if item.complete else ''}{escape(counts)}"
            f'<progress class="grade-progress d-block" max="{item.expected or 1}" value="{item.entered}"'
            f' aria-hidden="true"></progress></td>'
            f'<td class="text-end">{warning if item.pending else ""}{item.pending}</td></tr>'
        )
    return mark_safe("\n".join(html))  # every text escaped


# --- The grid ----------------------------------------------------------------------------------


def grid_rows_html(grid: Grid, errors: dict | None = None, texts: dict | None = None) -> SafeString:
    """The grid's rows, written here rather than by a template loop: 200 apprentices × a few
    assessments are a thousand inputs (every text escaped). Each input is named by its cell
    (`c-<assessment>-<enrolment>`), carries the version it was read at (`data-v`), and is
    described by its state (`s-…`); each row's versions travel with the form (`v-<enrolment>`)."""
    errors, texts = errors or {}, texts or {}
    repeating = f' <span class="badge text-bg-light border">{escape(_("repeating"))}</span>'
    resit = escape(_("resit"))
    used = f'<span class="small avg-resit">({resit})</span>'
    unused = f'<span class="small avg-resit" hidden>({resit})</span>'
    warning = '<span aria-hidden="true">⚠</span>'
    notes = {status: escape(str(label)) for status, label in STATUS_LABELS.items()}
    notes[computation.Status.COMPLETE] = ""
    out_of_range = escape(_("a grade is above its assessment's maximum"))
    readonly = " readonly" if grid.locked else ""
    html = []
    for row in grid.rows:
        e = row.enrolment_id
        cells = []
        for cell in row.cells:
            a = cell.assessment_id
            error = errors.get((e, a))
            value = escape(texts[(e, a)]) if (e, a) in texts else cell.text  # ours: "12,50", "ABS"
            state = invalid = ""
            if error:
                state = f'<span class="cell-status" data-state="error">{warning} {escape(error)}</span>'
                invalid = ' aria-invalid="true"'
            cells.append(
                f'<td><input id="c-{a}-{e}" name="c-{a}-{e}" value="{value}" data-v="{cell.version}"'
                f' aria-labelledby="h-{a} r-{e}" aria-describedby="s-{a}-{e}"{invalid}{readonly}>'
                f'<span id="s-{a}-{e}" class="cs">{state}</span></td>'
            )
        versions = ",".join(f"{cell.assessment_id}:{cell.version}" for cell in row.cells)
        result = row.average.result
        note = notes[result.status] if result else out_of_range
        html.append(
            f'<tr><th scope="row" id="r-{e}">{escape(row.name)}{repeating if row.repeating else ""}'
            f'<input type="hidden" name="v-{e}" value="{versions}"></th>{"".join(cells)}'
            f'<td class="row-average" id="avg-{e}"><span class="avg-value">{row.average.shown}</span>'
            f" {used if row.average.resit_used else unused}"
            f' <span class="avg-status small text-secondary">{note}</span></td></tr>'
        )
    return mark_safe("\n".join(html))  # every text escaped


def _grid_context(module: Module, grid: Grid, **extra) -> dict:
    # Without JavaScript the form posts every cell and each row's versions: Django refuses a
    # request of more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (the page says so).
    fields = len(grid.rows) * (len(grid.assessments) + 1) + 2
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return {
        "module": module,
        "grid": grid,
        "form_fits": limit is None or fields <= limit,
        "rows_html": grid_rows_html(grid, extra.pop("errors", None), extra.pop("texts", None)),
        "has_resit": any(a.is_resit for a in grid.assessments),
        "rules": grid.rules,
        **extra,
    }


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() else None


def _entries(post) -> list[CellEntry]:
    """The cells of a grid posted whole: `c-<assessment>-<enrolment>` the text, `v-<enrolment>`
    the row's versions as read (`<assessment>:<version>,…`)."""
    versions = {}
    for name, value in post.items():
        enrolment_id = _number(name.removeprefix("v-")) if name.startswith("v-") else None
        for pair in value.split(",") if enrolment_id is not None else ():
            assessment_id, _sep, version = pair.partition(":")
            if _number(assessment_id) is not None and _number(version) is not None:
                versions[(int(assessment_id), enrolment_id)] = int(version)
    entries = []
    for name, text in post.items():
        assessment_id, _sep, enrolment_id = name.removeprefix("c-").partition("-")
        key = (_number(assessment_id), _number(enrolment_id))
        if name.startswith("c-") and None not in key:
            entries.append(CellEntry(*key, text[:20], versions.get(key, 0)))
    return entries


@login_required
def grade_grid(request, pk: int):
    """One row per apprentice graded in the module, one column per assessment (the resit
    last), the module average computed live. POST (without JavaScript): the whole grid."""
    module = get_module(request, pk)
    if request.method == "POST":
        report = save_grid(module=module, entries=_entries(request.POST), actor=request.user)
        if report.ok:
            messages.success(
                request,
                ngettext("%(count)d grade saved.", "%(count)d grades saved.", report.saved)
                % {"count": report.saved},
            )
            return redirect("evaluation:grade_grid", pk=module.pk)
        problems = {**report.errors, **report.conflicts}
        context = _grid_context(
            module,
            module_grid(module),
            errors=problems,
            texts=report.texts,
            saved=report.saved,
            problems=len(problems),
        )
        return render(request, "evaluation/grades/grid.html", context, status=400)
    return render(request, "evaluation/grades/grid.html", _grid_context(module, module_grid(module)))


def _answer(http_status: int = 200, **data) -> JsonResponse:
    return JsonResponse({"ok": http_status == 200, **data}, status=http_status)


@login_required
@require_POST
@transaction.non_atomic_requests  # save_grade is its own transaction: no savepoint around it
def grade_save(request, pk: int):
    """Save one cell (assessment, enrolment, text, version it was read at). JSON: the value as
    stored, its new version, the row's average; 400 bad grade, 409 someone else's value (theirs
    is sent back), 423 locked. Nothing is saved unless 200."""
    module = get_module(request, pk)
    assessments = ordered_assessments(module.assessments.all())
    try:
        assessment_id, enrolment_id = int(request.POST["assessment"]), int(request.POST["enrolment"])
        version = int(request.POST.get("version") or 0)
    except (KeyError, ValueError):
        return _answer(400, message=_("This cell is not one of the grid: reload the page."))
    assessment = next((a for a in assessments if a.pk == assessment_id), None)
    enrolment = graded_enrolments(module).filter(pk=enrolment_id).first() if assessment else None
    if assessment is None or enrolment is None:
        raise Http404
    assessment.module = module
    name = str(enrolment.apprenticeship.apprentice)
    try:
        saved = save_grade(
            assessment=assessment,
            enrolment=enrolment,
            text=request.POST.get("text", "")[:20],
            expected_version=max(version, 0),
            actor=request.user,
        )
    except ValidationError as error:
        return _answer(400, message=error.messages[0])
    except GradesLocked as locked:
        return _answer(423, message=str(locked))
    except GradeConflict as conflict:
        average = row_average(module, assessments, conflict.row, module.unit.programme.rules())
        return _answer(
            409,
            conflict=True,
            message=conflict.message,
            text=shown(conflict.grade.entered),
            version=conflict.grade.version,
            by=conflict.by,
            at=conflict.at,
            average=average.shown,
            complete=average.complete,
            state=average.status,
        )
    average = row_average(module, assessments, saved.row, module.unit.programme.rules())
    text = shown(saved.entered)
    return _answer(
        text=text,
        version=saved.version,
        changed=saved.changed,
        average=average.shown,
        complete=average.complete,
        state=average.status,
        resit_used=average.resit_used,
        message=_("Saved: %(name)s, %(assessment)s: %(grade)s.")
        % {"name": name, "assessment": assessment.title, "grade": text or _("no grade")},
    )


# --- The workbook ------------------------------------------------------------------------------


@login_required
def grade_template(request, pk: int):
    """The module's apprentices (e-mail, name) and one column per assessment, with the grades
    entered so far: filled in and sent back through `grade_import`."""
    module = get_module(request, pk)
    headers, rows = template_rows(module)
    year = module.unit.programme.school_year.label
    return xlsx_response(f"notes-{module.code}-{year}.xlsx", headers, rows, title=module.code)


@login_required
def grade_import(request, pk: int):
    """Upload the filled template: checked line by line (nothing saved), then applied on
    confirmation (the core's two-step import, evaluation.grade_import)."""
    module = get_module(request, pk)
    return upload_view(
        request,
        IMPORT_GRADES,
        params={"module": module.pk, "user": request.user.pk},
        help_text=gettext_lazy(
            "The module's template (download it from the grade grid): one line per apprentice, "
            "identified by their e-mail, one column per assessment. An empty cell leaves the grade "
            "as it is."
        ),
    )


urlpatterns = [
    path("notes/mes-modules/", my_modules, name="my_modules"),
    path("notes/module/<int:pk>/", grade_grid, name="grade_grid"),
    path("notes/module/<int:pk>/enregistrer/", grade_save, name="grade_save"),
    path("notes/module/<int:pk>/modele.xlsx", grade_template, name="grade_template"),
    path("notes/module/<int:pk>/importer/", grade_import, name="grade_import"),
]
