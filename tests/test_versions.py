"""apprentissage.versions: the version of some tables (one query) and the fragment cache keyed
on it."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from simple_history.utils import bulk_create_with_history

from apprentissage.models import Company, Option
from apprentissage.versions import cached_fragment, data_version
from lea.models import Reminder
from tests import factories as f

LABELS = ["apprentissage.Company", "lea.Reminder"]


def test_the_version_is_read_in_one_query_and_moves_with_each_write(db):
    with CaptureQueriesContext(connection) as queries:
        start = data_version(LABELS)
    assert len(queries) == 1

    company = f.CompanyFactory()
    created = data_version(LABELS)
    company.name = "Autre nom"
    company.save()
    saved = data_version(LABELS)
    company.delete()
    deleted = data_version(LABELS)
    bulk_create_with_history([f.CompanyFactory.build()], Company)
    bulk = data_version(LABELS)

    assert len({start, created, saved, deleted, bulk}) == 5


def test_an_append_only_model_counts_by_its_latest_row(db, world):
    before = data_version(LABELS)
    fiche = f.FicheFactory(apprenticeship=world.own)
    after_fiche = data_version(LABELS)  # a fiche is not listed
    Reminder.objects.create(document=fiche, step="manual", due_on=fiche.due_on, recipient=world["apprentice"])

    assert after_fiche == before and data_version(LABELS) != before


def test_other_models_leave_the_version_alone(db):
    before = data_version(LABELS)
    f.UserFactory()
    Option.objects.first()

    assert data_version(LABELS) == before


@pytest.fixture
def request_of(rf: RequestFactory, world):
    def make(user, path="/"):
        request = rf.get(path)
        request.user = user
        return request

    return make


def test_a_fragment_is_built_once_per_version_person_and_query(db, world, settings, request_of):
    settings.FRAGMENT_CACHE_SECONDS = 300
    built = []

    def fragment(user, *, vary=()):
        return cached_fragment(
            request_of(user),
            "test",
            depends_on=LABELS,
            vary=vary,
            build=lambda: built.append(1) or "<b>x</b>",
        )

    assert fragment(world["scolarite"]) == "<b>x</b>"
    fragment(world["scolarite"])
    assert len(built) == 1
    fragment(world["school_tutor"])
    fragment(world["scolarite"], vary=[("page", ["2"])])
    assert len(built) == 3
    f.CompanyFactory()
    fragment(world["scolarite"])
    assert len(built) == 4


def test_no_fragment_is_cached_when_the_setting_is_zero(db, world, settings, request_of):
    settings.FRAGMENT_CACHE_SECONDS = 0
    built = []
    for _ in range(2):
        cached_fragment(
            request_of(world["scolarite"]), "test", depends_on=LABELS, build=lambda: built.append(1) or ""
        )
    assert len(built) == 2
