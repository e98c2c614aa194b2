"""Calendar feeds: the iCalendar parsed back, stable UIDs, revocation, constant queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from planning.enums import WeekKind as K
from planning.models import CalendarFeed, TapeSession

from .. import factories as f
from .conftest import d, plan

PARIS = ZoneInfo("Europe/Paris")


def paris(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def school_summary() -> str:
    with translation.override("fr"):
        return translation.gettext("School — IMT Mines Albi")


@pytest.fixture
def tutor(db):
    return f.CompanyTutorFactory(user__email="tuteur@example.com").user


@pytest.fixture
def apprenticeship(year_2025, year_2026, tutor):
    """Cohort 2025: 2A in 2026-2027 (today is 24/11/2026, week 48)."""
    return f.ApprenticeshipFactory(
        apprentice=f.UserFactory(first_name="Léa", last_name="Martin"),
        company_tutor=tutor,
        cohort=f.CohortFactory(entry_year=2025),
        option=f.option("genindus"),
    )


@pytest.fixture
def calendar_2a(year_2026):
    # Weeks 49-50 (30/11 → 11/12/2026) and week 3 of 2027 (18/01/2027) at school.
    plan(year_2026, 2, {49: K.SCHOOL, 50: K.SCHOOL, 3: K.SCHOOL})


@pytest.fixture
def session(year_2026):
    return TapeSession.objects.create(
        school_year=year_2026,
        study_year=2,
        starts_at=paris("2026-11-24 09:00"),
        ends_at=paris("2026-11-24 12:30"),
    )


def fetch(client, user) -> Calendar:
    feed, _ = CalendarFeed.objects.get_or_create(user=user, revoked_at=None)
    response = client.get(reverse("planning:feed", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar: Calendar) -> dict[str, dict]:
    return {
        str(e["UID"]): {
            "summary": str(e["SUMMARY"]),
            "start": e.decoded("DTSTART"),
            "end": e.decoded("DTEND"),
        }
        for e in calendar.walk("VEVENT")
    }


class TestApprenticeFeed:
    def test_school_periods_are_all_day_events_from_monday_to_saturday(
        self, client, apprenticeship, calendar_2a
    ):
        calendar = fetch(client, apprenticeship.apprentice)

        school = {uid: e for uid, e in events(calendar).items() if uid.startswith("school-")}
        assert sorted((e["start"], e["end"]) for e in school.values()) == [
            (d("2026-11-30"), d("2026-12-12")),  # DTEND exclusive: the Saturday after the last Friday
            (d("2027-01-18"), d("2027-01-23")),
        ]
        assert {e["summary"] for e in school.values()} == {school_summary()}
        assert f"school-{apprenticeship.pk}-2026-11-30@alternance.imt-mines-albi.fr" in school
        assert str(calendar["X-WR-CALNAME"])
        assert all(e.get("DTSTAMP") for e in calendar.walk("VEVENT"))

    def test_tape_sessions_are_timed_events(self, client, apprenticeship, calendar_2a, session):
        found = events(fetch(client, apprenticeship.apprentice))

        tape = found[f"tape-{session.pk}-{apprenticeship.pk}@alternance.imt-mines-albi.fr"]
        assert tape["start"] == paris("2026-11-24 09:00") and tape["end"] == paris("2026-11-24 12:30")
        assert tape["start"].utcoffset() == datetime.timedelta(0)  # written in UTC
        assert not tape["summary"].startswith("Léa")  # one's own feed needs no name

    def test_sessions_of_another_study_year_are_left_out(self, client, apprenticeship, year_2026):
        TapeSession.objects.create(
            school_year=year_2026,
            study_year=1,
            starts_at=paris("2026-11-26 14:00"),
            ends_at=paris("2026-11-26 17:30"),
        )
        assert events(fetch(client, apprenticeship.apprentice)) == {}

    def test_uids_are_stable_across_fetches_and_unrelated_changes(
        self, client, apprenticeship, calendar_2a, session, year_2026
    ):
        first = events(fetch(client, apprenticeship.apprentice))
        assert events(fetch(client, apprenticeship.apprentice)) == first

        plan(year_2026, 2, {49: K.SCHOOL, 50: K.SCHOOL, 3: K.SCHOOL, 10: K.SCHOOL})  # week 10 added
        after = events(fetch(client, apprenticeship.apprentice))

        assert set(after) - set(first) == {
            f"school-{apprenticeship.pk}-2027-03-08@alternance.imt-mines-albi.fr"
        }
        assert {uid: after[uid] for uid in first} == first

    def test_an_option_override_changes_its_apprentices_feed(
        self, client, apprenticeship, calendar_2a, year_2026
    ):
        plan(year_2026, 2, {49: K.SCHOOL, 50: K.COMPANY, 3: K.SCHOOL}, option=f.option("genindus"))
        other = f.ApprenticeshipFactory(cohort=apprenticeship.cohort, option=f.option("energies"))

        mine = events(fetch(client, apprenticeship.apprentice))
        theirs = events(fetch(client, other.apprentice))

        assert (d("2026-11-30"), d("2026-12-05")) in [(e["start"], e["end"]) for e in mine.values()]
        assert (d("2026-11-30"), d("2026-12-12")) in [(e["start"], e["end"]) for e in theirs.values()]


class TestTutorFeed:
    def test_every_apprentice_is_there_with_their_name(
        self, client, tutor, apprenticeship, calendar_2a, session, year_2026
    ):
        first_year = f.ApprenticeshipFactory(
            apprentice=f.UserFactory(first_name="Hugo", last_name="Bernard"),
            company_tutor=tutor,
            cohort=f.CohortFactory(entry_year=2026),
        )
        plan(year_2026, 1, {48: K.SCHOOL})

        found = events(fetch(client, tutor))

        summaries = {e["summary"] for e in found.values()}
        assert f"Léa MARTIN: {school_summary()}" in summaries
        assert f"Hugo BERNARD: {school_summary()}" in summaries
        assert f"school-{first_year.pk}-2026-11-23@alternance.imt-mines-albi.fr" in found
        assert f"tape-{session.pk}-{apprenticeship.pk}@alternance.imt-mines-albi.fr" in found
        assert not any(uid.startswith(f"tape-{session.pk}-{first_year.pk}") for uid in found)  # 1A, not 2A

    def test_apprentices_of_others_stay_out(self, client, tutor, apprenticeship, calendar_2a):
        stranger = f.ApprenticeshipFactory(cohort=apprenticeship.cohort)
        assert not any(f"-{stranger.pk}-" in uid for uid in events(fetch(client, tutor)))

    def test_constant_queries_whatever_the_number_of_apprentices(self, client, tutor, year_2026, calendar_2a):
        """Queries: the request's savepoint and its release (2), the feed by token with its person
        (1), school years (1), the person's company-contact links (1), the apprentices with their
        people (1), their enrolments (1), every calendar week of every (school year, study year,
        option) group (1), TAPE sessions (1)."""
        cohorts = [f.CohortFactory(entry_year=year) for year in (2024, 2025, 2026)]
        options = [f.option(code) for code in ("genindus", "energies")]
        for study_year in (1, 3):
            plan(year_2026, study_year, {49: K.SCHOOL})
        for study_year in (1, 2, 3):
            TapeSession.objects.create(
                school_year=year_2026,
                study_year=study_year,
                starts_at=paris("2026-12-15 09:00"),
                ends_at=paris("2026-12-15 12:30"),
            )
        f.ApprenticeshipFactory(company_tutor=tutor, cohort=cohorts[0], option=options[0])
        feed = CalendarFeed.objects.create(user=tutor)
        url = reverse("planning:feed", args=[feed.token])

        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        for i in range(9):
            f.ApprenticeshipFactory(company_tutor=tutor, cohort=cohorts[i % 3], option=options[i % 2])
        with CaptureQueriesContext(connection) as ten:
            response = client.get(url)

        assert len(Calendar.from_ical(response.content).walk("VEVENT")) > 10
        assert len(one) == len(ten) == 9, "\n".join(q["sql"][:150] for q in ten.captured_queries)


class TestFeedAddress:
    def test_unknown_and_revoked_tokens_answer_404(self, client, apprenticeship):
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        client.force_login(apprenticeship.apprentice)
        client.post(reverse("planning:feed_revoke"))

        assert client.get(reverse("planning:feed", args=[feed.token])).status_code == 404
        assert client.get(reverse("planning:feed", args=["pas-un-jeton"])).status_code == 404

    def test_the_feed_of_a_deactivated_person_answers_404(self, client, apprenticeship):
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        apprenticeship.apprentice.is_active = False
        apprenticeship.apprentice.save()
        assert client.get(reverse("planning:feed", args=[feed.token])).status_code == 404

    def test_creating_twice_keeps_one_active_address(self, client, apprenticeship):
        client.force_login(apprenticeship.apprentice)
        client.post(reverse("planning:feed_create"))
        client.post(reverse("planning:feed_create"))
        assert CalendarFeed.objects.filter(user=apprenticeship.apprentice, revoked_at=None).count() == 1

    def test_creating_after_revoking_gives_a_new_token(self, client, apprenticeship):
        client.force_login(apprenticeship.apprentice)
        client.post(reverse("planning:feed_create"))
        old = CalendarFeed.objects.get(user=apprenticeship.apprentice).token
        client.post(reverse("planning:feed_revoke"))
        client.post(reverse("planning:feed_create"))

        active = CalendarFeed.objects.get(user=apprenticeship.apprentice, revoked_at=None)
        assert active.token != old
        assert client.get(reverse("planning:feed", args=[old])).status_code == 404
        assert client.get(reverse("planning:feed", args=[active.token])).status_code == 200

    def test_the_page_shows_the_absolute_address(self, client, apprenticeship, settings):
        settings.SITE_URL = "https://alternance.example.org"
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        client.force_login(apprenticeship.apprentice)

        page = client.get(reverse("planning:feeds")).content.decode()

        assert f"https://alternance.example.org/planning/flux/{feed.token}.ics" in page
        assert reverse("planning:feed_revoke") in page

    def test_another_persons_token_changes_nothing(self, client, tutor, apprenticeship):
        theirs = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        client.force_login(tutor)

        client.post(reverse("planning:feed_revoke"), {"token": theirs.token})
        client.post(reverse("planning:feed_create"), {"token": theirs.token})

        theirs.refresh_from_db()
        assert theirs.revoked_at is None and theirs.user == apprenticeship.apprentice
        mine = CalendarFeed.objects.get(user=tutor)
        assert mine.token != theirs.token


def test_serialize_writes_what_icalendar_writes():
    """The fast writer must be byte for byte icalendar's own (folding of long lines included)."""
    from icalendar import Event

    from planning.feeds import serialize

    calendar = Calendar()
    calendar.add("prodid", "-//test//FR")
    calendar.add("version", "2.0")
    shared = paris("2026-11-24 09:00")
    for i in range(3):
        event = Event()
        event.add("uid", f"tape-{i}@alternance.imt-mines-albi.fr")
        event.add("dtstart", shared)
        event.add("dtend", d("2026-11-28"))
        event.add("summary", "Élodie Ça-Été: séance TAPE — " + "un très long intitulé, ; \\ " * 4)
        calendar.add_component(event)

    assert serialize(calendar) == calendar.to_ical(sorted=False)
