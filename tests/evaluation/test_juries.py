"""Juries: completeness blocks the deliberation unless overridden with a reason; proposals for
clear cases only, never over a decision a person entered; closing needs every decision and
writes the minutes; results hidden until published, all at once; transcripts verify until a
grade changes."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprentissage.drafts import ConcurrentEdit
from apprentissage.models import Notification, SchoolYear
from apprentissage.signatures import verify
from apprentissage.workflow import TransitionBlocked, TransitionNotAllowed, apply_transition
from evaluation import juries
from evaluation.enums import JuryState
from evaluation.models import Grade, JuryDecision, JurySession, Transcript
from evaluation.programmes import load_seed
from evaluation.workflows import JURY_WORKFLOW
from tests import factories as f
from tests.evaluation.helpers import enrolment_of, fill_year


@pytest.fixture
def session(world):
    load_seed(SchoolYear.objects.get(start_year=2026))
    return JurySession.objects.create(
        school_year=SchoolYear.objects.get(start_year=2026),
        study_year=2,
        option=world.own.option,
        meets_on=datetime.date(2027, 6, 24),
        president=world["option_lead"],
    )


@pytest.fixture
def filled(world, session):
    enrolment = enrolment_of(world.own)
    fill_year(enrolment)
    return enrolment


def _fire(session, name, actor, comment=""):
    return apply_transition(JURY_WORKFLOW, session, name, actor=actor, comment=comment)


def test_missing_grades_block_the_deliberation_unless_a_reason_is_given(world, session):
    scolarite = world["scolarite"]
    with pytest.raises(TransitionBlocked, match="1 apprenti"):
        _fire(session, "deliberate", scolarite)
    session.refresh_from_db()
    assert session.state == JuryState.PREPARING and not JuryDecision.objects.exists()

    _fire(session, "deliberate_anyway", scolarite, comment="Rapport en attente, jury maintenu")

    session.refresh_from_db()
    assert session.state == JuryState.DELIBERATING
    assert session.override_reason == "Rapport en attente, jury maintenu"
    decision = JuryDecision.objects.get()
    assert decision.code == "" and not decision.automatic  # nothing proposed on missing grades


def test_only_scolarite_runs_the_jury(world, session, filled):
    for persona in ("option_lead", "school_tutor", "apprentice", "module_teacher", "midisup"):
        with pytest.raises(TransitionNotAllowed):
            _fire(session, "deliberate", world[persona])
    assert JurySession.objects.get().state == JuryState.PREPARING


def test_a_clear_case_is_proposed_and_a_persons_decision_is_never_overwritten(world, session, filled):
    scolarite = world["scolarite"]
    _fire(session, "deliberate", scolarite)
    decision = JuryDecision.objects.get()
    assert decision.code == "ADM" and decision.automatic and decision.snapshot["ects_earned"] == "60"

    juries.decide(
        decision, code="AJ", reason="Assiduité", outcome="", actor=scolarite, version=decision.version
    )
    Grade.objects.filter(enrolment=filled).update(value=15)  # still a clear ADM
    assert juries.refresh_proposals(session) == 0

    decision.refresh_from_db()
    assert decision.code == "AJ" and not decision.automatic and decision.outcome == "repeat"
    assert decision.decided_by == scolarite


def test_an_automatic_proposal_follows_the_grades(world, session, filled):
    _fire(session, "deliberate", world["scolarite"])
    Grade.objects.filter(enrolment=filled).update(value=5)  # every UE fails, no resit planned

    assert juries.refresh_proposals(session) == 1
    decision = JuryDecision.objects.get()
    assert decision.code == "AJ" and decision.automatic


@pytest.mark.parametrize(
    ("code", "reason", "version_offset", "error"),
    [
        ("ADJ", "", 0, "reason"),
        ("ADM", "", 1, ConcurrentEdit),
    ],
)
def test_bad_decisions_change_nothing(world, session, filled, code, reason, version_offset, error):
    _fire(session, "deliberate", world["scolarite"])
    decision = JuryDecision.objects.get()
    with pytest.raises(ConcurrentEdit if error is ConcurrentEdit else Exception):
        juries.decide(
            decision,
            code=code,
            reason=reason,
            outcome="",
            actor=world["scolarite"],
            version=decision.version + version_offset,
        )
    fresh = JuryDecision.objects.get()
    assert (fresh.code, fresh.automatic, fresh.version) == ("ADM", True, decision.version)


def test_closing_writes_the_minutes_and_locks_the_grades(world, session, filled):
    scolarite = world["scolarite"]
    _fire(session, "deliberate", scolarite)
    assert not juries.grades_locked(session.school_year_id, 2, world.own.option_id)

    _fire(session, "close", scolarite)

    session.refresh_from_db()
    assert session.state == JuryState.CLOSED and session.minutes and len(session.minutes_sha256) == 64
    assert session.minutes.open("rb").read(5) == b"%PDF-"
    assert juries.grades_locked(session.school_year_id, 2, world.own.option_id)
    assert not juries.grades_locked(session.school_year_id, 1, world.own.option_id)


def test_a_session_with_an_undecided_apprentice_does_not_close(world, session):
    scolarite = world["scolarite"]
    _fire(session, "deliberate_anyway", scolarite, comment="Test")
    with pytest.raises(TransitionBlocked):
        _fire(session, "close", scolarite)
    assert JurySession.objects.get().state == JuryState.DELIBERATING


def _publish(world, session):
    scolarite = world["scolarite"]
    _fire(session, "deliberate", scolarite)
    _fire(session, "close", scolarite)
    _fire(session, "publish", scolarite)


def test_results_are_hidden_until_published_then_shown_to_all_at_once(world, session, filled, login):
    client = login(world["apprentice"])
    before = client.get(reverse("evaluation:my_results")).content.decode()
    assert "Provisoire" in before and "ADM" not in before
    assert client.get(reverse("evaluation:transcript", args=[filled.pk])).status_code == 404

    _publish(world, session)

    after = client.get(reverse("evaluation:my_results")).content.decode()
    assert "Provisoire" not in after and "ADM" in after
    assert Notification.objects.filter(
        recipient=world["apprentice"], url=reverse("evaluation:my_results")
    ).exists()


def test_a_transcript_verifies_until_a_grade_changes(world, session, filled, login):
    _publish(world, session)
    client = login(world["apprentice"])

    response = client.get(reverse("evaluation:transcript", args=[filled.pk]))

    assert response.status_code == 200 and b"".join(response.streaming_content)[:5] == b"%PDF-"
    transcript = Transcript.objects.get()
    code = transcript_code(transcript)
    assert verify(code).content_unchanged
    client.get(reverse("evaluation:transcript", args=[filled.pk]))
    assert Transcript.objects.count() == 1  # the same results: the same transcript

    grade = Grade.objects.filter(enrolment=filled).first()
    grade.value = Decimal("13.5")
    grade.save()

    assert not verify(code).content_unchanged
    client.get(reverse("evaluation:transcript", args=[filled.pk]))
    assert (
        Transcript.objects.count() == 2
        and verify(transcript_code(Transcript.objects.latest("pk"))).content_unchanged
    )


def transcript_code(transcript) -> str:
    from apprentissage.signatures import signatures_of

    return signatures_of(transcript).get().verification_code


def test_another_apprentices_results_and_transcript_answer_404(world, session, filled, login):
    _publish(world, session)
    other = enrolment_of(world.other)
    client = login(world["apprentice"])
    assert client.get(reverse("evaluation:results", args=[other.pk])).status_code == 404
    assert client.get(reverse("evaluation:transcript", args=[other.pk])).status_code == 404


def test_the_company_tutor_sees_the_unite_entreprise_only_once_published(world, session, filled, login):
    client = login(world["company_tutor"])
    url = reverse("evaluation:results", args=[filled.pk])
    assert "UW" not in client.get(url).content.decode()
    _publish(world, session)
    page = client.get(url).content.decode()
    assert "Unité Entreprise" in page and "SF2-01" not in page


def test_the_deliberation_grid_runs_a_constant_number_of_queries(world, session, filled, login):
    client = login(world["scolarite"])
    _fire(session, "deliberate_anyway", world["scolarite"], comment="Test")
    url = reverse("evaluation:jury_grid", args=[session.pk])

    def measure():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    measure()
    few = measure()
    for _ in range(20):
        a = f.ApprenticeshipFactory(cohort=world.own.cohort, option=world.own.option)
        fill_year(enrolment_of(a))
    juries.refresh_proposals(session)
    assert measure() == few


def test_a_sessions_transcripts_are_made_as_one_zip_in_the_background(
    world, session, filled, login, django_capture_on_commit_callbacks
):
    import io
    import zipfile

    from apprentissage.models import Job

    other = f.ApprenticeshipFactory(cohort=world.own.cohort, option=world.own.option)
    fill_year(enrolment_of(other))
    _publish(world, session)
    client = login(world["scolarite"])

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("evaluation:transcripts_zip", args=[session.pk]))

    job = Job.objects.get()
    assert response.status_code == 302 and job.status == Job.Status.DONE, job.message
    download = client.get(job.next_url)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert len(archive.namelist()) == 2 and all(archive.read(n)[:5] == b"%PDF-" for n in archive.namelist())
    assert Transcript.objects.count() == 2
    assert login(world["option_lead"]).get(job.next_url).status_code == 404
