"""Recruitment's import of admitted candidates, declared to the core's two-step import
(`apprentissage.imports`): the columns, the check of each line (the single-entry form) and
of the whole file (the same candidate twice), and the recording of the good lines."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apprentissage.imports import CheckResult, ImportSpec, Line, register
from apprentissage.models import Option
from apprentissage.tabular import validate_rows

from .forms import CANDIDATE_COLUMNS, CandidateForm
from .models import Candidate
from .services import AlreadyRecorded, record_candidate

IMPORT_CANDIDATES = "recruitment.import_candidates"


class _OptionByName(forms.ModelChoiceField):
    """The option field of `CandidateForm`, answered from the options loaded once per file."""

    def __init__(self, field: forms.ModelChoiceField, by_name: dict[str, Option]):
        super().__init__(queryset=field.queryset, label=field.label, to_field_name="name")
        self.by_name = by_name

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.by_name[str(value)]
        except KeyError:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


class FileLookups:
    """What every line of one file asks the database, asked once: the options by name and
    the candidates already recorded for the file's (e-mail, cohort) pairs."""

    def __init__(self, rows):
        self.options = {option.name: option for option in Option.objects.all()}
        emails = {raw.get("email", "").strip().lower() for _line, raw in rows} - {""}
        self.recorded = set(
            Candidate.objects.annotate(email=Lower("user__email"))
            .filter(email__in=emails)
            .values_list("email", "cohort__entry_year")
        )


class CandidateLineForm(CandidateForm):
    """`CandidateForm` for one line of a file, without a query per line."""

    def __init__(self, *args, lookups: FileLookups, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)  # no crispy layout: a line is never rendered
        self.lookups = lookups
        self.fields["option"] = _OptionByName(self.fields["option"], lookups.options)

    def is_recorded(self, email: str, entry_year: int) -> bool:
        return (email.lower(), entry_year) in self.lookups.recorded


def check_candidates(rows, params, progress) -> CheckResult:
    results = validate_rows(rows, CandidateLineForm, lookups=FileLookups(rows), progress=progress)
    lines = [Line.from_row_result(result) for result in results]
    seen: dict[tuple, int] = {}
    for line in lines:  # the same person twice in the file
        key = (line.raw.get("email", "").strip().lower(), line.raw.get("entry_year", "").strip())
        if key in seen:
            line.errors.append(_("Same candidate as line %(line)d.") % {"line": seen[key]})
        else:
            seen[key] = line.line
    return CheckResult(lines=lines)


def import_candidates(batch, lines, progress) -> dict:
    """Record each good line. Idempotent: a line already recorded (a retried job) no longer
    validates (same person, same cohort) and is skipped."""
    lookups = FileLookups([(line.line, line.raw) for line in lines])
    imported = 0
    for number, line in enumerate(lines, start=1):
        form = CandidateLineForm(data=line.raw, lookups=lookups)
        if form.is_valid():
            try:
                record_candidate(recorded_by=batch.created_by, **form.cleaned_data)  # one transaction
            except AlreadyRecorded:  # recorded meanwhile (the form, another import)
                pass
            else:
                imported += 1
        progress(number)
    message = ngettext("%(count)d candidate imported.", "%(count)d candidates imported.", imported) % {
        "count": imported
    }
    return {"imported": imported, "message": message}


register(
    ImportSpec(
        kind=IMPORT_CANDIDATES,
        permission="recruitment.manage",
        columns=CANDIDATE_COLUMNS,
        check=check_candidates,
        apply=import_candidates,
        template="recruitment/candidate_import.html",
        job_label=lambda batch: _("Import of admitted candidates"),
        next_url=lambda batch: reverse("recruitment:candidate_list"),
        upload_url=lambda params: reverse("recruitment:candidate_import"),
    )
)
