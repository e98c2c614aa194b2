"""Evaluation's background jobs (apprentissage.jobs): a whole session's transcripts as one ZIP."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils.translation import gettext as _

from apprentissage.jobs import job_handler, start_job
from evaluation.enums import JuryState

TRANSCRIPTS_ZIP = "evaluation.transcripts_zip"


def start_transcripts_zip(session, *, requested_by):
    """Every transcript of a published session, made (or reused) and zipped in the background."""
    from evaluation.juries import session_enrolments

    job = start_job(
        kind=TRANSCRIPTS_ZIP,
        label=_("Transcripts of %(session)s") % {"session": session},
        created_by=requested_by,
        payload={"session": session.pk},
        total=session_enrolments(session).count() + 1,  # each transcript, then the ZIP
    )
    job.next_url = reverse("evaluation:transcripts_zip_download", args=[job.pk])
    job.save(update_fields=["next_url"])
    return job


def zip_path(job) -> str:
    return f"evaluation/transcripts/zip/session-{job.payload['session']}-job-{job.pk}.zip"


@job_handler(TRANSCRIPTS_ZIP)
def make_transcripts_zip(job, progress) -> dict:
    """Idempotent: transcripts still valid are reused (issue_transcript), the ZIP rewritten."""
    from evaluation.juries import session_enrolments
    from evaluation.models import JurySession
    from evaluation.transcripts import issue_transcript, published_decision

    session = JurySession.objects.get(pk=job.payload["session"])
    if session.state != JuryState.PUBLISHED:
        return {"message": _("The results of this session are not published: no transcript.")}
    enrolments = list(session_enrolments(session))
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index, enrolment in enumerate(enrolments, start=1):
            if published_decision(enrolment) is not None:
                transcript = issue_transcript(enrolment, issued_by=job.created_by)
                person = enrolment.apprenticeship.apprentice
                name = f"releve-{person.last_name}-{person.first_name}-{enrolment.pk}.pdf"
                archive.writestr(name, transcript.file.open("rb").read())
                count += 1
            progress(index, len(enrolments) + 1)
    path = zip_path(job)
    if default_storage.exists(path):
        default_storage.delete(path)  # the job's own previous attempt, never a document
    default_storage.save(path, ContentFile(buffer.getvalue()))
    progress(len(enrolments) + 1, len(enrolments) + 1)
    return {"message": _("%(count)d transcripts ready.") % {"count": count}, "file": path}
