"""Scolarité's calendar editor: the school's week table (weeks as rows, 1A/2A/3A as
columns), a range of weeks set in one undoable change (htmx or plain POST), the audit
trail, the totals beside the program's targets, and copying a year to the next."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apprentissage.models import Option, SchoolYear

from .. import selectors, services
from ..enums import WeekKind
from ..forms import GridOptionForm, WeekRangeForm
from ..models import CalendarEdit

PERMISSION = "planning.manage_calendars"
HISTORY_LENGTH = 8

# Short words shown in the cells (the full label is read out and given in the legend).
SHORT_LABELS = {
    WeekKind.COMPANY: gettext_lazy("Company"),
    WeekKind.SCHOOL: gettext_lazy("School"),
    WeekKind.RENTREE: gettext_lazy("Rentrée"),
    WeekKind.PROPEDEUTIC: gettext_lazy("Propaedeutic"),
    WeekKind.DEFENCES: gettext_lazy("Defences"),
    WeekKind.CLOSURE: gettext_lazy("Closed"),
}

# What the totals table shows, in order: (key in totals()["computed"], label, key of the target).
TOTAL_ROWS = [
    ("school_weeks", gettext_lazy("Weeks at school"), "school_weeks"),
    ("company_weeks", gettext_lazy("Weeks in the company"), "company_weeks"),
    ("unplanned_weeks", gettext_lazy("Weeks not planned"), None),
    ("tape_sessions", gettext_lazy("TAPE sessions"), "tape_sessions"),
    ("tape_hours", gettext_lazy("TAPE hours"), "tape_hours"),
]


def _url_or_none(name: str, *args) -> str | None:
    """Links to the planning pages other modules serve (absent while they are being written)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _grid_url(school_year: SchoolYear, option: Option | None) -> str:
    url = reverse("planning:grid", args=[school_year.start_year])
    return f"{url}?option={option.code}" if option else url


def _option_from(data) -> Option | None:
    """The option of a GET or POST (its code); unknown codes show the common calendar."""
    code = data.get("option")
    return Option.objects.filter(code=code).first() if code else None


def _totals(school_year: SchoolYear, option: Option | None) -> tuple[list[dict], list[dict]]:
    """One row per measure, one cell per study year: the value, its target, and whether they differ."""
    per_year = {y: selectors.totals(school_year, y, option) for y in (1, 2, 3)}
    rows = []
    for key, label, target_key in TOTAL_ROWS:
        cells = []
        for y in (1, 2, 3):
            value = per_year[y]["computed"][key]
            target = per_year[y]["targets"][target_key] if target_key else 0
            cells.append({"value": value, "target": target, "differs": value != target})
        rows.append({"label": label, "cells": cells, "has_target": target_key is not None})
    notes = [
        {
            "study_year": y,
            "sessions": per_year[y]["targets"]["tape_sessions"],
            "sessions_hours": per_year[y]["targets"]["tape_sessions_hours"],
            "hours": per_year[y]["targets"]["tape_hours"],
        }
        for y in (1, 2, 3)
        if per_year[y]["targets"]["tape_sessions_hours"] != per_year[y]["targets"]["tape_hours"]
    ]
    return rows, notes


def _editor_context(school_year: SchoolYear, option: Option | None, form: WeekRangeForm | None = None):
    """What the htmx partial needs: the form, the grid, the totals and the audit trail."""
    grid = selectors.year_grid(school_year, option)
    for row in grid:
        # The dates as the table shows them, formatted here: the date filter costs ~20 µs a
        # call, and the table has five per week.
        row["week_number"] = f"S{row['iso_week']:02d}"
        row["monday_text"] = row["monday"].strftime("%d/%m/%Y")
        row["friday_text"] = row["friday"].strftime("%d/%m/%Y")
        row["monday_iso"] = row["monday"].isoformat()
        row["cells"] = [
            {
                "week": week,
                "css": f"week-{week.kind}" if week.kind else "week-none",
                "short": SHORT_LABELS[week.kind] if week.kind else "",
            }
            for week in row["weeks"]
        ]
    totals, total_notes = _totals(school_year, option)
    return {
        "school_year": school_year,
        "option": option,
        "form": form or WeekRangeForm(school_year=school_year, option=option),
        "grid": grid,
        "has_overrides": any(w.overridden for row in grid for w in row["weeks"]),
        "totals": totals,
        "total_notes": total_notes,
        "history": list(
            CalendarEdit.objects.filter(school_year=school_year).select_related("made_by")[:HISTORY_LENGTH]
        ),
        "undo_url": reverse("planning:grid_undo", args=[school_year.start_year]),
    }


def _render_editor(request, school_year, option, form=None, status: str = "", page_status: int = 200):
    """The htmx partial (with its status message) or, without htmx, the whole page."""
    context = _editor_context(school_year, option, form)
    context["status"] = status
    if request.htmx:
        return render(request, "planning/_grid_table.html", context, status=page_status)
    years = list(SchoolYear.objects.order_by("start_year"))
    context.update(
        option_form=GridOptionForm(initial={"option": option}),
        legend=[(kind, label, SHORT_LABELS[kind]) for kind, label in WeekKind.choices],
        years=years,
        next_year=next((y for y in years if y.start_year == school_year.start_year + 1), None),
        links=[
            (label, url)
            for label, url in (
                (_("Import a table"), _url_or_none("planning:import", school_year.start_year)),
                (_("Export to XLSX"), _url_or_none("planning:export_xlsx", school_year.start_year)),
                (_("Export to PDF"), _url_or_none("planning:export_pdf", school_year.start_year)),
                (_("TAPE sessions"), _url_or_none("planning:tape_schedule", school_year.start_year)),
            )
            if url
        ],
    )
    return render(request, "planning/grid.html", context, status=page_status)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def grid_index(request):
    """The calendar of the school year in progress (else the latest one)."""
    school_year = SchoolYear.objects.current() or SchoolYear.objects.order_by("-start_year").first()
    if school_year is None:
        raise Http404(_("No school year exists yet."))
    return redirect("planning:grid", start_year=school_year.start_year)


@login_required
@permission_required(PERMISSION, raise_exception=True)
def grid(request, start_year: int):
    school_year = get_object_or_404(SchoolYear, start_year=start_year)
    return _render_editor(request, school_year, _option_from(request.GET))


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def grid_set(request, start_year: int):
    """Set the kind of a range of weeks: one change in the audit trail, undoable."""
    school_year = get_object_or_404(SchoolYear, start_year=start_year)
    option = _option_from(request.POST)
    form = WeekRangeForm(request.POST, school_year=school_year, option=option)
    status = ""
    if form.is_valid():
        try:
            edit = services.set_week_kinds(
                school_year=school_year,
                changes=form.changes(),
                option=option,
                actor=request.user,
                description=form.description(),
            )
        except services.CalendarError as error:
            form.add_error(None, str(error))
        else:
            status = (
                _("Saved: %(change)s.") % {"change": edit.description}
                if edit
                else _("Nothing changed: those weeks already were of that kind.")
            )
            if not request.htmx:
                (messages.success if edit else messages.info)(request, status)
                return redirect(_grid_url(school_year, option))
            keep = {k: form.data.get(k) for k in ("study_years", "first", "last", "kind")}
            form = WeekRangeForm(initial=keep, school_year=school_year, option=option)
    if form.errors:
        status = _("Nothing was saved: please correct the errors.")
    return _render_editor(request, school_year, option, form, status)


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def grid_undo(request, start_year: int):
    """Put back the weeks as they were before the latest change not yet undone."""
    school_year = get_object_or_404(SchoolYear, start_year=start_year)
    option = _option_from(request.POST)
    edit = services.undo_last_edit(school_year=school_year, actor=request.user)
    if edit:
        status = _("Undone: %(change)s.") % {"change": edit.description}
    else:
        status = _("There is no change to undo.")
    if request.htmx:
        return _render_editor(request, school_year, option, status=status)
    (messages.success if edit else messages.info)(request, status)
    return redirect(_grid_url(school_year, option))


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def grid_copy(request, start_year: int):
    """Start the next school year's calendar from this one (weeks already planned are kept)."""
    source = get_object_or_404(SchoolYear, start_year=start_year)
    target = SchoolYear.for_start_year(start_year + 1)
    edit = services.copy_school_year(source=source, target=target, actor=request.user)
    if edit:
        messages.success(
            request,
            _("The calendar of %(source)s was copied into %(target)s: check and adjust it.")
            % {"source": source.label, "target": target.label},
        )
    else:
        messages.info(
            request,
            _("Nothing to copy: %(target)s is already planned, or %(source)s has no weeks.")
            % {"source": source.label, "target": target.label},
        )
    return redirect("planning:grid", start_year=target.start_year)


urlpatterns = [
    path("calendrier/", grid_index, name="grid_index"),
    path("calendrier/<int:start_year>/", grid, name="grid"),
    path("calendrier/<int:start_year>/semaines/", grid_set, name="grid_set"),
    path("calendrier/<int:start_year>/annuler/", grid_undo, name="grid_undo"),
    path("calendrier/<int:start_year>/copier/", grid_copy, name="grid_copy"),
]
