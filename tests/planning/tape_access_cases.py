"""TAPE pages in the access matrix (registered by tests/test_access_matrix.py)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from apprentissage.models import SchoolYear
from planning.enums import WeekKind
from planning.models import TapeAttendance, TapeSession
from planning.services import set_week_kinds

from ..access import CASES, Case, expect, staff_only

LINKED = dict(apprentice=200, company_tutor=200, company_contact=200, school_tutor=200, option_lead=200)
PROGRAM_STAFF = dict(scolarite=200, midisup=200, admin=200)


def _past_session(w) -> TapeSession:
    """A session of 2A (world.own's study year) a week before the frozen day."""
    starts_at = timezone.make_aware(datetime.datetime(2026, 11, 17, 9, 0))
    session, _created = TapeSession.objects.get_or_create(
        school_year=SchoolYear.objects.get(start_year=2026),
        study_year=2,
        starts_at=starts_at,
        defaults={"ends_at": starts_at + datetime.timedelta(hours=3.5)},
    )
    return session


def _company_week(w) -> str:
    school_year = SchoolYear.objects.get(start_year=2026)
    set_week_kinds(
        school_year=school_year,
        changes=[(2, datetime.date(2026, 11, 30), WeekKind.COMPANY)],
        actor=None,
        description="access case",
    )
    return reverse("planning:tape_session_add", args=[2026])


CASES.add(
    Case(
        "planning:tape_schedule", "", lambda w: reverse("planning:tape_schedule", args=[2026]), staff_only()
    ),
    Case(
        "planning:tape_generate",
        "post",
        lambda w: reverse("planning:tape_generate", args=[2026]),
        staff_only(302),
        method="post",
        data=lambda w: {"study_year": 2, "day_1": 1, "time_1": "09:00"},
        unchanged=lambda w: TapeSession.objects.count(),
    ),
    Case(
        "planning:tape_session_add",
        "post",
        _company_week,
        staff_only(302),
        method="post",
        data=lambda w: {"study_year": 2, "day": "2026-12-01", "start": "13:30"},
        unchanged=lambda w: TapeSession.objects.count(),
    ),
    Case(
        "planning:tape_session_delete",
        "post",
        lambda w: reverse("planning:tape_session_delete", args=[_past_session(w).pk]),
        staff_only(302),
        method="post",
        unchanged=lambda w: TapeSession.objects.count(),
    ),
    Case("planning:tape_missed", "", lambda w: reverse("planning:tape_missed"), staff_only()),
    Case("planning:my_tape", "", lambda w: reverse("planning:my_tape"), expect(403, apprentice=200)),
    # Only the apprentice marks their own sessions; for anyone else the session is not theirs.
    Case(
        "planning:tape_mark",
        "post",
        lambda w: reverse("planning:tape_mark", args=[_past_session(w).pk]),
        expect(404, apprentice=302),
        method="post",
        data=lambda w: {f"s{_past_session(w).pk}-followed": "yes"},
        unchanged=lambda w: TapeAttendance.objects.count(),
    ),
    Case(
        "planning:tape_followup",
        "own",
        lambda w: reverse("planning:tape_followup", args=[w.own.pk]),
        expect(404, **LINKED, **PROGRAM_STAFF),
    ),
    Case(
        "planning:tape_followup",
        "other",
        lambda w: reverse("planning:tape_followup", args=[w.other.pk]),
        expect(404, **PROGRAM_STAFF),
    ),
)
