"""Reminders and escalation of the LEA documents (lea.reminders): one cadence, each step sent
once, only the latest step due after days without a run, a direct link to where one acts."""

import datetime
import threading

import pytest
import time_machine
from django.db import connections
from django.urls import reverse

from apprentissage.enums import StaffRole
from apprentissage.models import Notification
from lea.enums import DeadlineKind, FicheState, PlanState, ProjectState, ReminderStep
from lea.models import Deadline, Fiche, Reminder
from lea.reminders import send_reminders, step_due
from tests import factories as f
from tests.concurrency import require_postgresql


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def on(day: str):
    """The clock frozen at 8:00 on `day` (Paris), when the daily task runs."""
    return time_machine.travel(f"{day} 08:00 +0100", tick=False)


def sent(document) -> list[tuple]:
    return [(r.step, r.recipient, r.due_on, r.sent_by) for r in Reminder.of(document).order_by("pk")]


def notes(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("pk"))


@pytest.fixture
def fiche(world):
    """The apprentice's part was due on Friday 20/11/2026."""
    return f.FicheFactory(apprenticeship=world.own, due_on=d("2026-11-20"), return_on=d("2026-11-16"))


def test_the_steps_after_the_due_date(settings):
    settings.LEA_REMINDER_DAYS = (3, 10)
    settings.LEA_ESCALATE_SCHOOL_TUTOR_DAY = 14
    settings.LEA_ESCALATE_SCOLARITE_DAY = 21
    assert [step_due(days) for days in (0, 2, 3, 9, 10, 13, 14, 20, 21, 90)] == [
        None,
        None,
        ReminderStep.FIRST,
        ReminderStep.FIRST,
        ReminderStep.SECOND,
        ReminderStep.SECOND,
        ReminderStep.SCHOOL_TUTOR,
        ReminderStep.SCHOOL_TUTOR,
        ReminderStep.SCOLARITE,
        ReminderStep.SCOLARITE,
    ]


def test_a_late_fiche_is_reminded_then_escalated_each_step_once(world, fiche):
    apprentice, school_tutor = world["apprentice"], world["school_tutor"]
    scolarite = world["scolarite"]
    other_scolarite = f.UserFactory(groups=[StaffRole.SCOLARITE])

    with on("2026-11-22"):  # day 2: not yet
        assert sum(send_reminders().values()) == 0
    for _ in range(2):  # day 3, twice: one reminder
        with on("2026-11-23"):
            send_reminders()
    assert sent(fiche) == [(ReminderStep.FIRST, apprentice, fiche.due_on, None)]
    [note] = notes(apprentice)
    assert note.url == reverse("lea:fiche_edit", args=[fiche.pk])  # where the apprentice acts
    assert note.emailed_at is not None  # an apprentice is e-mailed at once

    with on("2026-11-30"):  # day 10
        send_reminders()
        send_reminders()
    with on("2026-12-04"):  # day 14: the school tutor, to the fiche's page
        send_reminders()
    assert [r[:2] for r in sent(fiche)] == [
        (ReminderStep.FIRST, apprentice),
        (ReminderStep.SECOND, apprentice),
        (ReminderStep.SCHOOL_TUTOR, school_tutor),
    ]
    assert [n.url for n in notes(school_tutor)] == [reverse("lea:fiche_detail", args=[fiche.pk])]
    assert apprentice.get_full_name() in notes(school_tutor)[0].message  # who is late

    # Day 21: scolarité, one notification for every item escalated in the run.
    second = f.FicheFactory(apprenticeship=world.other, due_on=d("2026-11-20"), return_on=d("2026-11-16"))
    with on("2026-12-11"):
        send_reminders()
        send_reminders()
    for person in (scolarite, other_scolarite):
        [summary] = notes(person)
        assert summary.url == reverse("lea:late_items")
        assert "2" in summary.title
    assert (ReminderStep.SCOLARITE, scolarite, fiche.due_on, None) in sent(fiche)
    assert (ReminderStep.SCOLARITE, other_scolarite, second.due_on, None) in sent(second)
    assert len(notes(apprentice)) == 2


def test_a_run_after_days_without_one_sends_only_the_latest_step(world, fiche):
    with on("2026-12-01"):  # day 11: the first reminder was never sent
        send_reminders()
    assert [r[0] for r in sent(fiche)] == [ReminderStep.SECOND]


def test_the_tutors_part_goes_to_their_digest_with_the_link_to_countersign(world, fiche):
    Fiche.objects.filter(pk=fiche.pk).update(state=FicheState.SUBMITTED, tutor_due_on=d("2026-11-21"))
    with on("2026-11-24"):
        send_reminders()
    tutor = world["company_tutor"]
    assert sent(fiche) == [(ReminderStep.FIRST, tutor, d("2026-11-21"), None)]
    [note] = notes(tutor)
    assert note.url == reverse("lea:fiche_tutor_edit", args=[fiche.pk])
    assert note.emailed_at is None  # in tomorrow's digest
    assert notes(world["apprentice"]) == []


def test_a_fiche_done_or_cancelled_is_not_reminded(world, fiche):
    for state in (FicheState.COUNTERSIGNED, FicheState.ACKNOWLEDGED, FicheState.CANCELLED):
        Fiche.objects.filter(pk=fiche.pk).update(state=state)
        with on("2026-12-20"):
            send_reminders()
    assert sent(fiche) == []


def test_a_moved_due_date_starts_a_new_cadence(world, fiche):
    with on("2026-11-23"):
        send_reminders()
    Fiche.objects.filter(pk=fiche.pk).update(due_on=d("2026-11-27"))
    with on("2026-11-30"):
        send_reminders()
    assert [(r[0], r[2]) for r in sent(fiche)] == [
        (ReminderStep.FIRST, d("2026-11-20")),
        (ReminderStep.FIRST, d("2026-11-27")),
    ]


def test_a_yearly_plan_waits_for_the_apprentice_and_the_tutor_then_the_option_lead(world):
    plan = f.YearlyPlanFactory(apprenticeship=world.own)  # 2A 2026-2027: due 15/11/2026 by default
    with on("2026-11-18"):
        send_reminders()
    due = d("2026-11-15")
    assert sent(plan) == [
        (ReminderStep.FIRST, world["apprentice"], due, None),
        (ReminderStep.FIRST, world["company_tutor"], due, None),
    ]
    assert notes(world["company_tutor"])[0].url == reverse("lea:plan_edit", args=[plan.pk])

    plan.state = PlanState.SUBMITTED
    plan.save()
    with on("2026-11-25"):  # day 10
        send_reminders()
    assert sent(plan)[-1] == (ReminderStep.SECOND, world["option_lead"], due, None)
    assert notes(world["option_lead"])[0].url == reverse("lea:plan_detail", args=[plan.pk])


def test_the_date_scolarite_set_replaces_the_default(world):
    plan = f.YearlyPlanFactory(apprenticeship=world.own)
    Deadline.objects.create(
        school_year=plan.school_year, study_year=2, kind=DeadlineKind.MISSIONS, due_on=d("2026-12-01")
    )
    with on("2026-11-24"):
        send_reminders()
    assert sent(plan) == []
    with on("2026-12-04"):
        send_reminders()
    assert {r[2] for r in sent(plan)} == {d("2026-12-01")}


def test_a_project_dossier_through_its_three_parties(world, settings):
    settings.LEA_FICHE_TUTOR_DAYS = 10
    project = f.ProjectDossierFactory(apprenticeship=world.own)  # the subject is due 31/01/2027
    with on("2026-11-24"):
        send_reminders()
    assert sent(project) == []
    with on("2027-02-03"):
        send_reminders()
    assert sent(project) == [(ReminderStep.FIRST, world["apprentice"], d("2027-01-31"), None)]
    assert notes(world["apprentice"])[-1].url == reverse("lea:project_edit", args=[project.pk])

    project.state = ProjectState.SUBMITTED
    project.submitted_at = datetime.datetime(2027, 2, 4, 10, tzinfo=datetime.UTC)
    project.save()
    with on("2027-02-17"):  # due 14/02, day 3
        send_reminders()
    assert sent(project)[-1] == (ReminderStep.FIRST, world["company_tutor"], d("2027-02-14"), None)
    assert notes(world["company_tutor"])[-1].url == reverse("lea:project_tutor_edit", args=[project.pk])

    project.state = ProjectState.ENDORSED
    project.save()
    with on("2027-03-06"):  # due 24/02, day 10
        send_reminders()
    assert sent(project)[-1][:3] == (ReminderStep.SECOND, world["school_tutor"], d("2027-02-24"))
    assert notes(world["school_tutor"])[-1].url == reverse("lea:project_detail", args=[project.pk])
    # Day 14: the school tutor is who acts, nobody to tell but scolarité on day 21.
    with on("2027-03-10"):
        send_reminders()
    assert len(notes(world["school_tutor"])) == 1
    with on("2027-03-17"):
        send_reminders()
    assert sent(project)[-1][:2] == (ReminderStep.SCOLARITE, world["scolarite"])


def test_the_beat_task_sends_them(world, fiche, settings):
    from lea.tasks import send_reminders as task

    assert settings.CELERY_BEAT_SCHEDULE["lea-send-reminders"]["task"] == "lea.send_reminders"
    assert settings.CELERY_BEAT_SCHEDULE["lea-sync-fiches"]["task"] == "lea.sync_fiches"
    with on("2026-11-23"):
        task.delay()
    assert len(sent(fiche)) == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_runs_send_each_reminder_once(world, fiche):
    require_postgresql()
    barrier = threading.Barrier(4)
    errors = []

    def run():
        try:
            barrier.wait(timeout=30)
            with on("2026-11-23"):
                send_reminders()
        except BaseException as error:  # pragma: no cover
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert len(sent(fiche)) == 1
    # (The enrolment also made the year's missions description, late too: its own reminder.)
    assert len([n for n in notes(world["apprentice"]) if "/fiches/" in n.url]) == 1


def test_no_reminder_once_the_apprenticeship_ended(world, fiche):
    from apprentissage.enums import ApprenticeshipStatus

    world.own.status = ApprenticeshipStatus.TERMINATED
    world.own.save()
    with on("2026-11-23"):
        send_reminders()
    assert sent(fiche) == []


@pytest.mark.parametrize("count", [5, 50])
def test_a_run_reads_a_constant_number_of_queries(world, count, django_assert_num_queries):
    for _ in range(count):
        apprenticeship = f.ApprenticeshipFactory(option=world.own.option)
        f.FicheFactory(apprenticeship=apprenticeship, due_on=d("2026-11-20"))
        f.YearlyPlanFactory(apprenticeship=apprenticeship, state=PlanState.SUBMITTED)
        f.ProjectDossierFactory(apprenticeship=apprenticeship)
    with on("2026-11-23"):
        send_reminders()
        # Everything sent already: fiches, plans, projects, the missions' and the subject's
        # dates set by scolarité, the reminders sent.
        with django_assert_num_queries(6):
            assert sum(send_reminders().values()) == 0
