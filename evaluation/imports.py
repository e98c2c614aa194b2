"""The programme's modules as a table (XLSX): exported, edited in a spreadsheet, imported back
through the core's two-step import (`apprentissage.imports`: upload, preview with each bad
line's reason, confirmation). Registered from `EvaluationConfig.ready`.

One line per module, the columns of the export (French headers, the school's own words):
Année (1, 2, 3 or 1A…), UE (its code in that study year), Module (code), Intitulé, Semestre
(S1–S6 or 1–6, in the study year), Coefficient, Heures, Option (its code or name, for the
Option UE's modules only), Enseignants (e-mails separated by “;”).

Choices:
- A line updates the programme's module of the same code (whatever its UE: it moves) or
  creates it (with the seed's two assessments, as a module of the seed). A module absent from
  the file is left as it is: the import never removes anything.
- Coefficient and Heures left empty keep the module's (1 and 30 for a new one).
- Enseignants sets the module's teachers exactly (an empty cell: none). A file without the
  column leaves every module's teachers as they are.
- Assessments and UEs are not in the file: they are edited on the programme page (a module's
  assessments carry its grades; a UE its ECTS).
- The check refuses what the programme page refuses: an unknown UE or option, a semester of
  another study year, a code twice in the file, an option module outside the Option UE (and
  the reverse), a teacher who is not a school tutor or module teacher, and — as every import
  — a text that would run as a spreadsheet formula.
"""

import re
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from apprentissage.imports import CheckResult, ImportSpec, Line, register
from apprentissage.models import Option, User
from apprentissage.tabular import Column

from .models import Grade, Module, Programme
from .programmes import OPTION_UNIT, add_default_assessments, semesters_of, teacher_candidates

IMPORT_PROGRAMME = "evaluation.import_programme"

COLUMNS = [
    Column("study_year", "Année", example="2", aliases=("Année d'études", "Study year")),
    Column("unit", "UE", example="TI", aliases=("Code UE", "Teaching unit")),
    Column("code", "Module", example="TI2-01", aliases=("Code module", "Code")),
    Column("title", "Intitulé", example="Automatique et régulation", aliases=("Titre", "Title")),
    Column("semester", "Semestre", example="S3", aliases=("Semester",)),
    Column("coefficient", "Coefficient", required=False, example="1"),
    Column("hours", "Heures", required=False, example="30", aliases=("Volume horaire", "Hours")),
    Column("option", "Option", required=False, example=""),
    Column(
        "teachers",
        "Enseignants",
        required=False,
        example="enseignant@example.com",
        aliases=("E-mails des enseignants", "Teachers"),
    ),
]
MAX_COEFFICIENT = Decimal("99.99")
MAX_HOURS = 600
_SPLIT = re.compile(r"[;,\s]+")


def export_headers() -> list[str]:
    return [column.header for column in COLUMNS]


def export_rows(programme: Programme) -> list[list]:
    """One line per module, in the order of the programme page (three queries)."""
    modules = (
        Module.objects.filter(unit__programme=programme)
        .select_related("unit", "option")
        .prefetch_related("teachers")
        .order_by("unit__study_year", "unit__position", "unit__code", "option__name", "semester", "code")
    )
    return [
        [
            module.unit.study_year,
            module.unit.code,
            module.code,
            module.title,
            f"S{module.semester}",
            module.coefficient,
            module.hours,
            module.option.code if module.option else "",
            "; ".join(sorted(teacher.email for teacher in module.teachers.all())),
        ]
        for module in modules
    ]


def _key(text: str) -> str:
    return (text or "").strip().casefold()


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip().replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _study_year(text: str) -> int | None:
    match = re.fullmatch(r"\s*([123])\s*(a|re|ère|ere|e|ème|eme)?(\s*année)?\s*", text or "", re.IGNORECASE)
    return int(match.group(1)) if match else None


def _semester(text: str) -> int | None:
    match = re.fullmatch(r"\s*s?\s*([1-6])\s*", text or "", re.IGNORECASE)
    return int(match.group(1)) if match else None


class _Checker:
    """What a line is checked against: the programme as it is (a few queries, once)."""

    def __init__(self, programme: Programme, rows):
        self.programme = programme
        self.units = {}
        self.company_units = set()
        for unit in programme.units.all():
            if unit.is_company_unit:
                self.company_units.add((unit.study_year, _key(unit.code)))
            else:
                self.units[(unit.study_year, _key(unit.code))] = unit
        self.modules = {
            _key(m.code): m
            for m in Module.objects.filter(unit__programme=programme)
            .select_related("unit", "option")
            .prefetch_related("teachers")
        }
        self.graded = set(
            Grade.objects.filter(assessment__module__unit__programme=programme).values_list(
                "assessment__module_id", flat=True
            )
        )
        self.options = {}
        for option in Option.objects.all():
            self.options[_key(option.code)] = option
            self.options[_key(option.name)] = option
        self.candidates = {_key(user.email): user for user in teacher_candidates(programme)}
        mentioned = {_key(e) for _line, raw in rows for e in _SPLIT.split(raw.get("teachers", "")) if e}
        unknown = [e for e in mentioned if e not in self.candidates]
        self.people = set(
            User.objects.annotate(key=Lower("email")).filter(key__in=unknown).values_list("key", flat=True)
            if unknown
            else []
        )
        self.seen: dict[str, int] = {}

    def units_of(self, study_year: int) -> str:
        return ", ".join(
            unit.code for (year, _code), unit in sorted(self.units.items()) if year == study_year
        )

    def check(self, number: int, raw: dict[str, str]) -> Line:
        line = Line(line=number, raw=raw)
        errors = line.errors
        study_year = _study_year(raw.get("study_year", ""))
        if study_year is None:
            errors.append(
                _("Année: “%(text)s” is not a study year (1, 2 or 3).") % {"text": raw.get("study_year", "")}
            )
        unit = None
        unit_code = raw.get("unit", "").strip()
        if study_year is not None:
            unit = self.units.get((study_year, _key(unit_code)))
            if unit is None and (study_year, _key(unit_code)) in self.company_units:
                errors.append(
                    _("UE: %(code)s is the Unité Entreprise of %(year)dA: it has components, not modules.")
                    % {"code": unit_code, "year": study_year}
                )
            elif unit is None:
                errors.append(
                    _("UE: unknown UE “%(code)s” in %(year)dA (its UEs: %(units)s).")
                    % {"code": unit_code, "year": study_year, "units": self.units_of(study_year) or "—"}
                )
        code = raw.get("code", "").strip()
        if not code:
            errors.append(_("Module: the module's code is missing."))
        elif len(code) > 20:
            errors.append(_("Module: “%(code)s” is too long (20 characters at most).") % {"code": code})
        elif _key(code) in self.seen:
            errors.append(
                _(
                    "Module: the code %(code)s is already on line %(line)d (a code is unique in the "
                    "programme)."
                )
                % {"code": code, "line": self.seen[_key(code)]}
            )
        else:
            self.seen[_key(code)] = number
        title = raw.get("title", "").strip()
        if not title:
            errors.append(_("Intitulé: the module's title is missing."))
        elif len(title) > 200:
            errors.append(_("Intitulé: too long (200 characters at most)."))
        semester = _semester(raw.get("semester", ""))
        if semester is None:
            errors.append(
                _("Semestre: “%(text)s” is not a semester (S1 to S6).") % {"text": raw.get("semester", "")}
            )
        elif study_year is not None and semester not in semesters_of(study_year):
            first, second = semesters_of(study_year)
            errors.append(
                _("Semestre: S%(semester)d is not a semester of %(year)dA (S%(first)d or S%(second)d).")
                % {"semester": semester, "year": study_year, "first": first, "second": second}
            )
        coefficient = None
        if raw.get("coefficient", "").strip():
            coefficient = _decimal(raw["coefficient"])
            if (
                coefficient is None
                or not Decimal(0) < coefficient <= MAX_COEFFICIENT
                or coefficient != round(coefficient, 2)
            ):
                errors.append(
                    _("Coefficient: “%(text)s” is not a coefficient greater than 0 (up to 99.99).")
                    % {"text": raw["coefficient"]}
                )
                coefficient = None
        hours = None
        if raw.get("hours", "").strip():
            value = _decimal(raw["hours"])
            if value is None or value != int(value) or not 0 < value <= MAX_HOURS:
                errors.append(
                    _("Heures: “%(text)s” is not a number of hours (1 to %(max)d).")
                    % {"text": raw["hours"], "max": MAX_HOURS}
                )
            else:
                hours = int(value)
        option = None
        option_text = raw.get("option", "").strip()
        if option_text:
            option = self.options.get(_key(option_text))
            if option is None:
                errors.append(
                    _("Option: unknown option “%(text)s” (the options: %(options)s).")
                    % {
                        "text": option_text,
                        "options": ", ".join(sorted({o.code for o in self.options.values()})),
                    }
                )
        if unit is not None and (option_text == "" or option is not None):
            if unit.code.upper() == OPTION_UNIT and option is None:
                errors.append(_("Option: a module of the Option UE belongs to an option: give its code."))
            elif unit.code.upper() != OPTION_UNIT and option is not None:
                errors.append(
                    _(
                        "Option: only the Option UE's modules belong to an option (this line's UE is "
                        "%(code)s)."
                    )
                    % {"code": unit.code}
                )
        teachers = None
        if "teachers" in raw:
            teachers = []
            for email in [e for e in _SPLIT.split(raw["teachers"]) if e]:
                user = self.candidates.get(_key(email))
                if user is not None:
                    teachers.append(user.pk)
                elif _key(email) in self.people:
                    errors.append(
                        _(
                            "Enseignants: %(email)s is neither a school tutor nor a module teacher: give "
                            "them the module teacher role first."
                        )
                        % {"email": email}
                    )
                else:
                    errors.append(
                        _("Enseignants: unknown teacher e-mail %(email)s (invite them first).")
                        % {"email": email}
                    )
        existing = self.modules.get(_key(code)) if code else None
        if existing and unit and existing.pk in self.graded and existing.unit.study_year != unit.study_year:
            errors.append(
                _("Année: the module %(code)s has grades in %(year)dA: it stays in that study year.")
                % {"code": existing.code, "year": existing.unit.study_year}
            )
        if line.ok:
            line.data = {
                "unit": unit.pk,
                "unit_code": unit.code,
                "study_year": study_year,
                "code": code,
                "title": title,
                "semester": semester,
                "coefficient": str(coefficient) if coefficient is not None else None,
                "hours": hours,
                "option": option.pk if option else None,
                "option_code": option.code if option else "",
                "teachers": sorted(set(teachers)) if teachers is not None else None,
                "action": self._action(existing, unit, title, semester, coefficient, hours, option, teachers),
            }
        return line

    @staticmethod
    def _action(existing, unit, title, semester, coefficient, hours, option, teachers) -> str:
        if existing is None:
            return "create"
        same = (
            existing.unit_id == unit.pk
            and existing.title == title
            and existing.semester == semester
            and (coefficient is None or existing.coefficient == coefficient)
            and (hours is None or existing.hours == hours)
            and existing.option_id == (option.pk if option else None)
            and (teachers is None or {t.pk for t in existing.teachers.all()} == set(teachers))
        )
        return "unchanged" if same else "update"


def check_programme_rows(rows, params, progress) -> CheckResult:
    programme = Programme.objects.get(pk=params["programme"])
    checker = _Checker(programme, rows)
    lines = []
    for count, (number, raw) in enumerate(rows, start=1):
        lines.append(checker.check(number, raw))
        if count % 50 == 0:
            progress(count, len(rows))
    progress(len(rows), len(rows))
    file_errors = [] if rows else [_("The file has no module.")]
    actions = [line.data.get("action") for line in lines if line.ok]
    return CheckResult(
        lines=lines,
        file_errors=file_errors,
        summary={
            "created": actions.count("create"),
            "updated": actions.count("update"),
            "unchanged": actions.count("unchanged"),
        },
    )


def apply_programme_rows(batch, lines: list[Line], progress) -> dict:
    """Update or create each good line's module, in one transaction. Idempotent: applied
    again, the same lines find their modules as the first run left them."""
    programme = Programme.objects.get(pk=batch.params["programme"])
    units = {unit.pk: unit for unit in programme.units.filter(is_company_unit=False)}
    modules = {_key(m.code): m for m in Module.objects.filter(unit__programme=programme)}
    created = updated = 0
    with transaction.atomic():
        for count, line in enumerate(lines, start=1):
            data = line.data
            unit = units.get(data.get("unit"))
            if unit is None:  # its UE is gone since the check
                continue
            module = modules.get(_key(data["code"]))
            is_new = module is None
            if is_new:
                module = Module(unit=unit, code=data["code"])
            module.unit = unit
            module.title = data["title"]
            module.semester = data["semester"]
            if data["coefficient"] is not None:
                module.coefficient = Decimal(data["coefficient"])
            if data["hours"] is not None:
                module.hours = data["hours"]
            module.option_id = data["option"]
            module._history_user = batch.created_by
            module.save()
            modules[_key(module.code)] = module
            if data["teachers"] is not None:
                module.teachers.set(data["teachers"])
            if is_new:
                add_default_assessments(module)
                created += 1
            elif data.get("action") != "unchanged":
                updated += 1
            if count % 50 == 0:
                progress(count)
    progress(len(lines))
    message = _("Modules created: %(created)d; updated: %(updated)d. No module was removed.") % {
        "created": created,
        "updated": updated,
    }
    return {"created": created, "updated": updated, "message": message}


def _programme_of(params) -> Programme:
    return get_object_or_404(Programme.objects.select_related("school_year"), pk=params["programme"])


def _page(programme: Programme) -> str:
    return f"{reverse('evaluation:programme')}?annee={programme.school_year.start_year}"


register(
    ImportSpec(
        kind=IMPORT_PROGRAMME,
        permission="evaluation.manage_programme",
        columns=COLUMNS,
        check=check_programme_rows,
        apply=apply_programme_rows,
        template="evaluation/programme/import.html",
        job_label=lambda batch: (
            _("Import of the programme of %(year)s") % {"year": _programme_of(batch.params).school_year}
        ),
        next_url=lambda batch: _page(_programme_of(batch.params)),
        upload_url=lambda params: reverse(
            "evaluation:programme_import", args=[_programme_of(params).school_year.start_year]
        ),
        context=lambda params: {"programme": _programme_of(params), "columns": COLUMNS},
    )
)
