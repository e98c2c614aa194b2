"""`selectors.calendars_for`: the calendar of many apprentices at once, the one place that
says which weeks and TAPE sessions are an apprentice's (calendar pages, TAPE pages and the
feed agree), with study years read from enrolments. Today: Tuesday 24/11/2026 (week 48)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from apprentissage.enrolments import enrol
from apprentissage.enums import EnrolmentStatus
from planning import selectors, tape
from planning.enums import WeekKind as K
from planning.models import CalendarFeed, TapeSession
from planning.services import set_week_kinds

from .. import factories as f
from .conftest import d, plan

PARIS = ZoneInfo("Europe/Paris")


def session_at(school_year, study_year, text: str) -> TapeSession:
    start = datetime.datetime.fromisoformat(text).replace(tzinfo=PARIS)
    return TapeSession.objects.create(
        school_year=school_year,
        study_year=study_year,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3.5),
    )


def feed_uids(client, user) -> set[str]:
    feed, _ = CalendarFeed.objects.get_or_create(user=user, revoked_at=None)
    response = client.get(reverse("planning:feed", args=[feed.token]))
    return {str(e["UID"]) for e in Calendar.from_ical(response.content).walk("VEVENT")}


class TestOptionAtSchoolWhenOthersHaveTape:
    """Week 50 (07/12/2026) is a company week of the common 2A calendar with a TAPE session;
    GenIndus overrides it to a school week. The session is not GenIndus apprentices' — on
    every page and in the feed — and stays Énergies apprentices'."""

    @pytest.fixture
    def setup(self, year_2025, year_2026):
        plan(year_2026, 2, {49: K.SCHOOL})
        set_week_kinds(  # GenIndus overrides week 50 only
            school_year=year_2026,
            changes=[(2, d("2026-12-07"), K.SCHOOL)],
            option=f.option("genindus"),
            actor=None,
            description="GenIndus at school",
        )
        kept = session_at(year_2026, 2, "2026-12-01 09:00")  # week 49 is school for everyone: out
        moved = session_at(year_2026, 2, "2026-12-08 09:00")  # week 50
        other_week = session_at(year_2026, 2, "2026-12-15 09:00")  # week 51, company for all
        genindus = f.ApprenticeshipFactory(
            cohort=f.CohortFactory(entry_year=2025), option=f.option("genindus")
        )
        energies = f.ApprenticeshipFactory(
            cohort=f.CohortFactory(entry_year=2025), option=f.option("energies")
        )
        return {"genindus": genindus, "energies": energies, "moved": moved, "kept": kept, "other": other_week}

    def test_calendars_for(self, setup, year_2026):
        mine, theirs = selectors.calendars_for([setup["genindus"], setup["energies"]], [year_2026])
        assert setup["moved"] not in mine.sessions() and setup["other"] in mine.sessions()
        assert setup["moved"] in theirs.sessions() and setup["other"] in theirs.sessions()
        assert setup["kept"] not in mine.sessions() + theirs.sessions()  # a school week for both

    def test_mon_calendrier(self, client, setup):
        client.force_login(setup["genindus"].apprentice)
        shown = [s for s, _answer in client.get(reverse("planning:my_calendar")).context["sessions"]]
        assert setup["moved"] not in shown and setup["other"] in shown
        client.force_login(setup["energies"].apprentice)
        shown = [s for s, _answer in client.get(reverse("planning:my_calendar")).context["sessions"]]
        assert setup["moved"] in shown

    def test_mes_seances_tape(self, client, setup, year_2026):
        client.force_login(setup["genindus"].apprentice)
        rows = client.get(reverse("planning:my_tape")).context["rows"]
        assert setup["moved"] not in [row["session"] for row in rows]
        assert setup["moved"] not in tape.sessions_for(setup["genindus"], year_2026)
        assert setup["moved"] in tape.sessions_for(setup["energies"], year_2026)

    def test_the_feed(self, client, setup):
        moved = setup["moved"].pk
        genindus, energies = setup["genindus"], setup["energies"]
        assert f"tape-{moved}-{genindus.pk}@alternance.imt-mines-albi.fr" not in feed_uids(
            client, genindus.apprentice
        )
        assert f"tape-{moved}-{energies.pk}@alternance.imt-mines-albi.fr" in feed_uids(
            client, energies.apprentice
        )

    def test_the_company_calendar(self, client, setup):
        tutor = setup["genindus"].company_tutor
        f.CompanyTutorFactory(user=tutor, company=setup["genindus"].company)
        client.force_login(tutor)
        response = client.get(reverse("planning:company_calendar"))
        week_50 = next(row for row in response.context["rows"] if row["monday"] == d("2026-12-07"))
        assert week_50["cells"][0]["sessions"] == [] and week_50["cells"][0]["week"].kind == K.SCHOOL
        assert str(week_50["cells_html"]).startswith('<td class="week-ecole">')
        week_51 = next(row for row in response.context["rows"] if row["monday"] == d("2026-12-14"))
        assert str(week_51["cells_html"]).count('class="badge text-bg-light border"') == 1
        assert str(week_51["cells_html"]) in response.content.decode()


class TestEnrolmentsDecideTheStudyYear:
    """Cohort 2025 is nominally 2A in 2026-2027; a repeater of 1A and a direct entry into 2A
    of cohort 2026 are where their enrolments say."""

    @pytest.fixture
    def calendars(self, year_2025, year_2026):
        plan(year_2026, 1, {48: K.SCHOOL})
        plan(year_2026, 2, {49: K.SCHOOL})
        return {
            1: session_at(year_2026, 1, "2026-12-01 09:00"),  # week 49: company for 1A
            2: session_at(year_2026, 2, "2026-11-24 09:00"),  # week 48: company for 2A
        }

    @pytest.fixture
    def repeater(self, year_2025, year_2026):
        apprenticeship = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025), enrolments=False)
        enrol(apprenticeship, year_2025, 1, actor=None)
        enrol(apprenticeship, year_2026, 1, EnrolmentStatus.REPEATING, actor=None)
        return apprenticeship

    @pytest.fixture
    def direct_2a(self, year_2025, year_2026):
        apprenticeship = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2026), enrolments=False)
        enrol(apprenticeship, year_2026, 2, actor=None)
        return apprenticeship

    def test_the_calendar_api(self, repeater, direct_2a, calendars, year_2025, year_2026):
        assert selectors.returns_to_school(repeater, d("2026-11-01"), d("2026-12-31")) == [d("2026-11-23")]
        assert selectors.returns_to_school(direct_2a, d("2026-11-01"), d("2026-12-31")) == [d("2026-11-30")]
        assert selectors.next_return_to_school(direct_2a, d("2026-11-24")) == d("2026-11-30")
        assert selectors.is_during_school_time(repeater, d("2026-11-24"), d("2026-11-24"))
        assert not selectors.is_during_school_time(direct_2a, d("2026-11-24"), d("2026-11-24"))
        assert selectors.apprentice_weeks(direct_2a, year_2025) == []  # not enrolled then
        mine, theirs = selectors.calendars_for([repeater, direct_2a], [year_2025, year_2026])
        assert (mine.study_year_in(year_2025), mine.study_year_in(year_2026)) == (1, 1)
        assert (theirs.study_year_in(year_2025), theirs.study_year_in(year_2026)) == (None, 2)

    def test_the_tape_sessions(self, repeater, direct_2a, calendars, year_2026):
        assert tape.sessions_for(repeater, year_2026) == [calendars[1]]
        assert tape.sessions_for(direct_2a, year_2026) == [calendars[2]]

    def test_my_calendar_page(self, client, repeater, calendars):
        client.force_login(repeater.apprentice)
        context = client.get(reverse("planning:my_calendar")).context
        assert context["study_year"] == 1 and context["at_school_now"]
        assert [s for s, _answer in context["sessions"]] == [calendars[1]]

    def test_the_apprenticeship_list_filter(self, client, repeater, direct_2a, year_2026):
        nominal = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025))
        client.force_login(f.UserFactory(groups=["scolarite"]))
        listed = {
            year: {
                a.pk for a in client.get(reverse("apprenticeship_list"), {"study_year": year}).context["page"]
            }
            for year in (1, 2, 3)
        }
        assert listed == {1: {repeater.pk}, 2: {direct_2a.pk, nominal.pk}, 3: set()}

    def test_the_home_page(self, client, repeater, direct_2a):
        tutor = f.UserFactory()
        for apprenticeship in (repeater, direct_2a):
            apprenticeship.company_tutor = tutor
            apprenticeship.save()
        client.force_login(tutor)
        followed = client.get(reverse("home")).context["followed"]
        assert {a.pk: a.current_study_year for a in followed} == {repeater.pk: 1, direct_2a.pk: 2}

    def test_the_headcount(self, repeater, direct_2a, year_2026):
        from apprentissage.selectors import headcount_by_option

        headcount = headcount_by_option(year_2026)
        assert headcount["totals"] == [1, 1, 0]


class TestConstantQueries:
    def test_the_same_queries_for_1_and_for_30_apprentices(self, year_2025, year_2026):
        """Enrolments (1), calendar weeks (1), TAPE sessions (1), answers (1)."""
        options = [f.option(code) for code in ("genindus", "energies", "materiaux")]
        for school_year in (year_2025, year_2026):
            for study_year in (1, 2, 3):
                plan(school_year, study_year, {45: K.SCHOOL})
                plan(school_year, study_year, {46: K.SCHOOL}, option=options[study_year - 1])
                session_at(school_year, study_year, f"{school_year.start_year}-12-01 09:00")
        cohorts = [f.CohortFactory(entry_year=year) for year in (2024, 2025, 2026)]
        first = f.ApprenticeshipFactory(cohort=cohorts[0], option=options[0])
        years = [year_2025, year_2026]

        with CaptureQueriesContext(connection) as one:
            single = selectors.calendars_for([first], years, with_answers=True)
        many_apprenticeships = [first] + [
            f.ApprenticeshipFactory(cohort=cohorts[i % 3], option=options[i % 3]) for i in range(29)
        ]
        with CaptureQueriesContext(connection) as thirty:
            many = selectors.calendars_for(many_apprenticeships, years, with_answers=True)

        assert len(one) == len(thirty) == 4
        assert len(many) == 30 and {c.study_year_in(year_2026) for c in many} == {1, 2, 3}
        assert single[0].weeks() == many[0].weeks() and single[0].sessions() == many[0].sessions()
        assert all(c.sessions() for c in many)

    def test_prefetched_enrolments_save_their_query(self, year_2026):
        from apprentissage.models import Apprenticeship

        f.ApprenticeshipFactory()
        apprenticeships = list(Apprenticeship.objects.with_enrolments())
        with CaptureQueriesContext(connection) as queries:
            selectors.calendars_for(apprenticeships, [year_2026], with_sessions=False)
        assert len(queries) == 1  # the weeks only
