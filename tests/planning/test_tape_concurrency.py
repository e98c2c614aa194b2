"""The first TAPE answer sent sixteen times at once (a double click, two tabs): one answer,
one history entry, every request answered "saved", never a 500 on the unique answer."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from planning.enums import WeekKind as K
from planning.models import TapeAttendance, TapeSession

from .. import factories as f
from ..concurrency import REQUESTS, logged_in_clients, post_at_once, require_postgresql
from .conftest import plan

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_sixteen_identical_first_answers_save_one(year_2025, year_2026):
    require_postgresql()
    plan(year_2026, 2, {38: K.RENTREE, 45: K.SCHOOL, 46: K.SCHOOL, 2: K.SCHOOL})
    apprenticeship = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025), status="active")
    start = timezone.make_aware(datetime.datetime(2026, 11, 17, 9, 0))
    session = TapeSession.objects.create(
        school_year=year_2026, study_year=2, starts_at=start, ends_at=start + datetime.timedelta(hours=3.5)
    )
    clients = logged_in_clients(apprenticeship.apprentice)
    prefix = f"s{session.pk}"

    responses = post_at_once(
        clients,
        reverse("planning:tape_mark", args=[session.pk]),
        {f"{prefix}-followed": "no", f"{prefix}-reason": "Réunion de chantier"},
    )

    assert [r.status_code for r in responses] == [302] * REQUESTS
    answer = TapeAttendance.objects.get(session=session, apprenticeship=apprenticeship)
    assert (answer.followed, answer.reason) == (False, "Réunion de chantier")
    assert answer.history.count() == 1
