"""Sixteen people save the same empty cell at the same moment (PostgreSQL): one first entry is
saved; the same value from the others is saved once, another value is refused with whose value
it now is. Nobody's entry overwrites another's; the unique constraint never shows as an error."""

import threading

import pytest
from django.db import connections
from django.urls import reverse

from evaluation.models import Grade

from ..concurrency import REQUESTS, logged_in_clients, post_at_once, require_postgresql
from .grade_helpers import assessments_of, make_module

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def cell(world):
    require_postgresql()
    teacher = world["module_teacher"]
    module = make_module(teachers=[teacher])
    first, *_ = assessments_of(module)
    enrolment = world.own.enrolments.get(school_year__start_year=2026)
    url = reverse("evaluation:grade_save", args=[module.pk])
    data = {"assessment": first.pk, "enrolment": enrolment.pk, "version": "0"}
    return url, data, logged_in_clients(teacher), (first, enrolment)


def test_sixteen_identical_first_entries_at_once_save_one_grade(cell):
    url, data, clients, (assessment, enrolment) = cell

    responses = post_at_once(clients, url, {**data, "text": "12,5"})

    assert [r.status_code for r in responses] == [200] * REQUESTS
    assert sum(r.json()["changed"] for r in responses) == 1
    assert {r.json()["version"] for r in responses} == {1}
    grade = Grade.objects.get(assessment=assessment, enrolment=enrolment)
    assert grade.version == 1 and grade.history.count() == 1


def test_sixteen_different_first_entries_at_once_keep_one_and_refuse_fifteen(cell):
    url, data, clients, (assessment, enrolment) = cell
    barrier = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)

    def run(index, client):
        try:
            barrier.wait(timeout=30)
            responses[index] = client.post(url, {**data, "text": str(index + 1)})
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert sorted(r.status_code for r in responses) == [200] + [409] * (REQUESTS - 1)
    grade = Grade.objects.get(assessment=assessment, enrolment=enrolment)
    winner = next(index for index, r in enumerate(responses) if r.status_code == 200)
    assert grade.value == winner + 1 and grade.version == 1 and grade.history.count() == 1
    theirs = {r.json()["text"] for r in responses if r.status_code == 409}
    assert theirs == {grade.shown}  # each refused person is shown the value that was kept
