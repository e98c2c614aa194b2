"""Defences: scheduled by scolarité in the defence weeks of the apprentice's calendar, refused
outside them, on a weekend, on a day at school, or when a person is in two defences at once;
the convocation with its iCalendar invitation to the apprentice and the jury; changed (the
SEQUENCE raised, optimistic locking on it) or cancelled with a reason; in the calendar feeds;
scolarité's schedule showing what went wrong since, in a constant number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from apprentissage.drafts import ConcurrentEdit
from apprentissage.models import OutboxEmail, SchoolYear
from evaluation import defences as services
from evaluation.enums import DefenceState
from evaluation.models import Defence
from planning.enums import WeekKind
from planning.feeds import build_calendar
from tests import factories as f

from . import company_unit_helpers as h

PARIS = h.PARIS


@pytest.fixture
def ready(world):
    """world.own (2A in 2026-2027) with its UW, week 24 of 2027 a defence week of 2A."""
    enrolment, components = h.own(world)
    h.defence_week(enrolment.school_year)
    return enrolment, components[h.PROJECT[2]]


def _schedule(enrolment, component, actor, **changes):
    return services.schedule_defence(
        enrolment=enrolment,
        component=component,
        data=h.defence_data(enrolment, **changes),
        actor=actor,
    )


def _invitations(email):
    rows = OutboxEmail.objects.filter(to__contains=email).order_by("pk")
    return [Calendar.from_ical(a["content"]) for row in rows for a in row.attachments]


class TestScheduling:
    def test_the_apprentice_and_the_jury_are_convened_with_an_invitation(self, ready, world):
        enrolment, component = ready
        defence = _schedule(enrolment, component, world["scolarite"])
        assert (defence.company_tutor, defence.school_tutor, defence.option_lead) == (
            world["company_tutor"],
            world["school_tutor"],
            world["option_lead"],
        )
        for persona in ("apprentice", "company_tutor", "school_tutor", "option_lead"):
            (calendar,) = _invitations(world[persona].email)
            assert calendar["method"] == "REQUEST"
            (event,) = calendar.walk("VEVENT")
            assert str(event["uid"]) == services.defence_uid(defence)
            assert event["sequence"] == 0
            assert event.decoded("dtstart") == h.DEFENCE_START
            assert str(event["location"]) == "Salle B102"
        assert not _invitations(world["scolarite"].email)

    @pytest.mark.parametrize(
        ("start", "end", "why"),
        [
            (
                datetime.datetime(2027, 6, 8, 10, tzinfo=PARIS),
                datetime.datetime(2027, 6, 8, 11, tzinfo=PARIS),
                "not in a defence week",
            ),
            (
                datetime.datetime(2027, 6, 19, 10, tzinfo=PARIS),
                datetime.datetime(2027, 6, 19, 11, tzinfo=PARIS),
                "a Saturday",
            ),
            (h.DEFENCE_END, h.DEFENCE_START, "ends before it starts"),
            (
                datetime.datetime(2027, 6, 15, 23, tzinfo=PARIS),
                datetime.datetime(2027, 6, 16, 1, tzinfo=PARIS),
                "ends the next day",
            ),
        ],
        ids=lambda v: v if isinstance(v, str) else None,
    )
    def test_a_defence_outside_the_rules_is_refused(self, ready, world, start, end, why):
        enrolment, component = ready
        with pytest.raises(services.DefenceRefused):
            _schedule(enrolment, component, world["scolarite"], start=start, end=end)
        assert not Defence.objects.exists()
        assert not _invitations(world["apprentice"].email)

    def test_a_defence_needs_a_room_or_a_link(self, ready, world):
        enrolment, component = ready
        with pytest.raises(services.DefenceRefused) as refused:
            _schedule(enrolment, component, world["scolarite"], room="", video_url="")
        assert len(refused.value.problems) == 1
        assert _schedule(
            enrolment, component, world["scolarite"], room="", video_url="https://visio.example.com/x"
        )

    def test_an_option_override_of_the_week_counts(self, ready, world):
        enrolment, component = ready
        h.defence_week(enrolment.school_year, kind=WeekKind.COMPANY, option=world.own.option)
        with pytest.raises(services.DefenceRefused):
            _schedule(enrolment, component, world["scolarite"])

    def test_a_person_in_two_defences_at_once_is_refused(self, ready, world):
        enrolment, component = ready
        _schedule(enrolment, component, world["scolarite"])
        # Another apprentice of the same school tutor, in the same week, overlapping.
        other = f.ApprenticeshipFactory(school_tutor=world["school_tutor"], option=world.own.option)
        other_enrolment = h.enrolment_of(other)
        start = h.DEFENCE_START + datetime.timedelta(minutes=30)
        with pytest.raises(services.DefenceRefused) as refused:
            _schedule(
                other_enrolment,
                component,
                world["scolarite"],
                start=start,
                end=start + datetime.timedelta(hours=1),
            )
        assert any(str(world["school_tutor"]) in problem for problem in refused.value.problems)
        # Right after: accepted.
        assert _schedule(
            other_enrolment,
            component,
            world["scolarite"],
            start=h.DEFENCE_END,
            end=h.DEFENCE_END + datetime.timedelta(hours=1),
        )

    def test_people_with_nothing_in_common_defend_at_the_same_time(self, ready, world):
        enrolment, component = ready
        _schedule(enrolment, component, world["scolarite"])
        lead = f.UserFactory()
        other = f.ApprenticeshipFactory(option=f.option("materiaux"))
        other.option.lead = lead
        other.option.save()
        assert _schedule(h.enrolment_of(other), component, world["scolarite"])

    def test_a_second_defence_of_the_same_project_is_refused(self, ready, world):
        enrolment, component = ready
        _schedule(enrolment, component, world["scolarite"])
        later = h.DEFENCE_START + datetime.timedelta(days=1)
        with pytest.raises(services.DefenceRefused):
            _schedule(
                enrolment, component, world["scolarite"], start=later, end=later + datetime.timedelta(hours=1)
            )

    def test_the_apprentice_at_school_that_day_is_refused(self, world):
        """2A's defence week 38 of 2027 is already 3A's rentrée for the apprentice."""
        enrolment, components = h.own(world)
        next_year = f.SchoolYearFactory(start_year=2027)
        f.EnrolmentFactory(apprenticeship=world.own, school_year=next_year, study_year=3)
        monday = datetime.date(2027, 9, 20)
        h.defence_week(enrolment.school_year, monday=monday)
        h.defence_week(next_year, study_year=3, monday=monday, kind=WeekKind.RENTREE)
        start = datetime.datetime(2027, 9, 21, 10, tzinfo=PARIS)
        with pytest.raises(services.DefenceRefused) as refused:
            _schedule(
                enrolment,
                components[h.PROJECT[2]],
                world["scolarite"],
                start=start,
                end=start + datetime.timedelta(hours=1),
            )
        assert len(refused.value.problems) == 1
        h.defence_week(next_year, study_year=3, monday=monday, kind=WeekKind.COMPANY)
        assert _schedule(
            enrolment,
            components[h.PROJECT[2]],
            world["scolarite"],
            start=start,
            end=start + datetime.timedelta(hours=1),
        )


class TestChangeAndCancel:
    def test_a_change_raises_the_sequence_and_tells_a_replaced_jury_member(self, ready, world):
        enrolment, component = ready
        defence = _schedule(enrolment, component, world["scolarite"])
        substitute = f.UserFactory()
        data = h.defence_data(enrolment, room="Amphi A", option_lead=substitute)
        services.update_defence(defence=defence, data=data, expected_sequence=0, actor=world["scolarite"])
        assert services.sequence_of(defence) == 1
        calendars = _invitations(world["apprentice"].email)
        assert [c.walk("VEVENT")[0]["sequence"] for c in calendars] == [0, 1]
        assert [c["method"] for c in _invitations(world["option_lead"].email)] == ["REQUEST", "CANCEL"]
        assert [c["method"] for c in _invitations(substitute.email)] == ["REQUEST"]
        with pytest.raises(ConcurrentEdit):
            services.update_defence(defence=defence, data=data, expected_sequence=0, actor=world["scolarite"])

    def test_cancelling_needs_a_reason_and_deletes_nothing(self, ready, world):
        enrolment, component = ready
        defence = _schedule(enrolment, component, world["scolarite"])
        with pytest.raises(ValueError):
            services.cancel_defence(defence=defence, reason=" ", actor=world["scolarite"])
        assert Defence.objects.get().state == DefenceState.SCHEDULED
        services.cancel_defence(defence=defence, reason="Tuteur malade", actor=world["scolarite"])
        defence = Defence.objects.get()
        assert (defence.state, defence.cancel_reason) == (DefenceState.CANCELLED, "Tuteur malade")
        last = _invitations(world["apprentice"].email)[-1]
        assert last["method"] == "CANCEL"
        assert last.walk("VEVENT")[0]["status"] == "CANCELLED"
        with pytest.raises(services.DefenceNotScheduled):
            services.cancel_defence(defence=defence, reason="Encore", actor=world["scolarite"])
        # The same slot is free again.
        assert _schedule(enrolment, component, world["scolarite"])


class TestPages:
    def test_the_form_is_pre_filled_with_the_jury(self, ready, world, login):
        enrolment, _component = ready
        response = login(world["scolarite"]).get(reverse("evaluation:defence_schedule", args=[enrolment.pk]))
        form = response.context["form"]
        assert (form.initial["company_tutor"], form.initial["school_tutor"], form.initial["option_lead"]) == (
            world["company_tutor"].pk,
            world["school_tutor"].pk,
            world["option_lead"].pk,
        )
        assert [week.monday for week in response.context["weeks"]] == [h.DEFENCE_MONDAY]

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"end": "09:00"}, "end"),
            ({"room": ""}, "room"),
            ({"day": "2027-06-08"}, None),
            ({"day": "pas une date"}, "day"),
            ({"video_url": "javascript:alert(1)"}, "video_url"),
        ],
    )
    def test_bad_input_is_refused_with_a_message(self, ready, world, login, changes, field):
        enrolment, _component = ready
        data = {
            "day": "2027-06-15",
            "start": "10:00",
            "end": "11:00",
            "room": "B102",
            "company_tutor": world["company_tutor"].pk,
            "school_tutor": world["school_tutor"].pk,
            "option_lead": world["option_lead"].pk,
            **changes,
        }
        response = login(world["scolarite"]).post(
            reverse("evaluation:defence_schedule", args=[enrolment.pk]), data
        )
        assert response.status_code == 400
        form = response.context["form"]
        assert form.errors[field or "__all__"]
        assert not Defence.objects.exists()

    def test_cancelling_without_a_reason_is_refused(self, ready, world, login):
        enrolment, component = ready
        defence = _schedule(enrolment, component, world["scolarite"])
        response = login(world["scolarite"]).post(
            reverse("evaluation:defence_cancel", args=[defence.pk]), {"reason": "  "}
        )
        assert response.status_code == 400
        assert Defence.objects.get().state == DefenceState.SCHEDULED

    def test_a_stale_edit_answers_409(self, ready, world, login):
        enrolment, component = ready
        defence = _schedule(enrolment, component, world["scolarite"])
        services.update_defence(
            defence=defence,
            data=h.defence_data(enrolment, room="Amphi"),
            expected_sequence=0,
            actor=world["scolarite"],
        )
        data = {
            "day": "2027-06-15",
            "start": "14:00",
            "end": "15:00",
            "room": "B102",
            "company_tutor": world["company_tutor"].pk,
            "school_tutor": world["school_tutor"].pk,
            "option_lead": world["option_lead"].pk,
            "sequence": 0,
        }
        response = login(world["scolarite"]).post(reverse("evaluation:defence_edit", args=[defence.pk]), data)
        assert response.status_code == 409
        assert Defence.objects.get().room == "Amphi"

    def test_the_ics_is_a_calendar_file(self, ready, world, login):
        enrolment, component = ready
        defence = _schedule(enrolment, component, world["scolarite"])
        response = login(world["apprentice"]).get(reverse("evaluation:defence_ics", args=[defence.pk]))
        assert response["Content-Type"].startswith("text/calendar")
        assert Calendar.from_ical(response.content)["method"] == "PUBLISH"


def test_defences_are_in_the_feeds_of_their_people_only(ready, world):
    enrolment, component = ready
    defence = _schedule(enrolment, component, world["scolarite"])
    years = list(SchoolYear.objects.filter(start_year__in=[2026, 2027]))
    uid = services.feed_uid(defence).encode()
    for persona in ("apprentice", "company_tutor", "school_tutor", "option_lead"):
        assert uid in build_calendar(world[persona], school_years=years)
    assert uid not in build_calendar(world["outsider"], school_years=years)
    services.cancel_defence(defence=defence, reason="Reportée", actor=world["scolarite"])
    assert uid not in build_calendar(world["apprentice"], school_years=years)


class TestSchedule:
    def test_what_went_wrong_since_is_shown(self, ready, world):
        enrolment, component = ready
        defence = _schedule(enrolment, component, world["scolarite"])
        other = f.ApprenticeshipFactory(school_tutor=world["school_tutor"], option=world.own.option)
        clash = h.make_defence(h.enrolment_of(other), component)  # written around the rules
        h.defence_week(enrolment.school_year, kind=WeekKind.SCHOOL)
        rows, _cancelled = services.schedule_rows(enrolment.school_year, 2)
        warnings = {row.defence.pk: row.warnings for row in rows if row.defence}
        assert len(warnings[defence.pk]) == 2  # the overlap, the week no longer a defence week
        assert len(warnings[clash.pk]) == 2

    def test_the_jury_changed_on_the_apprenticeship_is_shown(self, ready, world):
        enrolment, component = ready
        defence = _schedule(enrolment, component, world["scolarite"])
        world.own.school_tutor = f.UserFactory()
        world.own.save()
        with translation.override("en"):
            rows, _cancelled = services.schedule_rows(enrolment.school_year, None)
        (row,) = [row for row in rows if row.defence]
        assert row.defence == defence
        assert row.warnings == ["The jury is no longer the apprenticeship's tutors and option lead."]

    def _queries(self, client, url):
        client.get(url)  # the first request saves the new session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200
        return len(queries), response

    def test_the_list_runs_a_constant_number_of_queries(self, ready, world, login):
        _enrolment, component = ready
        client = login(world["scolarite"])
        url = reverse("evaluation:defence_list") + "?annee=2026&etude=2"

        def add(n, start_hour):
            for i in range(n):
                a = f.ApprenticeshipFactory(option=world.own.option)
                start = datetime.datetime(2027, 6, 14 + i % 5, start_hour + i // 5 % 8, tzinfo=PARIS)
                h.make_defence(
                    h.enrolment_of(a), component, start=start, end=start + datetime.timedelta(minutes=50)
                )

        add(3, 8)  # with world.own and world.other: 5 apprentices
        few, response = self._queries(client, url)
        assert len(response.context["rows"]) == 5
        add(45, 8)
        many, response = self._queries(client, url)
        assert len(response.context["rows"]) == 50
        assert sum(1 for row in response.context["rows"] if row.warnings) > 0
        assert few == many
