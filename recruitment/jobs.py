"""Recruitment's background jobs (see apprentissage.jobs)."""

from django.db import transaction
from django.utils.translation import ngettext

from apprentissage.jobs import job_handler

from .forms import CandidateForm
from .services import record_candidate

IMPORT_CANDIDATES = "recruitment.import_candidates"


@job_handler(IMPORT_CANDIDATES)
def import_candidates(job, progress) -> dict:
    """Record each checked line. Idempotent: a line already recorded (a retried job) no
    longer validates (same person, same cohort) and is skipped."""
    imported = 0
    for number, raw in enumerate(job.payload["rows"], start=1):
        form = CandidateForm(data=raw)
        if form.is_valid():
            with transaction.atomic():
                record_candidate(recorded_by=job.created_by, **form.cleaned_data)
            imported += 1
        progress(number)
    message = ngettext("%(count)d candidate imported.", "%(count)d candidates imported.", imported) % {
        "count": imported
    }
    return {"imported": imported, "message": message}
