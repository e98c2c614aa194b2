"""Planning a company visit: the invitation (iCalendar parsed back), rescheduling, cancelling,
the calendar feeds, bad input."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from apprentissage.models import Notification, OutboxEmail
from lea.enums import VisitState
from lea.models import Visit
from planning.models import CalendarFeed

from .. import factories as f

PARIS = ZoneInfo("Europe/Paris")
PLAN = {
    "day": "2026-12-08",
    "time": "14:00",
    "duration_minutes": 90,
    "mode": "on_site",
    "location": "Aéro Tarn Industries, 12 rue des Ateliers, 81000 Albi",
    "attendees": "L'apprenti, le tuteur entreprise, le tuteur école",
}


def fr(msgid: str) -> str:
    """A message of ours as the French page shows it (the catalogue is compiled at merge)."""
    with translation.override("fr"):
        return translation.gettext(msgid)


def invitations(to: str) -> list[Calendar]:
    """The calendars attached to the e-mails stored for `to`, oldest first."""
    rows = OutboxEmail.objects.filter(to=to).order_by("pk")
    return [Calendar.from_ical(a["content"]) for row in rows for a in row.attachments]


def event_of(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def plan(client, world, **changes):
    return client.post(reverse("lea:visit_plan", args=[world.own.pk]), {**PLAN, **changes})


@pytest.fixture
def planned(world, login, django_capture_on_commit_callbacks):
    client = login(world["school_tutor"])
    with django_capture_on_commit_callbacks(execute=True):
        response = plan(client, world)
    assert response.status_code == 302
    return Visit.objects.get(apprenticeship=world.own)


class TestPlan:
    def test_the_apprentice_and_the_tutor_receive_an_invitation(self, world, planned):
        assert planned.state == VisitState.PLANNED
        assert planned.starts_at == datetime.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS)
        assert planned.school_year.start_year == 2026
        for persona in ("apprentice", "company_tutor"):
            (calendar,) = invitations(world[persona].email)
            assert calendar["METHOD"] == "REQUEST"
            event = event_of(calendar)
            assert str(event["UID"]) == f"visit-{planned.pk}@alternance.imt-mines-albi.fr"
            assert event["SEQUENCE"] == 0
            assert event.decoded("DTSTART") == datetime.datetime(2026, 12, 8, 13, 0, tzinfo=datetime.UTC)
            assert event.decoded("DTEND") - event.decoded("DTSTART") == datetime.timedelta(minutes=90)
            assert str(event["ORGANIZER"]) == f"mailto:{world['school_tutor'].email}"
            attendees = {str(a) for a in event["ATTENDEE"]}
            assert attendees == {
                f"mailto:{world['apprentice'].email}",
                f"mailto:{world['company_tutor'].email}",
            }
            assert "Aéro Tarn" in str(event["LOCATION"])

    def test_the_invitation_is_mailed_at_once_even_to_a_digest_reader(self, world, planned):
        """The company tutor reads the daily digest: the invitation still goes at once, with
        its file (and is not repeated in the digest)."""
        sent = [m for m in mail.outbox if world["company_tutor"].email in m.to]
        assert len(sent) == 1
        (attachment,) = sent[0].attachments
        assert attachment[0] == "invitation.ics"
        assert attachment[2].startswith("text/calendar")
        assert not Notification.objects.filter(
            recipient=world["company_tutor"], emailed_at__isnull=True
        ).exists()

    def test_scolarite_may_plan_and_the_school_tutor_is_told(
        self, world, login, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = plan(login(world["scolarite"]), world)
        assert response.status_code == 302
        assert invitations(world["school_tutor"].email)

    @pytest.mark.parametrize(
        "persona", ["apprentice", "company_tutor", "company_contact", "option_lead", "outsider"]
    )
    def test_others_may_not_plan(self, world, login, persona):
        assert plan(login(world[persona]), world).status_code == 404
        assert not Visit.objects.exists()

    def test_nobody_plans_for_someone_elses_apprentice(self, world, login):
        response = login(world["school_tutor"]).post(reverse("lea:visit_plan", args=[world.other.pk]), PLAN)
        assert response.status_code == 404
        assert not Visit.objects.exists()


class TestBadInput:
    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"day": "2028-11-10"}, "day", fr("No school year of the portal holds this date.")),
            ({"day": "2025-08-20"}, "day", fr("No school year of the portal holds this date.")),
            (
                {"location": ""},
                "location",
                fr("Give the address of the visit, or the link of the video call."),
            ),
            ({"attendees": "x" * 501}, "attendees", "500"),
            ({"duration_minutes": 5}, "duration_minutes", "15"),
            ({"mode": "teleport"}, "mode", "valide"),
        ],
    )
    def test_refused_with_a_french_message_and_nothing_saved(self, world, login, changes, field, message):
        sent = OutboxEmail.objects.count()
        response = plan(login(world["school_tutor"]), world, **changes)
        assert response.status_code == 400
        errors = " ".join(response.context["form"].errors[field])
        assert message in errors, errors
        assert not Visit.objects.exists()
        assert OutboxEmail.objects.count() == sent

    def test_a_date_outside_the_contract_is_refused(self, world, login):
        world.own.contract_end = datetime.date(2026, 12, 1)
        world.own.save()
        response = plan(login(world["school_tutor"]), world)
        assert response.status_code == 400
        assert "01/12/2026" in " ".join(response.context["form"].errors["day"])
        assert not Visit.objects.exists()


class TestReschedule:
    def edit(self, client, visit, **changes):
        data = {**PLAN, "version": visit.version, **changes}
        return client.post(reverse("lea:visit_edit", args=[visit.pk]), data)

    def test_a_new_date_raises_the_sequence_and_resends(
        self, world, login, planned, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = self.edit(login(world["school_tutor"]), planned, day="2026-12-10", time="09:30")
        assert response.status_code == 302
        planned.refresh_from_db()
        assert planned.sequence == 1
        first, second = invitations(world["apprentice"].email)
        assert str(event_of(first)["UID"]) == str(event_of(second)["UID"])
        assert second["METHOD"] == "REQUEST"
        assert event_of(second)["SEQUENCE"] == 1
        assert event_of(second).decoded("DTSTART") == datetime.datetime(
            2026, 12, 10, 8, 30, tzinfo=datetime.UTC
        )

    def test_the_page_shows_when_it_was_planned_and_moved_by_whom(self, world, login, planned):
        self.edit(login(world["school_tutor"]), planned, day="2026-12-10", time="09:30")
        response = login(world["apprentice"]).get(reverse("lea:visit_detail", args=[planned.pk]))
        entries = response.context["schedule_history"]
        assert [e["by"] for e in entries] == [world["school_tutor"], world["school_tutor"]]
        assert "08/12/2026 à 14\u00a0h\u00a000" in entries[0]["text"]  # French formats (formats/fr)
        assert "10/12/2026 à 9\u00a0h\u00a030" in entries[1]["text"]

    def test_changing_the_people_present_alone_sends_nothing(self, world, login, planned):
        sent = OutboxEmail.objects.count()
        response = self.edit(login(world["school_tutor"]), planned, attendees="L'apprenti seul")
        assert response.status_code == 302
        planned.refresh_from_db()
        assert (planned.sequence, planned.attendees) == (0, "L'apprenti seul")
        assert OutboxEmail.objects.count() == sent

    def test_a_stale_form_is_refused(self, world, login, planned):
        client = login(world["school_tutor"])
        self.edit(client, planned, attendees="Première version")
        response = self.edit(client, planned, day="2026-12-11")  # still the version it was read at
        assert response.status_code == 409
        planned.refresh_from_db()
        assert planned.starts_at.date() == datetime.date(2026, 12, 8)

    def test_the_apprentice_may_not_reschedule(self, world, login, planned):
        response = self.edit(login(world["apprentice"]), planned, day="2026-12-11")
        assert response.status_code == 302
        planned.refresh_from_db()
        assert (planned.sequence, planned.starts_at.date()) == (0, datetime.date(2026, 12, 8))


class TestCancel:
    def cancel(self, client, visit, reason):
        return client.post(reverse("lea:visit_transition", args=[visit.pk, "cancel"]), {"comment": reason})

    def test_cancelling_sends_a_cancel_with_the_same_uid(
        self, world, login, planned, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = self.cancel(login(world["school_tutor"]), planned, "L'entreprise ferme cette semaine.")
        assert response.status_code == 302
        planned.refresh_from_db()
        assert planned.state == VisitState.CANCELLED
        assert planned.cancel_reason == "L'entreprise ferme cette semaine."
        for persona in ("apprentice", "company_tutor"):
            request, cancel = invitations(world[persona].email)
            assert cancel["METHOD"] == "CANCEL"
            assert str(event_of(cancel)["UID"]) == str(event_of(request)["UID"])
            assert event_of(cancel)["SEQUENCE"] == 1
            assert str(event_of(cancel)["STATUS"]) == "CANCELLED"

    def test_the_page_of_a_cancelled_visit_shows_why_and_no_more_actions(self, world, login, planned):
        self.cancel(login(world["school_tutor"]), planned, "L'entreprise ferme cette semaine.")
        response = login(world["apprentice"]).get(reverse("lea:visit_detail", args=[planned.pk]))
        assert response.status_code == 200
        text = response.content.decode()
        assert "L&#x27;entreprise ferme cette semaine." in text
        assert reverse("lea:visit_ics", args=[planned.pk]) not in text
        assert response.context["trail"][0].transition == "cancel"

    def test_a_reason_is_required(self, world, login, planned):
        response = self.cancel(login(world["school_tutor"]), planned, "")
        assert response.status_code == 400
        planned.refresh_from_db()
        assert planned.state == VisitState.PLANNED

    @pytest.mark.parametrize("persona", ["apprentice", "company_tutor", "option_lead"])
    def test_followers_may_not_cancel(self, world, login, planned, persona):
        response = self.cancel(login(world[persona]), planned, "Non")
        assert response.status_code == 403
        planned.refresh_from_db()
        assert planned.state == VisitState.PLANNED


class TestIcsAndFeeds:
    def test_the_ics_is_served_to_those_who_may_see_the_visit(self, world, login, planned):
        response = login(world["apprentice"]).get(reverse("lea:visit_ics", args=[planned.pk]))
        assert response.status_code == 200
        calendar = Calendar.from_ical(response.content)
        assert calendar["METHOD"] == "PUBLISH"
        assert str(event_of(calendar)["UID"]) == f"visit-{planned.pk}@alternance.imt-mines-albi.fr"
        assert (
            login(world["company_contact"]).get(reverse("lea:visit_ics", args=[planned.pk])).status_code
            == 404
        )

    def feed(self, client, user, etag=None):
        feed, _ = CalendarFeed.objects.get_or_create(user=user, revoked_at=None)
        headers = {"HTTP_IF_NONE_MATCH": etag} if etag else {}
        return client.get(reverse("planning:feed", args=[feed.token]), **headers)

    def visit_events(self, response):
        return [e for e in Calendar.from_ical(response.content).walk("VEVENT") if "visit" in str(e["UID"])]

    @pytest.mark.parametrize("persona", ["apprentice", "company_tutor", "school_tutor"])
    def test_the_visit_is_in_the_feeds_of_the_apprentice_and_the_tutors(
        self, world, client, planned, persona
    ):
        (event,) = self.visit_events(self.feed(client, world[persona]))
        assert str(event["UID"]) == f"visit-feed-{planned.pk}@alternance.imt-mines-albi.fr"
        assert event.decoded("DTSTART") == datetime.datetime(2026, 12, 8, 13, 0, tzinfo=datetime.UTC)

    def test_a_company_contact_feed_has_no_visit(self, world, client, planned):
        assert self.visit_events(self.feed(client, world["company_contact"])) == []

    def test_the_etag_changes_when_the_visit_changes(self, world, client, login, planned):
        cache.clear()
        apprentice = world["apprentice"]
        first = self.feed(client, apprentice)
        etag = first["ETag"]
        assert self.feed(client, apprentice, etag).status_code == 304
        data = {**PLAN, "version": planned.version, "day": "2026-12-15"}
        assert (
            login(world["school_tutor"]).post(reverse("lea:visit_edit", args=[planned.pk]), data).status_code
            == 302
        )
        client.logout()
        changed = self.feed(client, apprentice, etag)
        assert changed.status_code == 200
        assert changed["ETag"] != etag
        (event,) = self.visit_events(changed)
        assert event.decoded("DTSTART").date() == datetime.date(2026, 12, 15)

    def test_a_cancelled_visit_leaves_the_feed(self, world, client, login, planned):
        login(world["school_tutor"]).post(
            reverse("lea:visit_transition", args=[planned.pk, "cancel"]), {"comment": "Reportée"}
        )
        client.logout()
        assert self.visit_events(self.feed(client, world["apprentice"])) == []

    def test_a_visit_of_another_apprentice_stays_out(self, world, client):
        f.VisitFactory(apprenticeship=world.other)
        assert self.visit_events(self.feed(client, world["school_tutor"])) == []

    def test_the_feed_costs_the_same_for_1_or_10_visits(self, world, client):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        school_tutor = world["school_tutor"]
        f.VisitFactory(apprenticeship=world.own)
        CalendarFeed.objects.create(user=school_tutor)
        with CaptureQueriesContext(connection) as one:
            assert len(self.visit_events(self.feed(client, school_tutor))) == 1
        for _ in range(9):
            f.VisitFactory(
                apprenticeship=f.ApprenticeshipFactory(cohort=world.own.cohort, school_tutor=school_tutor)
            )
        cache.clear()
        with CaptureQueriesContext(connection) as ten:
            assert len(self.visit_events(self.feed(client, school_tutor))) == 10
        assert len(one) == len(ten)
