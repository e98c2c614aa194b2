"""Transcripts (relevés de notes): one PDF per apprentice and school year once the results are
published, certified by the school (apprentissage.signatures.certify) with a verification code
a company checks on the portal's public verification page.

What is certified is the transcript's content read live from the database
(`transcript_content`): the grades, averages, ECTS and the jury's decision. A grade changed
after issue changes that content, so the old transcript's code no longer verifies; a new
transcript is issued on the next download."""

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from apprentissage.pdf import render_pdf
from apprentissage.signatures import certify, content_hash, signatures_of
from evaluation import computation
from evaluation.enums import JuryState
from evaluation.models import Grade, JuryDecision, Programme, Transcript
from evaluation.results import ProgrammeShape, year_results

PURPOSE = "transcript"


class NotPublished(Exception):
    """The results of this enrolment are not published: no transcript yet."""


def published_decision(enrolment) -> JuryDecision | None:
    return (
        JuryDecision.objects.filter(enrolment=enrolment, session__state=JuryState.PUBLISHED)
        .select_related("session")
        .first()
    )


def transcript_data(enrolment, shape: ProgrammeShape | None = None):
    """The year's results and the published decision of `enrolment` (None when there is no
    programme or the results are not published)."""
    decision = published_decision(enrolment)
    programme = (
        shape.programme if shape else Programme.objects.filter(school_year=enrolment.school_year).first()
    )
    if decision is None or programme is None:
        return None, None
    result = year_results([enrolment], shape or ProgrammeShape.of(programme))[enrolment.pk]
    return result, decision


def transcript_content(enrolment) -> dict:
    """What a transcript certifies (its SHA-256 is signed): who, which year, each UE with its
    modules' averages, the Unité Entreprise, the year's average and ECTS, the decision; and
    every grade it comes from (so that any change of one is seen)."""
    result, decision = transcript_data(enrolment)
    apprenticeship = enrolment.apprenticeship
    content = {
        "apprentice": str(apprenticeship.apprentice),
        "apprentice_id": apprenticeship.apprentice_id,
        "school_year": str(enrolment.school_year),
        "study_year": enrolment.study_year,
        "option": apprenticeship.option.code,
    }
    if result is None:
        return {**content, "published": False}
    grades = sorted(
        (assessment_id, str(value), special)
        for assessment_id, value, special in Grade.objects.filter(enrolment=enrolment).values_list(
            "assessment_id", "value", "special"
        )
    )
    return {
        **content,
        "published": True,
        "ues": [
            {
                "code": ue.code,
                "average": str(ue.average),
                "decision": ue.decision.value if ue.decision else None,
                "ects": str(ue.ects_awarded),
                "modules": [[m.code, str(m.average), m.status.value] for m in ue.modules],
            }
            for ue in result.ues
        ],
        "average": str(result.average),
        "ects": [str(result.ects_earned), str(result.ects_total)],
        "decision": decision.code,
        "outcome": decision.outcome,
        "grades": grades,
    }


def valid_transcript(enrolment) -> Transcript | None:
    """The latest transcript whose certified content is still the current one."""
    latest = Transcript.objects.filter(enrolment=enrolment).order_by("-issued_at", "-pk").first()
    if latest is None:
        return None
    signature = signatures_of(latest).filter(voided_at__isnull=True).last()
    if signature is None or signature.content_sha256 != content_hash(latest):
        return None
    return latest


@transaction.atomic
def issue_transcript(enrolment, *, issued_by) -> Transcript:
    """A transcript of the current results, certified, with its PDF; the valid one when it
    exists (a second download issues nothing). Refused before publication."""
    if published_decision(enrolment) is None:
        raise NotPublished(_("The results of this year are not published yet."))
    existing = valid_transcript(enrolment)
    if existing is not None and existing.file:
        return existing
    transcript = Transcript.objects.create(enrolment=enrolment)
    signature = certify(
        transcript, issued_by=issued_by, issuer_name=_("IMT Mines Albi — registrar's office"), purpose=PURPOSE
    )
    pdf = render_pdf("evaluation/pdf/transcript.html", pdf_context(enrolment, signature))
    transcript.file.save(f"releve-{enrolment.pk}-{transcript.pk}.pdf", ContentFile(pdf), save=False)
    transcript.sha256 = hashlib.sha256(pdf).hexdigest()
    transcript.save(update_fields=["file", "sha256"])
    return transcript


def pdf_context(enrolment, signature) -> dict:
    from django.conf import settings

    result, decision = transcript_data(enrolment)
    return {
        "enrolment": enrolment,
        "apprenticeship": enrolment.apprenticeship,
        "result": result,
        "decision": decision,
        "ues": [
            {
                "ue": ue,
                "average": computation.display(ue.average),
                "modules": [(m, computation.display(m.average)) for m in ue.modules],
            }
            for ue in result.ues
        ],
        "average": computation.display(result.average),
        "signature": signature,
        "verification_url": settings.SITE_URL + reverse("signature_verification"),
    }
