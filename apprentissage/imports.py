"""Two-step imports, one flow for every kind: upload → check → preview → confirm → apply.

An app declares what it imports as an `ImportSpec` and registers it (from its
`AppConfig.ready`)::

    register(ImportSpec(
        kind="recruitment.candidates",
        permission="recruitment.manage",
        columns=CANDIDATE_COLUMNS,            # apprentissage.tabular.Column
        check=check_candidates,               # (rows, params, progress) -> CheckResult
        apply=apply_candidates,               # (batch, good lines, progress) -> {"message": ...}
        template="recruitment/candidate_import.html",  # extends apprentissage/imports/page.html
        job_label=lambda batch: _("Import of admitted candidates"),
        next_url=lambda batch: reverse("recruitment:candidate_list"),
        upload_url=lambda params: reverse("recruitment:candidate_import"),
    ))

and its upload URL calls `upload_view(request, kind)`. The core does the rest:

- the file is read (`tabular.read_table`) and kept as an `ImportBatch` row (server-side,
  never in the session), owned by its uploader: anyone else gets 404;
- a small file (≤ `INLINE_CHECK_MAX_LINES` lines) is checked in the request; a larger one by
  a background job (`apprentissage.check_import`) whose page leads to the preview;
- the preview page (`import_preview`) lists each bad line with its reason, the errors about
  the whole file, and the count of good lines;
- confirming (`import_confirm`, POST) starts the applying job (`apprentissage.apply_import`)
  once: a second confirmation answers "already done". With errors, only the good lines are
  imported, and only when asked ("only the good lines"); errors about the whole file block.
- whatever the kind, a cell that could only be a spreadsheet formula (`=…`, `@…`, `+cmd|…`;
  not a signed number or phone number) makes its line bad (`formula_errors`): such a text
  would run when the data is exported and opened in a spreadsheet.

`spec.apply` must be idempotent (a retried job must not import twice): the core skips a batch
already applied, and the spec skips lines already imported (e.g. by validating them again).
"""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apprentissage.jobs import job_handler, on_job_failed, start_job
from apprentissage.models import ImportBatch
from apprentissage.tabular import Column, RowResult, looks_like_formula

INLINE_CHECK_MAX_LINES = 200
KEEP_DAYS = 30  # a file's lines hold personal data: batches older than this are deleted
CHECK_JOB = "apprentissage.check_import"
APPLY_JOB = "apprentissage.apply_import"


@dataclass
class Line:
    """One line of a file as the preview shows it (`data`: what the spec keeps for display
    or for applying, JSON-serialisable)."""

    line: int
    raw: dict[str, str]
    errors: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict:
        return {"line": self.line, "raw": self.raw, "errors": self.errors, "data": self.data}

    @classmethod
    def from_json(cls, value: dict) -> "Line":
        return cls(line=value["line"], raw=value["raw"], errors=value["errors"], data=value.get("data", {}))

    @classmethod
    def from_row_result(cls, result: RowResult) -> "Line":
        return cls(line=result.line, raw=result.raw, errors=list(result.errors))


@dataclass
class CheckResult:
    lines: list[Line]
    file_errors: list[str] = field(default_factory=list)  # about the whole file (gaps, no data)
    summary: dict = field(default_factory=dict)  # what the spec needs later (JSON-serialisable)


Progress = Callable[..., None]


def _no_progress(done: int, total: int | None = None) -> None:
    pass


@dataclass(frozen=True)
class ImportSpec:
    kind: str
    permission: str  # a rules permission (no object) the uploader needs at every step
    columns: Sequence[Column]
    check: Callable[[list[tuple[int, dict]], dict, Progress], CheckResult]
    apply: Callable[[ImportBatch, list[Line], Progress], dict]
    template: str  # the page: extends "apprentissage/imports/page.html"
    job_label: Callable[[ImportBatch], str]
    next_url: Callable[[ImportBatch], str]  # where the applying job's page leads
    upload_url: Callable[[dict], str]  # the upload page for these parameters
    allow_only_valid_rows: bool = True  # may the good lines be imported despite bad ones?
    context: Callable[[dict], dict] = lambda params: {}  # extra page context from the parameters
    # The file's columns when they depend on the parameters (a module's assessments); `columns`
    # otherwise.
    columns_for: Callable[[dict], Sequence[Column]] | None = None

    def columns_of(self, params: dict) -> Sequence[Column]:
        return self.columns_for(params) if self.columns_for else self.columns


_specs: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> ImportSpec:
    _specs[spec.kind] = spec
    return spec


def get_spec(kind: str) -> ImportSpec:
    return _specs[kind]


def lines_of(batch: ImportBatch) -> list[Line]:
    return [Line.from_json(row) for row in batch.rows]


def create_batch(
    *,
    spec: ImportSpec,
    created_by,
    file_name: str,
    rows: list[tuple[int, dict]],
    params: dict,
    only_valid_rows=False,
) -> ImportBatch:
    """Keep the file's rows and check them: in this request when the file is small, else in
    a background job (`batch.check_job`). Batches older than `KEEP_DAYS` are deleted."""
    ImportBatch.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=KEEP_DAYS)).delete()
    batch = ImportBatch.objects.create(
        kind=spec.kind,
        created_by=created_by,
        file_name=file_name[:255],
        params=params,
        only_valid_rows=only_valid_rows and spec.allow_only_valid_rows,
        rows=[{"line": line, "raw": raw, "errors": [], "data": {}} for line, raw in rows],
        line_count=len(rows),
        status=ImportBatch.Status.CHECKING,
    )
    if len(rows) <= INLINE_CHECK_MAX_LINES:
        check_batch(batch)
    else:
        batch.check_job = start_job(
            kind=CHECK_JOB,
            label=_("Check of %(file)s") % {"file": batch.file_name},
            created_by=created_by,
            payload={"batch": batch.pk},
            total=len(rows),
            next_url=reverse("import_preview", args=[batch.pk]),
        )
        batch.save(update_fields=["check_job"])
    return batch


def formula_errors(raw: dict[str, str], columns: Sequence[Column]) -> list[str]:
    """One error per cell of `raw` that could only be a formula (refused, not altered: the
    sender corrects the source file)."""
    headers = {column.key: column.header for column in columns}
    return [
        _(
            "Column “%(column)s”: “%(text)s” starts like a spreadsheet formula (=, +, -, @): "
            "such a text is refused."
        )
        % {"column": headers.get(key, key), "text": value[:40]}
        for key, value in raw.items()
        if looks_like_formula(value)
    ]


def check_batch(batch: ImportBatch, progress: Progress = _no_progress) -> None:
    spec = get_spec(batch.kind)
    rows = [(row["line"], row["raw"]) for row in batch.rows]
    result = spec.check(rows, batch.params, progress)
    columns = spec.columns_of(batch.params)
    for line in result.lines:
        line.errors.extend(formula_errors(line.raw, columns))
    batch.rows = [line.to_json() for line in result.lines]
    batch.file_errors = result.file_errors
    batch.summary = result.summary
    batch.line_count = len(result.lines)
    batch.valid_count = sum(line.ok for line in result.lines)
    batch.error_count = len(result.lines) - batch.valid_count
    ok = not batch.error_count and not batch.file_errors
    batch.status = ImportBatch.Status.READY if ok else ImportBatch.Status.HAS_ERRORS
    batch.save(
        update_fields=["rows", "file_errors", "summary", "line_count", "valid_count", "error_count", "status"]
    )


class ConfirmRefused(Exception):
    """The batch cannot be imported (errors, nothing to import); the message says why."""


def confirm_batch(*, batch_id: int, user, only_valid_rows: bool = False) -> tuple[ImportBatch, bool]:
    """Start the applying job of `user`'s batch, once. Returns (batch, started): `started`
    is False when it was already confirmed (a double submit). Raises `ImportBatch.DoesNotExist`
    for someone else's batch and `ConfirmRefused` when it cannot be imported."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().get(pk=batch_id, created_by=user)
        if batch.status in (ImportBatch.Status.CONFIRMED, ImportBatch.Status.APPLIED):
            return batch, False
        spec = get_spec(batch.kind)
        if only_valid_rows and spec.allow_only_valid_rows and not batch.only_valid_rows:
            batch.only_valid_rows = True
        if batch.status == ImportBatch.Status.CHECKING:
            raise ConfirmRefused(_("The file is still being checked."))
        if not batch.can_confirm:
            if not batch.valid_count or batch.file_errors or not spec.allow_only_valid_rows:
                raise ConfirmRefused(_("The file has errors: correct them and send it again."))
            raise ConfirmRefused(_("The file has errors: correct them, or tick “import the correct lines”."))
        batch.status = ImportBatch.Status.CONFIRMED
        batch.apply_job = start_job(
            kind=APPLY_JOB,
            label=spec.job_label(batch),
            created_by=user,
            payload={"batch": batch.pk},
            total=batch.valid_count,
            next_url=spec.next_url(batch),
        )
        batch.save(update_fields=["status", "only_valid_rows", "apply_job"])
    return batch, True


@on_job_failed(CHECK_JOB)
@on_job_failed(APPLY_JOB)
def batch_failed(job_id: int) -> None:
    """The batch's job failed (it raised, or the sweep gave it up): the batch is failed, not
    "being checked" or "being imported" forever."""
    ImportBatch.objects.filter(Q(check_job_id=job_id) | Q(apply_job_id=job_id)).exclude(
        status=ImportBatch.Status.APPLIED
    ).update(status=ImportBatch.Status.FAILED)


@job_handler(CHECK_JOB)
def run_check(job, progress) -> dict:
    batch = ImportBatch.objects.filter(pk=job.payload["batch"], status=ImportBatch.Status.CHECKING).first()
    if batch is None:  # gone, or already checked (a retried task)
        return {}
    check_batch(batch, progress)
    message = _("The file is checked: see each line's result before importing it.")
    return {"batch": batch.pk, "message": message}


@job_handler(APPLY_JOB)
def run_apply(job, progress) -> dict:
    """Apply the good lines of a confirmed batch. A batch already applied is left alone."""
    batch = ImportBatch.objects.filter(pk=job.payload["batch"]).first()
    if batch is None or batch.status != ImportBatch.Status.CONFIRMED:
        return {"message": _("This import was already done.")} if batch else {}
    spec = get_spec(batch.kind)
    good = [line for line in lines_of(batch) if line.ok]
    result = spec.apply(batch, good, progress)  # raising: the batch is failed (`batch_failed`)
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.APPLIED)
    return result
