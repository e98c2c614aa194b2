"""Benchmark: a transcript PDF (target: under 0.3 s a page) and a cohort's transcripts as one
job (issue 10: 200 transcripts), on a database `make bench` built (`scripts/bench.py --keep`).

In one transaction rolled back at the end: every 2A apprentice of last school year without a
decision (the bench school's 200) gets a complete year of grades, the session's proposals
become its decisions and it is published; then one transcript is issued and timed (best of
3, each a new enrolment), and the whole session's ZIP job runs once, timed. Files go to a
temporary MEDIA_ROOT, removed after.

    .venv/bin/python scripts/bench_transcripts.py [--db bench_school] [--json OUT]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"


class Rollback(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default="bench_school")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sys.path[:0] = [str(SCRIPTS), str(ROOT)]
    import bench

    os.environ.update(bench.env_for(args.db))
    media = tempfile.mkdtemp(prefix="bench-transcripts-")
    import django

    django.setup()
    from django.conf import settings

    settings.MEDIA_ROOT = media
    try:
        measured = _measure()
    finally:
        shutil.rmtree(media, ignore_errors=True)
    for name, value in measured.items():
        print(f"  {name:<55} {value}")
    if args.json:
        args.json.write_text(json.dumps(measured))


def _measure() -> dict:
    from django.db import transaction

    result = {}
    try:
        with transaction.atomic():
            result = _in_transaction()
            raise Rollback
    except Rollback:
        pass
    return result


def _in_transaction() -> dict:
    from decimal import Decimal

    from apprentissage.models import Job, User
    from apprentissage.pdf import render_document
    from evaluation import juries, transcripts
    from evaluation.enums import JuryState
    from evaluation.jobs import TRANSCRIPTS_ZIP, make_transcripts_zip
    from evaluation.models import Assessment, ComponentGrade, Grade, JuryDecision, JurySession, UnitComponent

    session = JurySession.objects.filter(study_year=2, option=None, state=JuryState.PUBLISHED).order_by(
        "-school_year__start_year"
    )[0]
    decided = JuryDecision.objects.filter(session=session).values("enrolment_id")
    enrolments = list(juries.session_enrolments(session).exclude(pk__in=decided))
    year = {"module__unit__programme__school_year": session.school_year, "module__unit__study_year": 2}
    assessments = list(Assessment.objects.filter(**year, is_resit=False).select_related("module"))
    components = list(
        UnitComponent.objects.filter(unit__programme__school_year=session.school_year, unit__study_year=2)
    )
    grades, component_grades = [], []
    for index, enrolment in enumerate(enrolments):
        value = Decimal(8 + index % 10)
        option = enrolment.apprenticeship.option_id
        grades += [
            Grade(assessment=a, enrolment=enrolment, value=value)
            for a in assessments
            if a.module.option_id in (None, option)
        ]
        component_grades += [
            ComponentGrade(component=c, enrolment=enrolment, value=Decimal(13)) for c in components
        ]
    Grade.objects.bulk_create(grades, batch_size=2000)
    ComponentGrade.objects.bulk_create(component_grades, batch_size=2000)
    JurySession.objects.filter(pk=session.pk).update(state=JuryState.DELIBERATING)
    juries.refresh_proposals(session)
    JuryDecision.objects.filter(session=session, code="").update(code="AJ")
    JurySession.objects.filter(pk=session.pk).update(state=JuryState.PUBLISHED)
    scolarite = User.objects.get(email="scolarite@example.com")

    timings, pages = [], 0
    for enrolment in enrolments[:3]:
        started = time.perf_counter()
        issued = transcripts.issue_transcript(enrolment, issued_by=scolarite)
        timings.append(time.perf_counter() - started)
        pages = len(
            render_document("evaluation/pdf/transcript.html", transcripts.pdf_context(enrolment, None)).pages
        )
        assert issued.file
    job = Job.objects.create(
        kind=TRANSCRIPTS_ZIP, label="bench", created_by=scolarite, payload={"session": session.pk}
    )
    started = time.perf_counter()
    outcome = make_transcripts_zip(job, lambda done, total: None)
    seconds = time.perf_counter() - started
    count = JuryDecision.objects.filter(session=session).count()
    return {
        "transcript_seconds": round(min(timings), 3),
        "transcript_pages": pages,
        "zip_transcripts": count,
        "zip_seconds": round(seconds, 1),
        "zip_message": str(outcome["message"]),
    }


if __name__ == "__main__":
    main()
