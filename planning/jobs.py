"""Planning's background jobs (see apprentissage.jobs)."""

import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apprentissage.jobs import job_handler
from apprentissage.models import SchoolYear

from .services import set_week_kinds

IMPORT_CALENDAR = "planning.import_calendar"


@job_handler(IMPORT_CALENDAR)
def import_calendar(job, progress) -> dict:
    """Apply a checked import as one undoable change. Idempotent: a retried job (or the
    same file imported again) finds the weeks already set and changes nothing."""
    payload = job.payload
    school_year = SchoolYear.objects.get(pk=payload["school_year"])
    changes = [(year, datetime.date.fromisoformat(monday), kind) for year, monday, kind in payload["changes"]]
    edit = set_week_kinds(
        school_year=school_year,
        changes=changes,
        actor=job.created_by,
        description=_("Import of %(file)s") % {"file": payload["filename"]},
    )
    progress(len(changes))
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
