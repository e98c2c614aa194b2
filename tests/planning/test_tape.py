"""TAPE sessions: the schedule scolarité generates, the apprentice's answers, the
missed-session pattern flagged to scolarité. Today is frozen on Tuesday 24/11/2026
(week 48 of 2026-2027, 2A for cohort 2025)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from apprentissage.dashboard import todos_for
from apprentissage.enums import StaffRole
from apprentissage.models import Notification
from planning import selectors, tape, todos
from planning.enums import WeekKind as K
from planning.models import TapeAttendance, TapeSession
from planning.services import set_week_kinds
from planning.weeks import monday_before

from .. import factories as f
from .conftest import d, plan

TUE_9, THU_1330 = (1, datetime.time(9, 0)), (3, datetime.time(13, 30))


def at(text: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def local_monday(session: TapeSession) -> datetime.date:
    return monday_before(timezone.localtime(session.starts_at).date())


@pytest.fixture
def scolarite(db):
    return f.UserFactory(email="scolarite@example.com", groups=[StaffRole.SCOLARITE])


@pytest.fixture
def apprenticeship(year_2025, year_2026):
    """2A in 2026-2027, whose 2A calendar is company weeks except weeks 45, 46 and 2 at school."""
    plan(year_2026, 2, {38: K.RENTREE, 45: K.SCHOOL, 46: K.SCHOOL, 2: K.SCHOOL})
    return f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2025), status="active")


def past_session(year, starts_at="2026-11-17 09:00", study_year=2) -> TapeSession:
    start = at(starts_at)
    return TapeSession.objects.create(
        school_year=year,
        study_year=study_year,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=3.5),
    )


class TestGenerate:
    def test_two_a_week_in_1a_over_company_weeks_only(self, year_2025, scolarite):
        plan(year_2025, 1, {38: K.RENTREE, 39: K.PROPEDEUTIC, 40: K.SCHOOL, 45: K.SCHOOL, 52: K.CLOSURE})
        weeks = selectors.effective_weeks(year_2025, 1)
        company = {w.monday for w in weeks if w.kind == K.COMPANY}

        counts = tape.generate_sessions(
            school_year=year_2025, study_year=1, pattern=[TUE_9, THU_1330], actor=scolarite
        )

        sessions = list(TapeSession.objects.filter(school_year=year_2025, study_year=1))
        assert counts == {"created": 2 * len(company), "skipped": 0, "weeks": len(company)}
        assert len(sessions) == 2 * len(company)
        assert {local_monday(s) for s in sessions} == company
        assert all(s.hours == 3.5 for s in sessions)
        first = timezone.localtime(sessions[0].starts_at)
        assert (first.date(), first.time()) == (d("2025-10-07"), datetime.time(9, 0))  # weeks 38-40 at school
        assert sessions[0].history.first().history_user == scolarite

    def test_3a_has_no_session_in_its_last_company_period(self, year_2025, scolarite):
        plan(year_2025, 3, {30: K.SCHOOL})  # the last company period: weeks 31 to 39 of 2026
        tape.generate_sessions(school_year=year_2025, study_year=3, pattern=[TUE_9], actor=scolarite)
        mondays = {local_monday(s) for s in TapeSession.objects.filter(study_year=3)}
        assert max(mondays) == d("2026-07-13")  # week 29
        assert not [m for m in mondays if m >= d("2026-07-20")]

    def test_generation_is_idempotent(self, year_2025, scolarite):
        plan(year_2025, 2, {45: K.SCHOOL})
        first = tape.generate_sessions(
            school_year=year_2025, study_year=2, pattern=[TUE_9, THU_1330], actor=scolarite
        )
        again = tape.generate_sessions(
            school_year=year_2025, study_year=2, pattern=[TUE_9, THU_1330], actor=scolarite
        )
        assert again == {"created": 0, "skipped": first["created"], "weeks": first["weeks"]}
        assert TapeSession.objects.count() == first["created"]

    def test_a_range_of_weeks(self, year_2025, scolarite):
        plan(year_2025, 2, {})
        counts = tape.generate_sessions(
            school_year=year_2025,
            study_year=2,
            pattern=[TUE_9],
            first_week=d("2025-10-06"),
            last_week=d("2025-10-20"),
            actor=scolarite,
        )
        assert counts["created"] == 3

    def test_totals_reflect_generated_sessions(self, year_2025, scolarite):
        plan(year_2025, 1, {40: K.SCHOOL})
        counts = tape.generate_sessions(
            school_year=year_2025, study_year=1, pattern=[TUE_9, THU_1330], actor=scolarite
        )
        computed = selectors.totals(year_2025, 1)["computed"]
        assert computed["tape_sessions"] == counts["created"]
        assert computed["tape_hours"] == counts["created"] * 3.5


class TestAdjust:
    def test_a_session_in_a_school_week_is_rejected_naming_the_week(self, year_2025, scolarite):
        plan(year_2025, 2, {45: K.SCHOOL})
        with translation.override("en"), pytest.raises(tape.TapeError) as error:
            tape.add_session(
                school_year=year_2025, study_year=2, starts_at=at("2025-11-04 09:00"), actor=scolarite
            )
        assert str(error.value) == "Week 45 (03/11/2025) is a school week for 2A: no TAPE session then."
        assert not TapeSession.objects.exists()

    def test_the_schedule_page_shows_the_refusal(self, year_2025, scolarite, login):
        plan(year_2025, 2, {45: K.SCHOOL})
        response = login(scolarite).post(
            reverse("planning:tape_session_add", args=[2025]),
            {"study_year": 2, "day": "2025-11-04", "start": "09:00"},
        )
        assert response.status_code == 200
        assert "45 (03/11/2025)" in response.content.decode()
        assert not TapeSession.objects.exists()

    def test_a_session_in_a_company_week_is_added(self, year_2025, scolarite, login):
        plan(year_2025, 2, {45: K.SCHOOL})
        response = login(scolarite).post(
            reverse("planning:tape_session_add", args=[2025]),
            {"study_year": 2, "day": "2025-11-12", "start": "13:30", "title": "Rattrapage"},
        )
        assert response.status_code == 302
        session = TapeSession.objects.get()
        assert (timezone.localtime(session.starts_at), session.hours, session.title) == (
            at("2025-11-12 13:30"),
            3.5,
            "Rattrapage",
        )

    def test_the_last_company_period_of_3a_refuses_a_session(self, year_2025, scolarite):
        plan(year_2025, 3, {30: K.SCHOOL})
        with pytest.raises(tape.TapeError):
            tape.add_session(
                school_year=year_2025, study_year=3, starts_at=at("2026-08-04 09:00"), actor=scolarite
            )

    def test_generating_from_the_page(self, year_2025, scolarite, login):
        plan(year_2025, 1, {40: K.SCHOOL})
        response = login(scolarite).post(
            reverse("planning:tape_generate", args=[2025]),
            {"study_year": 1, "day_1": 1, "time_1": "09:00", "day_2": 3, "time_2": "13:30"},
        )
        assert response.status_code == 302
        assert TapeSession.objects.filter(study_year=1).count() == 2 * 53

    def test_a_session_someone_answered_for_is_not_deleted(self, apprenticeship, year_2026, scolarite):
        session = past_session(year_2026)
        tape.record_attendance(
            session=session, apprenticeship=apprenticeship, followed=True, actor=apprenticeship.apprentice
        )
        with pytest.raises(tape.TapeError):
            tape.delete_session(session=session, actor=scolarite)
        assert TapeSession.objects.filter(pk=session.pk).exists()

    def test_a_session_nobody_answered_for_is_deleted(self, year_2026, scolarite, login):
        session = past_session(year_2026)
        response = login(scolarite).post(reverse("planning:tape_session_delete", args=[session.pk]))
        assert response.status_code == 302
        assert not TapeSession.objects.exists()


class TestMarking:
    def mark(self, client, session, followed, reason="", **headers):
        return client.post(
            reverse("planning:tape_mark", args=[session.pk]),
            {f"s{session.pk}-followed": followed, f"s{session.pk}-reason": reason},
            **headers,
        )

    def test_the_apprentice_marks_a_session_followed(self, apprenticeship, year_2026, login):
        session = past_session(year_2026)
        response = self.mark(login(apprenticeship.apprentice), session, "yes")
        assert response.status_code == 302
        answer = TapeAttendance.objects.get()
        assert (answer.session, answer.apprenticeship, answer.followed) == (session, apprenticeship, True)

    def test_not_followed_needs_a_reason(self, apprenticeship, year_2026, login):
        session = past_session(year_2026)
        client = login(apprenticeship.apprentice)
        self.mark(client, session, "no")
        assert not TapeAttendance.objects.exists()
        self.mark(client, session, "no", "L'entreprise avait besoin de moi sur un chantier")
        answer = TapeAttendance.objects.get()
        assert (answer.followed, answer.reason) == (False, "L'entreprise avait besoin de moi sur un chantier")
        with pytest.raises(tape.TapeError):
            tape.record_attendance(
                session=session,
                apprenticeship=apprenticeship,
                followed=False,
                actor=apprenticeship.apprentice,
            )

    def test_the_answer_can_be_changed(self, apprenticeship, year_2026, login):
        session = past_session(year_2026)
        client = login(apprenticeship.apprentice)
        self.mark(client, session, "no", "Réunion client")
        self.mark(client, session, "yes")
        answer = TapeAttendance.objects.get()
        assert (answer.followed, answer.reason) == (True, "")

    def test_htmx_gets_the_row_only(self, apprenticeship, year_2026, login):
        session = past_session(year_2026)
        response = self.mark(login(apprenticeship.apprentice), session, "yes", HTTP_HX_REQUEST="true")
        html = response.content.decode()
        assert response.status_code == 200
        assert f'id="tape-session-{session.pk}"' in html and "<html" not in html
        assert TapeAttendance.objects.get().followed

    def test_htmx_shows_the_missing_reason_in_the_row(self, apprenticeship, year_2026, login):
        session = past_session(year_2026)
        response = self.mark(login(apprenticeship.apprentice), session, "no", HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        assert "invalid-feedback" in response.content.decode()
        assert not TapeAttendance.objects.exists()

    def test_someone_else_cannot_mark(self, apprenticeship, year_2026, login):
        session = past_session(year_2026)
        other = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2024), status="active")  # 3A
        for person in (other.apprentice, apprenticeship.company_tutor, f.UserFactory()):
            assert self.mark(login(person), session, "yes").status_code == 404
        with pytest.raises(tape.PermissionDenied):
            tape.record_attendance(
                session=session, apprenticeship=apprenticeship, followed=True, actor=other.apprentice
            )
        assert not TapeAttendance.objects.exists()

    def test_a_session_of_another_study_year_is_not_theirs(self, apprenticeship, year_2026, login):
        session = past_session(year_2026, study_year=1)
        assert self.mark(login(apprenticeship.apprentice), session, "yes").status_code == 404

    def test_a_session_not_started_cannot_be_marked(self, apprenticeship, year_2026):
        session = past_session(year_2026, starts_at="2026-11-26 09:00")
        with pytest.raises(tape.TapeError):
            tape.record_attendance(
                session=session, apprenticeship=apprenticeship, followed=True, actor=apprenticeship.apprentice
            )

    def test_my_tape_lists_sessions_with_their_status(self, apprenticeship, year_2026, login):
        marked, unmarked = past_session(year_2026), past_session(year_2026, "2026-11-19 13:30")
        past_session(year_2026, "2026-11-26 09:00")
        TapeAttendance.objects.create(session=marked, apprenticeship=apprenticeship, followed=True)
        response = login(apprenticeship.apprentice).get(reverse("planning:my_tape"))
        rows = response.context["rows"]
        assert [r["session"] for r in rows][:2] == [marked, unmarked]
        assert [(r["started"], r["form"] is not None) for r in rows] == [
            (True, True),
            (True, True),
            (False, False),
        ]
        assert response.context["to_mark"] == 1

    def test_an_option_at_school_sees_no_session_that_week(self, apprenticeship, year_2026, scolarite):
        set_week_kinds(
            school_year=year_2026,
            changes=[(2, d("2026-11-16"), K.SCHOOL)],
            option=apprenticeship.option,
            actor=scolarite,
            description="option",
        )
        past_session(year_2026)  # week 47
        kept = past_session(year_2026, "2026-11-24 09:00")
        assert tape.sessions_for(apprenticeship, year_2026) == [kept]


class TestMissedPattern:
    def miss(self, apprenticeship, session):
        return tape.record_attendance(
            session=session,
            apprenticeship=apprenticeship,
            followed=False,
            reason="Besoin en entreprise",
            actor=apprenticeship.apprentice,
        )

    def test_two_missed_in_four_weeks_is_flagged_once_to_scolarite(
        self, apprenticeship, year_2026, scolarite
    ):
        today = d("2026-11-24")
        old = past_session(year_2026, "2026-10-20 09:00")  # more than 4 weeks ago
        first, second, third = (
            past_session(year_2026, t) for t in ("2026-11-03 09:00", "2026-11-17 09:00", "2026-11-19 09:00")
        )
        self.miss(apprenticeship, old)
        self.miss(apprenticeship, first)
        assert not tape.missed_pattern(apprenticeship, today)
        assert not Notification.objects.exists()

        self.miss(apprenticeship, second)
        assert tape.missed_pattern(apprenticeship, today)
        notification = Notification.objects.get()
        assert notification.recipient == scolarite
        assert notification.url == reverse("planning:tape_followup", args=[apprenticeship.pk])

        self.miss(apprenticeship, third)  # the same pattern: no second notification
        assert Notification.objects.count() == 1
        assert list(tape.apprenticeships_with_missed_pattern(today)) == [apprenticeship]
        assert tape.apprenticeships_with_missed_pattern(today)[0].missed == 3

    def test_scolarite_to_do_counts_apprentices_in_one_query(
        self, apprenticeship, year_2026, scolarite, django_assert_num_queries
    ):
        for other in (apprenticeship, *(f.ApprenticeshipFactory(status="active") for _ in range(3))):
            for t in ("2026-11-17 09:00", "2026-11-19 09:00"):
                session = TapeSession.objects.filter(starts_at=at(t), study_year=2).first() or past_session(
                    year_2026, t
                )
                TapeAttendance.objects.create(
                    session=session, apprenticeship=other, followed=False, reason="x"
                )
        # The user's groups (the permission), the count of apprenticeships with the pattern.
        with django_assert_num_queries(2):
            items = todos.scolarite_tape_todos(scolarite)
        assert [(i.count, i.url) for i in items] == [(4, reverse("planning:tape_missed"))]
        assert items[0] in todos_for(scolarite)

    def test_apprentice_to_do_counts_sessions_to_mark(self, apprenticeship, year_2026):
        answered = past_session(year_2026)
        past_session(year_2026, "2026-11-19 09:00")
        past_session(year_2026, "2026-11-20 09:00")
        past_session(year_2026, "2026-11-26 09:00")  # not started
        TapeAttendance.objects.create(session=answered, apprenticeship=apprenticeship, followed=True)
        items = [i for i in todos_for(apprenticeship.apprentice) if i.url == reverse("planning:my_tape")]
        assert [i.count for i in items] == [2]

    def test_the_missed_list_page(self, apprenticeship, year_2026, scolarite, login):
        for t in ("2026-11-17 09:00", "2026-11-19 09:00"):
            self.miss(apprenticeship, past_session(year_2026, t))
        response = login(scolarite).get(reverse("planning:tape_missed"))
        assert response.context["apprenticeships"] == [apprenticeship]


class TestQueryCounts:
    def count(self, client, url) -> int:
        client.get(url)  # the session is saved on the first request after signing in, not after
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def test_tape_schedule_is_constant(self, year_2026, scolarite, login):
        client = login(scolarite)
        url = reverse("planning:tape_schedule", args=[2026]) + "?study_year=2"
        plan(year_2026, 2, {45: K.SCHOOL})
        tape.generate_sessions(school_year=year_2026, study_year=2, pattern=[TUE_9], actor=scolarite)
        small = self.count(client, url)
        tape.generate_sessions(school_year=year_2026, study_year=2, pattern=[THU_1330], actor=scolarite)
        for session in TapeSession.objects.all()[:20]:
            TapeAttendance.objects.create(
                session=session, apprenticeship=f.ApprenticeshipFactory(), followed=False, reason="x"
            )
        # Login session and user (2), groups (1), the school year (1), sessions with their answer
        # counts (1), the school years (1), totals: weeks and sessions (2), then the layout's own
        # queries (menu permissions): 15 today, whatever the number of sessions.
        assert self.count(client, url) == small

    def test_tape_followup_is_constant(self, apprenticeship, year_2026, scolarite, login):
        client = login(scolarite)
        url = reverse("planning:tape_followup", args=[apprenticeship.pk])
        past_session(year_2026)
        small = self.count(client, url)
        plan(year_2026, 2, {})
        tape.generate_sessions(
            school_year=year_2026, study_year=2, pattern=[TUE_9, THU_1330], actor=scolarite
        )
        for session in TapeSession.objects.filter(starts_at__lt=timezone.now())[:10]:
            TapeAttendance.objects.get_or_create(
                session=session, apprenticeship=apprenticeship, defaults={"followed": False, "reason": "x"}
            )
        # Login session and user (2), the apprenticeship (1), the permission (2), the school year (1),
        # option overrides (1), sessions (1) and their answers (1), the missed pattern (1), then the
        # layout's own queries: 17 today, whatever the number of sessions.
        assert self.count(client, url) == small

    def test_tape_followup_reads_the_enrolment_once(self, apprenticeship, year_2026, scolarite, login):
        client = login(scolarite)
        url = reverse("planning:tape_followup", args=[apprenticeship.pk])
        past_session(year_2026)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.context["study_year"] == 2 and len(response.context["rows"]) == 1
        enrolments = [q for q in queries.captured_queries if 'FROM "apprentissage_enrolment"' in q["sql"]]
        assert len(enrolments) == 1, [q["sql"][:150] for q in enrolments]

    def test_my_tape_is_constant(self, apprenticeship, year_2026, scolarite, login):
        client = login(apprenticeship.apprentice)
        url = reverse("planning:my_tape")
        past_session(year_2026)
        small = self.count(client, url)
        plan(year_2026, 2, {})
        tape.generate_sessions(
            school_year=year_2026, study_year=2, pattern=[TUE_9, THU_1330], actor=scolarite
        )
        for session in TapeSession.objects.filter(starts_at__lt=timezone.now())[:10]:
            TapeAttendance.objects.get_or_create(
                session=session, apprenticeship=apprenticeship, defaults={"followed": True}
            )
        # Login session and user (2), the apprenticeship (1), the school year (1), option overrides
        # (1), sessions (1) and their answers (1), then the layout's own queries.
        assert self.count(client, url) == small
