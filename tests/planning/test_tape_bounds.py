"""TAPE session forms refuse out-of-range dates and times on their field (no 500, nothing
saved): a start time in the night, a date outside the school year (year 0001 included)."""

import pytest
from django.urls import reverse

from apprentissage.models import SchoolYear
from planning.models import TapeSession

from .conftest import K, plan


@pytest.fixture
def scolarite_client(world, login):
    plan(SchoolYear.objects.get(start_year=2025), 2, {45: K.SCHOOL})
    return login(world["scolarite"])


@pytest.mark.parametrize(
    ("day", "start", "field"),
    [
        ("2025-11-12", "03:00", "start"),
        ("2025-11-12", "23:30", "start"),
        ("0001-01-01", "09:00", "day"),
        ("9999-12-31", "09:00", "day"),
        ("2027-11-10", "09:00", "day"),  # another school year
    ],
)
def test_an_added_session_out_of_range_is_refused_on_its_field(scolarite_client, day, start, field):
    response = scolarite_client.post(
        reverse("planning:tape_session_add", args=[2025]), {"study_year": 2, "day": day, "start": start}
    )

    assert response.status_code == 200
    assert field in response.context["add_form"].errors
    assert not TapeSession.objects.exists()


def test_an_added_session_in_the_working_day_is_saved(scolarite_client):
    response = scolarite_client.post(
        reverse("planning:tape_session_add", args=[2025]),
        {"study_year": 2, "day": "2025-11-12", "start": "18:30"},
    )

    assert response.status_code == 302 and TapeSession.objects.count() == 1


def test_generated_sessions_at_night_are_refused(scolarite_client):
    response = scolarite_client.post(
        reverse("planning:tape_generate", args=[2025]),
        {"study_year": 2, "day_1": 1, "time_1": "02:00"},
    )

    assert response.status_code == 200 and "time_1" in response.context["generate_form"].errors
    assert not TapeSession.objects.exists()
