"""The calendar in the school's own table format (Semaine, du, au, 1re année, 2e année,
3e année): reading an import line by line with every error named by its line and week,
and the rows of the XLSX/PDF exports and of the blank template.

Choices: a study year's column may be absent or entirely empty (that study year is not
imported); once a column has a kind somewhere, every week of it needs one ("kind missing").
Weeks 38 and 39 come twice in a school year: the `du` date tells which one a line is.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apprentissage.imports import CheckResult, ImportSpec, Line, register
from apprentissage.models import Option, SchoolYear
from apprentissage.tabular import Column, read_table

from .enums import WeekKind
from .selectors import year_grid
from .services import set_week_kinds
from .weeks import friday_of, school_year_mondays

STUDY_YEARS = (1, 2, 3)
COLUMNS = [
    Column("week", "Semaine", example="38"),
    Column("monday", "du", example="15/09/2025"),
    Column("friday", "au", example="19/09/2025"),
    Column("year_1", "1re année", required=False, example="Rentrée pédagogique", aliases=("1ère année",)),
    Column("year_2", "2e année", required=False, example="École"),
    Column("year_3", "3e année", required=False, example="Entreprise"),
]
HEADERS = [column.header for column in COLUMNS]
YEAR_KEYS = {1: "year_1", 2: "year_2", 3: "year_3"}

# How people write the kinds in the school's tables, beside the labels and stored values.
_VARIANTS = {
    WeekKind.COMPANY: ["Entreprise", "Company", "Alternance entreprise"],
    WeekKind.SCHOOL: ["École", "Ecole", "School", "Cours"],
    WeekKind.RENTREE: ["Rentrée pédagogique", "Rentrée"],
    WeekKind.PROPEDEUTIC: ["Semaine propédeutique", "Propédeutique"],
    WeekKind.DEFENCES: [
        "Soutenances",
        "Soutenances fin d'études",
        "Soutenances de fin d'études",
        "Soutenance de fin d'études",
    ],
    WeekKind.CLOSURE: ["Fermeture", "Congés", "Vacances", "Fermeture / congés", "Closure", "Holidays"],
}


def _key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text or "").strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c.isalnum())


def _aliases() -> dict[str, str]:
    aliases = {}
    for kind, variants in _VARIANTS.items():
        for text in [kind.value, *variants]:
            aliases[_key(text)] = kind.value
    for code, _name in settings.LANGUAGES:  # the labels as exported, in every language
        with translation.override(code):
            for kind in WeekKind:
                aliases[_key(str(kind.label))] = kind.value
    return aliases


def parse_kind(text: str) -> str | None:
    """The WeekKind value a cell means, None if it means none."""
    return _aliases().get(_key(text))


def parse_date(text: str) -> datetime.date | None:
    """dd/mm/yy, dd/mm/yyyy, yyyy-mm-dd or an Excel serial day number."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{5}", text):  # an Excel date cell without its date format
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(text))
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass
class ImportLine:
    line: int
    raw: dict[str, str]
    week: int | None = None
    monday: datetime.date | None = None
    claimed: datetime.date | None = None  # the week the line is meant for, even with wrong dates
    kinds: dict[int, str | None] = field(default_factory=dict)
    changed: set[int] = field(default_factory=set)  # study years whose kind differs from today's
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def friday(self) -> datetime.date | None:
        return friday_of(self.monday) if self.monday else None

    @property
    def cells(self) -> list[dict]:
        """One cell per study year, for the preview table."""
        return [
            {
                "kind": self.kinds.get(year),
                "label": WeekKind(self.kinds[year]).label if self.kinds.get(year) else "",
                "raw": self.raw.get(YEAR_KEYS[year], ""),
                "changed": year in self.changed,
            }
            for year in STUDY_YEARS
        ]


@dataclass
class ImportPreview:
    school_year: SchoolYear
    lines: list[ImportLine]
    study_years: list[int]  # the study years the file plans
    errors: list[str] = field(default_factory=list)  # about the whole file (gaps, no kinds)

    @property
    def ok(self) -> bool:
        return not self.errors and all(line.ok for line in self.lines)

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(len(line.errors) for line in self.lines)

    @property
    def changes(self) -> list[tuple[int, datetime.date, str]]:
        """(study year, Monday, kind) for every planned cell: what `set_week_kinds` receives."""
        return [
            (year, line.monday, line.kinds[year])
            for line in self.lines
            for year in self.study_years
            if line.monday and line.kinds.get(year)
        ]

    @property
    def changed_count(self) -> int:
        return sum(len(line.changed) for line in self.lines)


def read_calendar(uploaded, school_year: SchoolYear) -> ImportPreview:
    """Check a file against the school year; raises `TableError` when it is not a table."""
    return check_calendar(read_table(uploaded, COLUMNS), school_year)


def check_calendar(rows: list[tuple[int, dict[str, str]]], school_year: SchoolYear) -> ImportPreview:
    """Check the rows of a table (`read_table`) against the school year."""
    mondays = school_year_mondays(school_year.start_year)
    valid_mondays = set(mondays)
    study_years = [y for y in STUDY_YEARS if any(raw.get(YEAR_KEYS[y], "").strip() for _line, raw in rows)]
    aliases = _aliases()
    current = {row["monday"]: [w.kind for w in row["weeks"]] for row in year_grid(school_year)}
    seen: dict[datetime.date, int] = {}
    lines = []
    for number, raw in rows:
        line = ImportLine(line=number, raw=raw)
        lines.append(line)
        _check_dates(line, raw, school_year, mondays, valid_mondays)
        if line.monday is not None:
            if line.monday in seen:
                line.errors.append(
                    _("Week %(week)d (%(monday)s) is already on line %(line)d.")
                    % {"week": line.week, "monday": _fmt(line.monday), "line": seen[line.monday]}
                )
            else:
                seen[line.monday] = number
        label = _("week %(week)s") % {"week": line.week if line.week else raw.get("week", "?")}
        for year in study_years:
            column = COLUMNS[2 + year].header
            text = raw.get(YEAR_KEYS[year], "").strip()
            if not text:
                line.errors.append(
                    _("%(week)s, %(column)s: kind missing.") % {"week": label.capitalize(), "column": column}
                )
                continue
            kind = aliases.get(_key(text))
            if kind is None:
                line.errors.append(
                    _("%(week)s, %(column)s: “%(text)s” is not a kind of week (expected one of: %(kinds)s).")
                    % {
                        "week": label.capitalize(),
                        "column": column,
                        "text": text,
                        "kinds": ", ".join(str(k.label) for k in WeekKind),
                    }
                )
                continue
            line.kinds[year] = kind
            if line.monday in current and current[line.monday][year - 1] != kind:
                line.changed.add(year)
    preview = ImportPreview(school_year=school_year, lines=lines, study_years=study_years)
    if not study_years:
        preview.errors.append(_("No week has a kind: fill at least one study year's column."))
    # A gap is a week no line is for: a line with wrong dates still counts for its week number.
    covered = set(seen) | {line.claimed for line in lines}
    missing = [m for m in mondays if m not in covered]
    if missing and rows:
        preview.errors.append(
            _("Weeks missing from school year %(label)s: %(weeks)s.")
            % {
                "label": school_year.label,
                "weeks": ", ".join(f"{m.isocalendar()[1]} ({_fmt(m)})" for m in missing),
            }
        )
    return preview


def _check_dates(line: ImportLine, raw, school_year, mondays, valid_mondays) -> None:
    """Set the line's week and Monday, or say what is wrong with them."""
    text = raw.get("week", "").strip()
    match = re.fullmatch(r"[sS]?\s*(\d{1,2})", text)
    if not match or not 1 <= int(match.group(1)) <= 53:
        line.errors.append(_("“%(text)s” is not an ISO week number (1 to 53).") % {"text": text})
        return
    line.week = week = int(match.group(1))
    candidates = [m for m in mondays if m.isocalendar()[1] == week]
    if len(candidates) == 1:
        line.claimed = candidates[0]
    monday = parse_date(raw.get("monday", ""))
    if monday is None:
        line.errors.append(
            _("Week %(week)d: “%(text)s” in column “du” is not a date (dd/mm/yyyy).")
            % {"week": week, "text": raw.get("monday", "")}
        )
        return
    if monday.weekday() != 0 or monday.isocalendar()[1] != week:
        expected = [m for m in candidates if abs((m - monday).days) < 7] or candidates
        line.claimed = expected[0] if len(expected) == 1 else line.claimed
        line.errors.append(
            _("Week %(week)d: %(day)s is not the Monday of ISO week %(week)d%(expected)s.")
            % {
                "week": week,
                "day": _fmt(monday),
                "expected": f" ({_fmt(expected[0])})" if expected else "",
            }
        )
        return
    if monday not in valid_mondays:
        line.errors.append(
            _("Week %(week)d of %(year)d is not in school year %(label)s.")
            % {"week": week, "year": monday.isocalendar()[0], "label": school_year.label}
        )
        return
    line.monday = monday
    friday = parse_date(raw.get("friday", ""))
    if friday != friday_of(monday):
        line.errors.append(
            _("Week %(week)d: “%(text)s” in column “au” is not the Friday of the week (%(friday)s).")
            % {"week": week, "text": raw.get("friday", ""), "friday": _fmt(friday_of(monday))}
        )


def export_rows(school_year: SchoolYear, option: Option | None = None) -> list[list]:
    """The school's table for a school year (an option's effective calendar if given); the
    dates are real dates (date cells of the export)."""
    return [
        [row["iso_week"], row["monday"], row["friday"], *(str(w.label) for w in row["weeks"])]
        for row in year_grid(school_year, option)
    ]


def template_rows(start_year: int) -> list[list]:
    """The weeks of a school year with their dates, the kinds left to fill."""
    return [[m.isocalendar()[1], m, friday_of(m), "", "", ""] for m in school_year_mondays(start_year)]


# The import as a kind of the core's two-step import (`apprentissage.imports`): all or nothing,
# applied as one undoable change of the grid.

IMPORT_CALENDAR = "planning.import_calendar"


def _check_import(rows, params, progress) -> CheckResult:
    preview = check_calendar(rows, SchoolYear.objects.get(pk=params["school_year"]))
    progress(len(rows))
    lines = [
        Line(
            line=line.line,
            raw=line.raw,
            errors=line.errors,
            data={
                "week": line.week,
                "monday": _fmt(line.monday) if line.monday else None,
                "friday": _fmt(line.friday) if line.monday else None,
                "cells": [{**cell, "label": str(cell["label"])} for cell in line.cells],
            },
        )
        for line in preview.lines
    ]
    return CheckResult(
        lines=lines,
        file_errors=preview.errors,
        summary={
            "changes": [[year, monday.isoformat(), kind] for year, monday, kind in preview.changes],
            "changed_count": preview.changed_count,
            "study_years": preview.study_years,
            "error_count": preview.error_count,
        },
    )


def _apply_import(batch, lines, progress) -> dict:
    """Apply a checked import as one undoable change. Idempotent: a retried job (or the same
    file imported again) finds the weeks already set and changes nothing."""
    school_year = SchoolYear.objects.get(pk=batch.params["school_year"])
    changes = [
        (year, datetime.date.fromisoformat(monday), kind) for year, monday, kind in batch.summary["changes"]
    ]
    edit = set_week_kinds(
        school_year=school_year,
        changes=changes,
        actor=batch.created_by,
        description=_("Import of %(file)s") % {"file": batch.file_name},
    )
    progress(len(lines))
    if edit is None:
        return {"changed": 0, "message": _("Nothing changed: the calendar already matched the file.")}
    new = {(year, monday.isoformat()): kind for year, monday, kind in changes}
    changed = sum(p["kind"] != new[(p["study_year"], p["monday"])] for p in edit.previous)
    message = ngettext(
        "%(count)d week changed (the change can be undone from the grid).",
        "%(count)d weeks changed (the change can be undone from the grid).",
        changed,
    ) % {"count": changed}
    return {"changed": changed, "edit": edit.pk, "message": message}


def _school_year_of(params) -> SchoolYear:
    return get_object_or_404(SchoolYear, pk=params["school_year"])


def _import_context(params) -> dict:
    return {"school_year": _school_year_of(params), "study_year_headers": HEADERS[3:]}


register(
    ImportSpec(
        kind=IMPORT_CALENDAR,
        permission="planning.manage_calendars",
        columns=COLUMNS,
        check=_check_import,
        apply=_apply_import,
        template="planning/import.html",
        job_label=lambda batch: (
            _("Import of the %(year)s calendar") % {"year": _school_year_of(batch.params).label}
        ),
        next_url=lambda batch: reverse("planning:grid", args=[_school_year_of(batch.params).start_year]),
        upload_url=lambda params: reverse("planning:import", args=[_school_year_of(params).start_year]),
        allow_only_valid_rows=False,
        context=_import_context,
    )
)
