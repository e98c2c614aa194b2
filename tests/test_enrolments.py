"""Enrolments: one per apprenticeship and school year, the study year read from them, the
roll-over into a new school year, and a new apprenticeship's first enrolment."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from apprentissage.enrolments import enrol, enrol_new_apprenticeship, enrol_next_year, school_year_of_contract
from apprentissage.enums import ApprenticeshipStatus, EnrolmentStatus, StudyYear
from apprentissage.models import Apprenticeship, Enrolment

from . import factories as f

S = EnrolmentStatus


@pytest.fixture
def years(db):
    return f.SchoolYearFactory(start_year=2025), f.SchoolYearFactory(start_year=2026)


@pytest.fixture
def scolarite(db):
    return f.UserFactory(groups=["scolarite"])


class TestModel:
    def test_one_enrolment_per_school_year(self, years):
        apprenticeship = f.ApprenticeshipFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Enrolment.objects.create(apprenticeship=apprenticeship, school_year=years[0], study_year=2)

    def test_the_factory_enrols_over_the_cohort_span_whatever_the_order(self, db):
        apprenticeship = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025))
        f.SchoolYearFactory(start_year=2026)  # created after the apprenticeship
        f.SchoolYearFactory(start_year=2028)  # after the cohort's three years
        assert [(e.school_year.start_year, e.study_year) for e in apprenticeship.enrolments.all()] == [
            (2026, 2)
        ]

    def test_the_study_year_is_the_enrolment_s_not_the_cohort_s(self, years, scolarite):
        apprenticeship = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025))
        assert apprenticeship.study_year_in(years[1]) == StudyYear.SECOND
        enrol(apprenticeship, years[1], 1, S.REPEATING, actor=scolarite)
        assert apprenticeship.study_year_in(years[1]) == StudyYear.FIRST
        assert apprenticeship.cohort.study_year_in(years[1]) == StudyYear.SECOND  # the nominal one
        assert Apprenticeship.objects.in_study_year(1, years[1]).get() == apprenticeship
        assert not Apprenticeship.objects.in_study_year(2, years[1]).exists()

    def test_the_enrolment_factory_makes_one_off_the_nominal_track(self, db):
        enrolment = f.EnrolmentFactory(study_year=3, status=S.REPEATING)
        assert enrolment.apprenticeship.enrolments.get() == enrolment
        assert enrolment.apprenticeship.study_year_in(enrolment.school_year) == StudyYear.THIRD

    def test_not_enrolled_means_no_study_year(self, years):
        apprenticeship = f.ApprenticeshipFactory(enrolments=False)
        assert apprenticeship.study_year_in(years[1]) is None
        assert apprenticeship.study_year_in(None) is None

    def test_prefetched_enrolments_answer_without_a_query(self, years, django_assert_num_queries):
        for _ in range(3):
            f.ApprenticeshipFactory()
        with django_assert_num_queries(2):  # the apprenticeships, their enrolments
            found = [a.study_year_in(years[1]) for a in Apprenticeship.objects.with_enrolments()]
        assert found == [StudyYear.SECOND] * 3

    def test_views_and_changes_follow_the_apprenticeship(self, world):
        enrolment = world.own.enrolments.first()
        assert world["company_tutor"].has_perm("apprentissage.view_enrolment", enrolment)
        assert not world["outsider"].has_perm("apprentissage.view_enrolment", enrolment)
        assert world["scolarite"].has_perm("apprentissage.change_enrolment", enrolment)
        assert not world["option_lead"].has_perm("apprentissage.change_enrolment", enrolment)


class TestEnrol:
    def test_enrol_writes_history_and_nothing_when_unchanged(self, years, scolarite):
        apprenticeship = f.ApprenticeshipFactory(enrolments=False)
        enrolment = enrol(apprenticeship, years[0], 2, actor=scolarite)
        enrol(apprenticeship, years[0], 2, actor=scolarite)
        assert enrolment.history.count() == 1
        assert enrolment.history.first().history_user == scolarite
        enrol(apprenticeship, years[0], 2, S.SUSPENDED, actor=scolarite)
        assert enrolment.history.count() == 2

    @pytest.mark.parametrize(
        ("start", "expected"),
        [("2026-09-01", 2026), ("2026-07-01", 2026), ("2026-12-01", 2026), ("2027-02-01", 2026)],
    )
    def test_the_school_year_of_a_contract(self, start, expected):
        assert school_year_of_contract(datetime.date.fromisoformat(start)) == expected

    def test_a_new_apprenticeship_is_enrolled_at_its_cohort_s_nominal_study_year(self, years, scolarite):
        apprenticeship = f.ApprenticeshipFactory(
            cohort=f.CohortFactory(entry_year=2026),
            contract_start=datetime.date(2026, 9, 1),
            enrolments=False,
        )
        enrolment = enrol_new_apprenticeship(apprenticeship, actor=scolarite)
        assert (enrolment.school_year, enrolment.study_year, enrolment.status) == (years[1], 1, S.ENROLLED)

    def test_no_enrolment_before_its_school_year_exists(self, years, scolarite):
        apprenticeship = f.ApprenticeshipFactory(
            cohort=f.CohortFactory(entry_year=2027),
            contract_start=datetime.date(2027, 9, 1),
            enrolments=False,
        )
        assert enrol_new_apprenticeship(apprenticeship, actor=scolarite) is None
        assert not apprenticeship.enrolments.exists()


class TestRollOver:
    def make(self, year, study_year, status=S.ENROLLED, **kwargs):
        apprenticeship = f.ApprenticeshipFactory(enrolments=False, **kwargs)
        enrol(apprenticeship, year, study_year, status, actor=None)
        return apprenticeship

    def test_each_moves_up_or_stops(self, years, scolarite):
        last_year, this_year = years
        first = self.make(last_year, 1)
        second = self.make(last_year, 2)
        third = self.make(last_year, 3)
        repeated = self.make(last_year, 1, S.REPEATING)  # passed the repeated year
        left = self.make(last_year, 1, S.LEFT)
        suspended = self.make(last_year, 2, S.SUSPENDED)
        ended = self.make(last_year, 1)  # contract terminated since
        Apprenticeship.objects.filter(pk=ended.pk).update(status=ApprenticeshipStatus.TERMINATED)
        repeats = self.make(last_year, 2)
        enrol(repeats, this_year, 2, S.REPEATING, actor=scolarite)  # decided before the roll-over

        result = enrol_next_year(this_year, actor=scolarite)

        now = dict(
            Enrolment.objects.filter(school_year=this_year).values_list("apprenticeship_id", "study_year")
        )
        assert now == {first.pk: 2, second.pk: 3, repeated.pk: 2, repeats.pk: 2}
        assert Enrolment.objects.get(apprenticeship=repeats, school_year=this_year).status == S.REPEATING
        assert result == {"enrolled": 3, "kept": 1, "not_continuing": 3}
        assert {third.pk, left.pk, suspended.pk, ended.pk}.isdisjoint(now)

    def test_it_is_idempotent_and_writes_history(self, years, scolarite):
        last_year, this_year = years
        apprenticeship = self.make(last_year, 1)
        enrol_next_year(this_year, actor=scolarite)
        again = enrol_next_year(this_year, actor=scolarite)
        assert again == {"enrolled": 0, "kept": 1, "not_continuing": 0}
        enrolment = Enrolment.objects.get(apprenticeship=apprenticeship, school_year=this_year)
        assert enrolment.history.get().history_user == scolarite

    def test_an_apprenticeship_registered_before_its_school_year_existed_is_enrolled(self, db, scolarite):
        f.SchoolYearFactory(start_year=2026)
        newcomer = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2027), enrolments=False)
        next_year = f.SchoolYearFactory(start_year=2027, enrolments=False)
        enrol_next_year(next_year, actor=scolarite)
        assert newcomer.study_year_in(next_year) == StudyYear.FIRST


def test_the_data_migration_enrols_existing_apprenticeships_over_their_cohort_span(db):
    """0007_enrolment: each existing school year of the cohort's three years, nominal study
    year, with a history row; run again, it adds nothing."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("apprentissage.migrations.0007_enrolment")
    for start_year in (2024, 2025, 2026):
        f.SchoolYearFactory(start_year=start_year, enrolments=False)
    second = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025), enrolments=False)
    first = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2026), enrolments=False)

    migration.enrol_existing(apps, None)
    migration.enrol_existing(apps, None)

    found = sorted(
        Enrolment.objects.values_list("apprenticeship_id", "school_year__start_year", "study_year")
    )
    assert found == sorted([(second.pk, 2025, 1), (second.pk, 2026, 2), (first.pk, 2026, 1)])
    assert Enrolment.history.count() == 3


def test_the_admin_lists_and_edits_enrolments(world, login):
    """The admin lists enrolments with filters and search, and an apprenticeship's page edits
    its enrolments inline (how scolarité records a repeated year or a direct entry into 2A)."""
    from django.urls import reverse

    client = login(world["admin"])
    listing = client.get(
        reverse("admin:apprentissage_enrolment_changelist"), {"q": world.own.apprentice.last_name}
    )
    assert listing.status_code == 200
    assert {e.apprenticeship_id for e in listing.context["cl"].result_list} == {world.own.pk}
    page = client.get(reverse("admin:apprentissage_apprenticeship_change", args=[world.own.pk]))
    assert page.status_code == 200
    assert any(inline.formset.model is Enrolment for inline in page.context["inline_admin_formsets"])


def test_the_roll_over_runs_from_the_school_years_admin(world, login):
    from django.urls import reverse

    next_year = f.SchoolYearFactory(start_year=2027, enrolments=False)
    response = login(world["admin"]).post(
        reverse("admin:apprentissage_schoolyear_changelist"),
        {"action": "roll_over", "_selected_action": [next_year.pk]},
    )
    assert response.status_code == 302
    assert {e.apprenticeship_id: e.study_year for e in next_year.enrolments.all()} == {
        world.own.pk: 3,
        world.other.pk: 3,
    }


def test_scolarite_with_admin_access_changes_a_study_year_there(world, login):
    """Scolarité's `change_enrolment` (a rules permission) opens the admin's enrolments to a
    scolarité account marked staff; a staff account of another role cannot change them."""
    from django.urls import reverse

    enrolment = world.own.enrolments.get(school_year__start_year=2026)
    url = reverse("admin:apprentissage_enrolment_change", args=[enrolment.pk])
    data = {"apprenticeship": world.own.pk, "school_year": enrolment.school_year_id, "study_year": 1}
    for persona in ("scolarite", "option_lead"):
        type(world[persona]).objects.filter(pk=world[persona].pk).update(is_staff=True)

    refused = login(world["option_lead"]).post(url, {**data, "status": S.LEFT})
    assert refused.status_code == 403
    enrolment.refresh_from_db()
    assert (enrolment.study_year, enrolment.status) == (2, S.ENROLLED)

    assert login(world["scolarite"]).post(url, {**data, "status": S.REPEATING}).status_code == 302
    enrolment.refresh_from_db()
    assert (enrolment.study_year, enrolment.status) == (1, S.REPEATING)
    assert enrolment.history.first().history_user == world["scolarite"]
