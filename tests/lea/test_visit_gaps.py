"""The school's visit rules (settings): a first visit early in a 1A contract, visits every
school year; `visit_gaps` for any number of apprentices in constant queries, the page that
lists who misses them, the school tutor's to-do line."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apprentissage.dashboard import todos_for
from apprentissage.models import SchoolYear
from apprentissage.rules import tutors_at_school
from lea.enums import VisitState
from lea.visits import visit_gaps

from .. import factories as f

PARIS = ZoneInfo("Europe/Paris")
TODAY = datetime.date(2026, 11, 24)


def at(day: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day} 10:00").replace(tzinfo=PARIS)


@pytest.fixture
def year(world) -> SchoolYear:
    return SchoolYear.objects.get(start_year=2026)


@pytest.fixture
def first_year(world):
    """Cohort 2026 (1A in 2026-2027), contract started four months ago, same school tutor."""
    return f.ApprenticeshipFactory(
        cohort=f.CohortFactory(entry_year=2026),
        contract_start=datetime.date(2026, 7, 24),
        contract_end=datetime.date(2029, 7, 23),
        school_tutor=world["school_tutor"],
    )


def gap_of(apprenticeship, year):
    (gap,) = visit_gaps([apprenticeship], year, TODAY)
    return gap


class TestRules:
    def test_a_1a_contract_started_4_months_ago_without_a_visit(self, year, first_year, settings):
        settings.LEA_FIRST_VISIT_MONTHS = 3
        gap = gap_of(first_year, year)
        assert gap.study_year == 1
        assert gap.first_visit_due == datetime.date(2026, 10, 24)
        assert gap.missing_yearly and gap.missing
        assert "24/10/2026" in gap.reasons[0]

    def test_a_visit_within_the_months_satisfies_both_rules(self, year, first_year):
        f.VisitFactory(apprenticeship=first_year, starts_at=at("2026-10-15"), state=VisitState.REPORTED)
        assert not gap_of(first_year, year).missing

    def test_a_visit_after_the_months_leaves_the_first_visit_missed(self, year, first_year):
        f.VisitFactory(apprenticeship=first_year, starts_at=at("2026-12-08"))
        gap = gap_of(first_year, year)
        assert gap.first_visit_due == datetime.date(2026, 10, 24)
        assert not gap.missing_yearly and gap.visits_this_year == 1

    def test_the_months_are_a_setting(self, year, first_year, settings):
        settings.LEA_FIRST_VISIT_MONTHS = 6
        f.VisitFactory(apprenticeship=first_year, starts_at=at("2026-12-08"))
        assert not gap_of(first_year, year).missing

    def test_a_2a_without_a_visit_this_year(self, world, year):
        f.VisitFactory(
            apprenticeship=world.own,
            starts_at=at("2026-03-10"),
            school_year=SchoolYear.objects.get(start_year=2025),
            state=VisitState.REPORTED,
        )
        gap = gap_of(world.own, year)
        assert gap.study_year == 2
        assert gap.first_visit_due is None  # not a first year
        assert gap.missing_yearly and gap.visits_this_year == 0
        assert gap.last_visit == at("2026-03-10")

    def test_a_planned_visit_counts_a_cancelled_one_does_not(self, world, year):
        cancelled = f.VisitFactory(apprenticeship=world.own, state=VisitState.CANCELLED)
        assert gap_of(world.own, year).missing_yearly
        f.VisitFactory(apprenticeship=world.own, starts_at=at("2027-02-02"))
        gap = gap_of(world.own, year)
        assert not gap.missing and gap.next_visit == at("2027-02-02")
        assert cancelled.starts_at != gap.next_visit

    def test_visits_per_year_is_a_setting(self, world, year, settings):
        settings.LEA_VISITS_PER_YEAR = 2
        f.VisitFactory(apprenticeship=world.own)
        gap = gap_of(world.own, year)
        assert gap.missing_yearly and gap.visits_this_year == 1

    def test_a_repeated_1a_is_not_asked_a_first_visit_again(self, world, year):
        repeating = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025), enrolments=False)
        f.EnrolmentFactory(apprenticeship=repeating, school_year=year, study_year=1)
        f.VisitFactory(apprenticeship=repeating)
        gap = gap_of(repeating, year)
        assert gap.study_year == 1 and not gap.missing

    def test_not_enrolled_this_year_misses_nothing(self, world, year):
        lone = f.ApprenticeshipFactory(enrolments=False)
        assert not gap_of(lone, year).missing

    def test_constant_queries_for_5_or_50_apprentices(self, world, year):
        def make(n):
            for i in range(n):
                a = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025 + i % 2))
                if i % 3 == 0:
                    f.VisitFactory(apprenticeship=a)

        def count(queryset):
            with CaptureQueriesContext(connection) as queries:
                gaps = visit_gaps(queryset, year, TODAY)
            return len(gaps), len(queries)

        from apprentissage.models import Apprenticeship

        make(3)
        five = count(Apprenticeship.objects.with_people())
        make(45)
        fifty = count(Apprenticeship.objects.with_people())
        # The apprenticeships, their enrolments, their visits.
        assert (five[1], fifty[1]) == (3, 3)
        assert (five[0], fifty[0]) == (5, 50)


class TestMissingVisitsPage:
    def test_the_school_tutor_sees_his_own_with_a_link_to_plan(self, world, login, first_year):
        f.VisitFactory(apprenticeship=world.other, starts_at=at("2026-12-01"))
        response = login(world["school_tutor"]).get(reverse("lea:missing_visits"))
        assert response.status_code == 200
        listed = {gap.apprenticeship for gap in response.context["gaps"]}
        assert listed == {world.own, first_year}
        assert reverse("lea:visit_plan", args=[first_year.pk]) in response.content.decode()

    def test_scolarite_sees_everyone_missing(self, world, login, first_year):
        response = login(world["scolarite"]).get(reverse("lea:missing_visits"))
        assert {gap.apprenticeship for gap in response.context["gaps"]} == {
            world.own,
            world.other,
            first_year,
        }

    def test_an_apprentice_with_a_visit_this_year_is_not_listed(self, world, login):
        f.VisitFactory(apprenticeship=world.own)
        response = login(world["school_tutor"]).get(reverse("lea:missing_visits"))
        assert response.context["gaps"] == []

    def test_constant_queries_5_vs_50(self, world, login):
        client = login(world["scolarite"])
        last_year = SchoolYear.objects.get(start_year=2025)

        def make(n):
            for i in range(n):
                a = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2024 + i % 3))
                if i % 4 == 0:
                    f.VisitFactory(apprenticeship=a, starts_at=at("2026-03-10"), school_year=last_year)

        make(3)  # with world's two: 5
        client.get(reverse("lea:missing_visits"))  # the first request of a session reads more (caches)
        with CaptureQueriesContext(connection) as five:
            response = client.get(reverse("lea:missing_visits"))
        assert len(response.context["gaps"]) == 5
        make(45)
        with CaptureQueriesContext(connection) as fifty:
            response = client.get(reverse("lea:missing_visits"))
        assert len(response.context["gaps"]) == 50
        # savepoint, session, user, user facts, school year, apprenticeships with their study
        # year, visits, the page's apprenticeships with their people, release
        assert len(five) == len(fifty) == 9, "\n".join(q["sql"][:120] for q in fifty.captured_queries)

    def test_50_a_page(self, world, login):
        client = login(world["scolarite"])
        for i in range(53):
            f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2024 + i % 3))
        first = client.get(reverse("lea:missing_visits"))
        second = client.get(reverse("lea:missing_visits") + "?page=2")
        assert (len(first.context["gaps"]), len(second.context["gaps"])) == (50, 5)
        shown = [gap.apprenticeship for gap in (*first.context["gaps"], *second.context["gaps"])]
        assert len(set(shown)) == 55
        assert "page=2" in first.content.decode()

    def test_the_page_agrees_with_visit_gaps(self, world, year, first_year, settings):
        from apprentissage.models import Apprenticeship
        from lea.visits import gaps_of_rows, missing_visit_rows

        settings.LEA_VISITS_PER_YEAR = 2
        f.VisitFactory(apprenticeship=world.own)
        f.VisitFactory(apprenticeship=first_year, starts_at=at("2026-12-08"))
        everyone = Apprenticeship.objects.all()
        expected = [
            (g.apprenticeship, g.reasons, g.last_visit)
            for g in visit_gaps(everyone, year, TODAY)
            if g.missing
        ]
        page = gaps_of_rows(missing_visit_rows(everyone, year, TODAY), year, TODAY)
        assert [(g.apprenticeship, g.reasons, g.last_visit) for g in page] == expected
        assert len(expected) == 3

    def test_the_page_lists_a_first_visit_missed_when_the_year_has_its_visit(self, world, year, first_year):
        from apprentissage.models import Apprenticeship
        from lea.visits import gaps_of_rows, missing_visit_rows

        late = f.ApprenticeshipFactory(
            cohort=f.CohortFactory(entry_year=2026),
            contract_start=datetime.date(2026, 7, 24),
            contract_end=datetime.date(2029, 7, 23),
        )
        f.VisitFactory(apprenticeship=first_year, starts_at=at("2026-10-15"))  # in time
        f.VisitFactory(apprenticeship=late, starts_at=at("2026-12-08"))  # after the first months
        f.VisitFactory(apprenticeship=late, starts_at=at("2026-09-01"), state=VisitState.CANCELLED)
        for apprenticeship in (world.own, world.other):
            f.VisitFactory(apprenticeship=apprenticeship)
        everyone = Apprenticeship.objects.all()
        (gap,) = gaps_of_rows(missing_visit_rows(everyone, year, TODAY), year, TODAY)
        assert gap.apprenticeship == late and gap.first_visit_due and not gap.missing_yearly
        assert [g.apprenticeship for g in visit_gaps(everyone, year, TODAY) if g.missing] == [late]


class TestTodoLine:
    def test_the_school_tutor_reads_how_many_miss_a_visit(self, world, first_year):
        (item,) = [i for i in todos_for(world["school_tutor"]) if i.url == reverse("lea:missing_visits")]
        assert item.count == 2

    def test_no_line_when_every_apprentice_has_a_visit(self, world):
        f.VisitFactory(apprenticeship=world.own)
        assert not [i for i in todos_for(world["school_tutor"]) if i.url == reverse("lea:missing_visits")]

    def test_not_for_an_apprentice(self, world):
        assert not [i for i in todos_for(world["apprentice"]) if i.url == reverse("lea:missing_visits")]

    def test_the_count_agrees_with_visit_gaps_and_costs_one_query(self, world, year, first_year):
        from lea.visits import apprentices_without_a_visit

        f.VisitFactory(apprenticeship=first_year, state=VisitState.CANCELLED)
        with CaptureQueriesContext(connection) as queries:
            count = apprentices_without_a_visit(world["school_tutor"], TODAY)
        gaps = visit_gaps([world.own, first_year], year, TODAY)
        assert count == sum(gap.missing_yearly for gap in gaps) == 2
        assert len(queries) == 1

    def test_the_school_tutors_todos_cost_the_same_for_5_or_50_apprentices(self, world):
        from lea.todos import school_tutor_visit_todos, visit_action_todos

        tutor = world["school_tutor"]

        def make(n):
            for i in range(n):
                a = f.ApprenticeshipFactory(
                    school_tutor=tutor, cohort=f.CohortFactory(entry_year=2024 + i % 3)
                )
                if i % 2:
                    f.VisitFactory(apprenticeship=a, starts_at=at("2026-11-02"))

        def count():
            tutor_again = type(tutor).objects.get(pk=tutor.pk)
            tutors_at_school(tutor_again)  # the user's facts: asked once per request by the page
            with CaptureQueriesContext(connection) as queries:
                items = [*school_tutor_visit_todos(tutor_again), *visit_action_todos(tutor_again)]
            return items, len(queries)

        make(4)
        small, small_queries = count()
        make(45)
        large, large_queries = count()
        # reports to write, the count of apprentices without a visit, the agreed actions
        assert small_queries == large_queries == 3
        assert small[-1].count < large[-1].count
