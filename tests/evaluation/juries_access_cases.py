"""The juries' and results' URLs in the access matrix (registered by tests/test_access_matrix.py)."""

import datetime

from django.core.files.base import ContentFile
from django.urls import reverse

from apprentissage.models import SchoolYear
from evaluation.enums import JuryState
from evaluation.models import JuryDecision, JurySession

from ..access import CASES, Case, expect, staff_only
from .helpers import enrolment_of

SCOLARITE = dict(scolarite=200, admin=200)
# The session is GenIndus 2A: its option lead follows it, scolarité runs it.
FOLLOWERS = dict(option_lead=200, **SCOLARITE)


def _session(w, state=JuryState.PREPARING, minutes=False) -> JurySession:
    session, _created = JurySession.objects.get_or_create(
        school_year=SchoolYear.objects.get(start_year=2026),
        study_year=2,
        option=w.own.option,
        defaults={"meets_on": datetime.date(2027, 6, 24), "president": w["option_lead"], "state": state},
    )
    if minutes and not session.minutes:
        session.minutes.save("pv.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return session


def _decision(w) -> JuryDecision:
    session = _session(w, state=JuryState.DELIBERATING)
    decision, _created = JuryDecision.objects.get_or_create(session=session, enrolment=enrolment_of(w.own))
    return decision


def _state(w):
    return list(JurySession.objects.values_list("state", "override_reason"))


def _decisions(w):
    return list(JuryDecision.objects.values_list("code", "version"))


CASES.add(
    Case("evaluation:jury_list", "", lambda w: reverse("evaluation:jury_list"), expect(403, **FOLLOWERS)),
    Case("evaluation:jury_create", "", lambda w: reverse("evaluation:jury_create"), staff_only()),
    Case(
        "evaluation:jury_detail",
        "",
        lambda w: reverse("evaluation:jury_detail", args=[_session(w).pk]),
        expect(404, **FOLLOWERS),
    ),
    Case(
        "evaluation:jury_edit",
        "",
        lambda w: reverse("evaluation:jury_edit", args=[_session(w).pk]),
        expect(404, option_lead=403, **SCOLARITE),
    ),
    Case(
        "evaluation:jury_grid",
        "",
        lambda w: reverse("evaluation:jury_grid", args=[_session(w).pk]),
        expect(404, **FOLLOWERS),
    ),
    Case(
        "evaluation:jury_transition",
        "deliberate_anyway",
        lambda w: reverse("evaluation:jury_transition", args=[_session(w).pk, "deliberate_anyway"]),
        expect(404, option_lead=403, scolarite=302, admin=302),
        method="post",
        data=lambda w: {"comment": "Test"},
        unchanged=_state,
    ),
    Case(
        "evaluation:jury_refresh",
        "",
        lambda w: reverse("evaluation:jury_refresh", args=[_session(w, state=JuryState.DELIBERATING).pk]),
        expect(404, option_lead=403, scolarite=302, admin=302),
        method="post",
        unchanged=_decisions,
    ),
    Case(
        "evaluation:jury_minutes",
        "",
        lambda w: reverse("evaluation:jury_minutes", args=[_session(w, minutes=True).pk]),
        expect(404, **FOLLOWERS),
    ),
    Case(
        "evaluation:jury_decide",
        "",
        lambda w: reverse("evaluation:jury_decide", args=[_decision(w).pk]),
        expect(404, option_lead=403, scolarite=302, admin=302),
        method="post",
        data=lambda w: {
            f"d{_decision(w).pk}-code": "ADM",
            f"d{_decision(w).pk}-version": _decision(w).version,
        },
        unchanged=_decisions,
    ),
    Case(
        "evaluation:my_results",
        "",
        lambda w: reverse("evaluation:my_results"),
        expect(404, apprentice=200),
    ),
    Case(
        "evaluation:results",
        "own",
        lambda w: reverse("evaluation:results", args=[enrolment_of(w.own).pk]),
        expect(404, apprentice=200, company_tutor=200, school_tutor=200, **FOLLOWERS),
    ),
    Case(
        "evaluation:results",
        "other",
        lambda w: reverse("evaluation:results", args=[enrolment_of(w.other).pk]),
        expect(404, **SCOLARITE),
    ),
    Case(
        "evaluation:transcript",
        "not published",
        lambda w: reverse("evaluation:transcript", args=[enrolment_of(w.own).pk]),
        expect(404),
    ),
)


def _zip_job(w):
    from apprentissage.models import Job
    from evaluation.jobs import TRANSCRIPTS_ZIP

    job, _created = Job.objects.get_or_create(
        kind=TRANSCRIPTS_ZIP,
        defaults={"label": "ZIP", "created_by": w["scolarite"], "payload": {"session": _session(w).pk}},
    )
    return job


CASES.add(
    Case(
        "evaluation:transcripts_zip",
        "not published",
        lambda w: reverse("evaluation:transcripts_zip", args=[_session(w).pk]),
        # scolarité is sent back to the session: nothing to make before publication
        expect(404, option_lead=403, scolarite=302, admin=302),
        method="post",
    ),
    Case(
        "evaluation:transcripts_zip_download",
        "not done",
        lambda w: reverse("evaluation:transcripts_zip_download", args=[_zip_job(w).pk]),
        expect(404),
    ),
)

CASES.add(Case("evaluation:grade_audit", "", lambda w: reverse("evaluation:grade_audit"), staff_only()))
