"""Calendar feeds: the iCalendar parsed back, stable UIDs, revocation, constant queries."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from apprentissage.enrolments import enrol
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
        people (1), the calendar version for the ETag (1), their enrolments (1), every calendar
        week of every (school year, study year, option) group (1), TAPE sessions (1), the LEA's
        company visits (1), the defences (evaluation, 1)."""
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
        assert len(one) == len(ten) == 12, "\n".join(q["sql"][:150] for q in ten.captured_queries)


class TestConditionalGet:
    """Calendar programs poll the feed: an unchanged feed answers 304 or comes from the cache;
    any change to what it shows gives a new ETag and a new body, never the stale one."""

    @pytest.fixture(autouse=True)
    def _empty_cache(self):
        cache.clear()

    def get(self, client, feed, etag=None):
        headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
        return client.get(reverse("planning:feed", args=[feed.token]), **headers)

    def test_an_unchanged_feed_answers_304_to_its_etag(self, client, apprenticeship, calendar_2a, session):
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        first = self.get(client, feed)
        assert first.status_code == 200 and first["ETag"]

        with CaptureQueriesContext(connection) as queries:
            again = self.get(client, feed, first["ETag"])

        assert again.status_code == 304 and again.content == b""
        assert again["ETag"] == first["ETag"]
        assert not [q for q in queries.captured_queries if '"planning_calendarweek"' in q["sql"]]

    def test_an_unchanged_feed_is_served_from_the_cache(self, client, apprenticeship, calendar_2a, session):
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        first = self.get(client, feed)
        with CaptureQueriesContext(connection) as queries:
            again = self.get(client, feed)
        assert again.status_code == 200 and again.content == first.content
        assert not [q for q in queries.captured_queries if '"planning_tapesession"' in q["sql"]]

    def test_a_week_changed_gives_a_new_etag_and_body(self, client, apprenticeship, calendar_2a, year_2026):
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        first = self.get(client, feed)

        plan(year_2026, 2, {49: K.SCHOOL, 50: K.SCHOOL, 3: K.SCHOOL, 10: K.SCHOOL})  # week 10 added
        after = self.get(client, feed, first["ETag"])

        assert after.status_code == 200 and after["ETag"] != first["ETag"]
        uid = f"school-{apprenticeship.pk}-2027-03-08@alternance.imt-mines-albi.fr"
        assert uid in events(Calendar.from_ical(after.content))
        assert uid not in events(Calendar.from_ical(first.content))

    def test_a_session_added_or_deleted_gives_a_new_etag(
        self, client, apprenticeship, calendar_2a, year_2026
    ):
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        before = self.get(client, feed)["ETag"]
        added = TapeSession.objects.create(
            school_year=year_2026,
            study_year=2,
            starts_at=paris("2026-11-26 09:00"),
            ends_at=paris("2026-11-26 12:30"),
        )
        with_session = self.get(client, feed, before)
        assert with_session.status_code == 200
        assert f"tape-{added.pk}-{apprenticeship.pk}@alternance.imt-mines-albi.fr" in events(
            Calendar.from_ical(with_session.content)
        )
        added.delete()
        without = self.get(client, feed, with_session["ETag"])
        assert without.status_code == 200 and without["ETag"] not in (before, with_session["ETag"])
        assert not any(uid.startswith("tape-") for uid in events(Calendar.from_ical(without.content)))

    def test_an_enrolment_changed_gives_a_new_etag_and_body(
        self, client, apprenticeship, calendar_2a, year_2026
    ):
        plan(year_2026, 3, {45: K.SCHOOL})
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        first = self.get(client, feed)

        enrol(apprenticeship, year_2026, 3, actor=None)  # moved to 3A
        after = self.get(client, feed, first["ETag"])

        assert after.status_code == 200
        starts = {e["start"] for e in events(Calendar.from_ical(after.content)).values()}
        assert d("2026-11-02") in starts and d("2026-11-30") not in starts

    def test_a_new_apprentice_followed_gives_a_new_etag(self, client, tutor, apprenticeship, calendar_2a):
        feed = CalendarFeed.objects.create(user=tutor)
        first = self.get(client, feed)["ETag"]
        newcomer = f.ApprenticeshipFactory(company_tutor=tutor, cohort=apprenticeship.cohort)
        after = self.get(client, feed, first)
        assert after.status_code == 200 and after["ETag"] != first
        # the newcomer's school periods are in the rebuilt body (not a cached former one)
        assert any(
            uid.startswith(f"school-{newcomer.pk}-") for uid in events(Calendar.from_ical(after.content))
        )

    def test_an_option_renamed_gives_a_new_etag_and_body(self, client, tutor, apprenticeship, calendar_2a):
        # A follower's events name the apprentice's option (DESCRIPTION): a renamed option
        # must not leave the former name in a feed answered 304 or served from the cache.
        feed = CalendarFeed.objects.create(user=tutor)
        first = self.get(client, feed)
        apprenticeship.option.name = "Génie industriel renommé"
        apprenticeship.option.save()

        after = self.get(client, feed, first["ETag"])

        assert after.status_code == 200 and after["ETag"] != first["ETag"]
        descriptions = [str(e["description"]) for e in Calendar.from_ical(after.content).walk("VEVENT")]
        assert any("Génie industriel renommé" in text for text in descriptions)


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
        event.add("summary", "Élodie Ça-Été: séance TAPE — " + "un très long intitulé, ; \\ " * 4)
        calendar.add_component(event)

    assert serialize(calendar) == calendar.to_ical(sorted=False)


def french(text: str) -> str:
    with translation.override("fr"):
        return translation.gettext(text)


class TestEventDetails:
    """Each event says where it happens and what it is, with a link back to the portal."""

    def test_school_periods_are_at_the_school_and_tape_sessions_remote(
        self, client, apprenticeship, calendar_2a, session
    ):
        calendar = fetch(client, apprenticeship.apprentice)

        locations = {str(e["UID"]).split("-")[0]: str(e["LOCATION"]) for e in calendar.walk("VEVENT")}
        assert locations == {
            "school": "IMT Mines Albi, Campus Jarlard, route de Teillet, 81000 Albi",
            "tape": french("Remote"),
        }

    def test_the_apprentice_reads_what_the_event_is_and_a_link_to_the_portal(
        self, client, apprenticeship, calendar_2a, session, settings
    ):
        settings.SITE_URL = "https://alternance.example.org"

        calendar = fetch(client, apprenticeship.apprentice)

        described = {str(e["UID"]): str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT")}
        school = [text for uid, text in described.items() if uid.startswith("school-")]
        [tape] = [text for uid, text in described.items() if uid.startswith("tape-")]
        assert len(school) == 2
        assert all("https://alternance.example.org/planning/mon-calendrier/" in text for text in school)
        assert "https://alternance.example.org/planning/mes-seances/" in tape
        assert not any("Léa MARTIN" in text for text in described.values())  # one's own feed needs no name
        assert len(set(school) | {tape}) == 2  # the school periods say the same, the session another thing

    def test_a_follower_reads_the_apprentices_name_and_a_link_to_their_pages(
        self, client, tutor, apprenticeship, calendar_2a, session, settings
    ):
        settings.SITE_URL = "https://alternance.example.org"
        site = "https://alternance.example.org"
        calendar_page = site + reverse("planning:apprentice_calendar", args=[apprenticeship.pk])
        tape_page = site + reverse("planning:tape_followup", args=[apprenticeship.pk])

        calendar = fetch(client, tutor)

        described = {str(e["UID"]): str(e["DESCRIPTION"]) for e in calendar.walk("VEVENT")}
        assert len(described) == 3
        assert all("Léa MARTIN" in text for text in described.values())
        assert all(calendar_page in text for uid, text in described.items() if uid.startswith("school-"))
        assert all(tape_page in text for uid, text in described.items() if uid.startswith("tape-"))


class TestFeedPage:
    def test_the_address_has_a_copy_button_a_webcal_link_and_a_selectable_fallback(
        self, client, apprenticeship, settings
    ):
        settings.SITE_URL = "https://alternance.example.org"
        feed = CalendarFeed.objects.create(user=apprenticeship.apprentice)
        client.force_login(apprenticeship.apprentice)

        page = client.get(reverse("planning:feeds")).content.decode()

        address = f"alternance.example.org/planning/flux/{feed.token}.ics"
        assert f'href="webcal://{address}"' in page
        assert f'id="feed-url" type="text" readonly value="https://{address}"' in page
        assert 'data-copy-target="#feed-url"' in page
        assert "/static/js/copy.js" in page
        assert "<script>" not in page  # no inline script (CSP)
