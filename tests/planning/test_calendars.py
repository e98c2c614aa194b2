"""Calendars as apprentices, tutors and companies see them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.enums import WeekKind as K
from planning.models import TapeAttendance, TapeSession

from .. import factories as f
from .conftest import plan

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def tape(school_year, study_year, start: str, hours=3.5) -> TapeSession:
    starts_at = paris(start)
    return TapeSession.objects.create(
        school_year=school_year,
        study_year=study_year,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=hours),
    )


def planning_queries(context: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in context.captured_queries if '"planning_' in q["sql"]]


@pytest.fixture
def company(db):
    return f.CompanyFactory(name="Aéro Tarn Industries")


@pytest.fixture
def tutor(company):
    return f.CompanyTutorFactory(company=company).user


@pytest.fixture
def apprenticeship(year_2025, year_2026, company, tutor):
    """Cohort 2025, GenIndus: 2A in 2026-2027; today is Tuesday 24/11/2026 (week 48)."""
    return f.ApprenticeshipFactory(
        apprentice=f.UserFactory(first_name="Léa", last_name="Martin"),
        company=company,
        company_tutor=tutor,
        cohort=f.CohortFactory(entry_year=2025),
        option=f.option("genindus"),
    )


class TestMyCalendar:
    def test_shows_next_return_weeks_and_sessions(self, client, apprenticeship, year_2026):
        plan(year_2026, 2, {49: K.SCHOOL, 50: K.SCHOOL})
        plan(year_2026, 2, {2: K.SCHOOL}, option=f.option("genindus"))
        session = tape(year_2026, 2, "2026-11-24 09:00")
        TapeAttendance.objects.create(session=session, apprenticeship=apprenticeship, followed=True)
        client.force_login(apprenticeship.apprentice)

        page = client.get(reverse("planning:my_calendar")).content.decode()

        assert "30/11/2026" in page  # next return to school: Monday of week 49
        assert 'class="week-ecole"' in page and 'class="week-entreprise"' in page
        assert 'aria-current="date"' in page  # this week, marked in text too
        assert "9\u00a0h\u00a000–12\u00a0h\u00a030" in page  # French times: "9 h 00"
        assert page.count("badge text-bg-light border") >= 1  # an overridden week is marked

    def test_someone_without_apprenticeship_is_refused(self, client, tutor):
        client.force_login(tutor)
        assert client.get(reverse("planning:my_calendar")).status_code == 403

    def test_constant_queries_whatever_the_weeks_and_sessions(self, client, apprenticeship, year_2026):
        """Queries: the apprenticeship with its people (1), the school years from today to the
        next return to school (1), then `calendars_for`: the enrolments (1), the weeks (1,
        planning), TAPE sessions (1, planning) and the apprentice's answers (1, planning); the
        rest is fixed: session and user, savepoints, the permission, the layout's menu (the
        session is saved only on the first request after signing in)."""
        client.force_login(apprenticeship.apprentice)
        client.get(reverse("planning:my_calendar"))  # the session's save after signing in
        with CaptureQueriesContext(connection) as empty:
            assert client.get(reverse("planning:my_calendar")).status_code == 200
        plan(year_2026, 2, {49: K.SCHOOL, 50: K.SCHOOL, 3: K.SCHOOL})
        plan(year_2026, 2, {2: K.SCHOOL}, option=f.option("genindus"))
        for day in range(1, 20):
            tape(year_2026, 2, f"2027-02-{day:02d} 09:00")
        with CaptureQueriesContext(connection) as full:
            assert client.get(reverse("planning:my_calendar")).status_code == 200
        assert len(empty) == len(full)  # 21 today, layout included (its menu may grow)
        assert len(planning_queries(full)) == 3


class TestApprenticeCalendar:
    def test_the_company_tutor_sees_their_apprentice(self, client, tutor, apprenticeship, year_2026):
        plan(year_2026, 2, {49: K.SCHOOL})
        client.force_login(tutor)

        page = client.get(reverse("planning:apprentice_calendar", args=[apprenticeship.pk])).content.decode()

        assert "Léa MARTIN" in page and "30/11/2026" in page

    def test_an_outsider_gets_404(self, client, apprenticeship):
        client.force_login(f.UserFactory())
        assert (
            client.get(reverse("planning:apprentice_calendar", args=[apprenticeship.pk])).status_code == 404
        )


class TestCompanyCalendar:
    def test_one_column_per_apprentice_one_row_per_week(
        self, client, tutor, apprenticeship, company, year_2026
    ):
        first_year = f.ApprenticeshipFactory(
            apprentice=f.UserFactory(first_name="Hugo", last_name="Bernard"),
            company=company,
            company_tutor=tutor,
            cohort=f.CohortFactory(entry_year=2026),
        )
        plan(year_2026, 2, {49: K.SCHOOL})
        plan(year_2026, 1, {48: K.SCHOOL})
        tape(year_2026, 2, "2026-11-24 09:00")
        client.force_login(tutor)

        response = client.get(reverse("planning:company_calendar"))

        page = response.content.decode()
        rows = response.context["rows"]
        assert len(rows) == 12 and rows[0]["monday"] == datetime.date(2026, 11, 23)
        assert [a.pk for a in response.context["apprenticeships"]] == [first_year.pk, apprenticeship.pk]
        this_week = [cell["week"].kind for cell in rows[0]["cells"]]
        assert this_week == [K.SCHOOL, K.COMPANY]
        assert [len(cell["sessions"]) for cell in rows[0]["cells"]] == [0, 1]
        assert "Hugo BERNARD" in page and "Léa MARTIN" in page
        assert "9h00–12h30" in page

    def test_the_whole_year_on_demand(self, client, tutor, apprenticeship, year_2026):
        client.force_login(tutor)
        rows = client.get(reverse("planning:company_calendar"), {"annee": "1"}).context["rows"]
        assert rows[0]["monday"] == datetime.date(2026, 9, 14) and len(rows) == 55  # 2026 has a week 53

    def test_the_company_contact_sees_the_companys_apprentices(self, client, company, apprenticeship):
        contact = f.CompanyContactFactory(company=company).user
        client.force_login(contact)
        response = client.get(reverse("planning:company_calendar"))
        assert [a.pk for a in response.context["apprenticeships"]] == [apprenticeship.pk]

    def test_constant_queries_whatever_the_number_of_apprentices(
        self, client, tutor, company, apprenticeship, year_2026
    ):
        """Queries: the permission (the user's facts, the menu's too: 1), the
        apprentices with their names (1; a company contact's companies before them: none for a
        tutor, whom the facts say is no contact), school years (1), then `calendars_for`: their
        enrolments (1), every calendar week of every (school year, study year, option) group (1,
        planning), TAPE sessions (1, planning); the rest is fixed: session and user, savepoints
        (the session is saved only on the first request after signing in)."""
        for study_year in (1, 2, 3):
            plan(year_2026, study_year, {49: K.SCHOOL})
            tape(year_2026, study_year, "2026-12-15 09:00")
        client.force_login(tutor)
        client.get(reverse("planning:company_calendar"))  # the session's save after signing in
        with CaptureQueriesContext(connection) as one:
            assert client.get(reverse("planning:company_calendar")).status_code == 200
        cohorts = [f.CohortFactory(entry_year=year) for year in (2024, 2025, 2026)]
        options = [f.option(code) for code in ("genindus", "energies")]
        for i in range(9):
            f.ApprenticeshipFactory(
                company=company, company_tutor=tutor, cohort=cohorts[i % 3], option=options[i % 2]
            )
        with CaptureQueriesContext(connection) as ten:
            response = client.get(reverse("planning:company_calendar"))
        assert len(response.context["apprenticeships"]) == 10
        assert len(one) == len(ten)
        assert len(one) == 10  # layout included; its menu costs no query more (user facts); was 11
        assert len(planning_queries(ten)) == 2

    def test_others_are_refused(self, client, apprenticeship):
        client.force_login(apprenticeship.apprentice)
        assert client.get(reverse("planning:company_calendar")).status_code == 403
