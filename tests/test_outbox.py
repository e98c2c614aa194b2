"""Nothing lost when the broker is down (issue 8, §1).

E-mails are rows of the transactional outbox (`OutboxEmail`), stored in the same transaction
as the change; publishing the task after commit never blocks nor raises; the sweep
(`apprentissage.sweep`, Celery beat every minute) sends what the broker never took.
"""

import datetime
import smtplib
import socket

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from apprentissage import mail as outbox
from apprentissage.celery import app, publish
from apprentissage.enums import Role
from apprentissage.models import ImportBatch, Job, OutboxEmail, User
from apprentissage.tasks import send_email, sweep
from recruitment.enums import DossierState as S
from recruitment.models import Candidate

from .recruitment.test_transitions import arrange
from .test_imports import _csv, _line

# The request tests need real commits: on-commit callbacks run inside the request, as in
# production (the data migrations' rows are restored after each test).
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _reset_pools():
    """Forget pooled broker connections made for another broker address."""
    app._pool = None
    if "amqp" in app.__dict__:
        app.amqp._producer_pool = None


@pytest.fixture
def closed_broker():
    """REDIS_URL pointing to a port nobody listens on, tasks not eager (production's shape)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    previous = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=f"redis://127.0.0.1:{port}/0")
    _reset_pools()
    yield port
    app.conf.update(task_always_eager=previous[0], broker_url=previous[1])
    _reset_pools()


def broker_back():
    """The broker works again (eager, as in tests): the next sweep runs."""
    app.conf.task_always_eager = True
    _reset_pools()


@pytest.fixture
def connection_attempts(monkeypatch):
    """Count TCP connection attempts (to the broker: nothing else connects in these tests)."""
    attempts = []
    connect = socket.socket.connect

    def counting(sock, address):
        attempts.append(address)
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", counting)
    return attempts


# --- Publishing never blocks ---------------------------------------------------------------


def test_publishing_is_configured_to_fail_fast():
    transport = app.conf.broker_transport_options
    assert app.conf.task_publish_retry is False
    assert app.conf.broker_connection_timeout <= 3
    assert transport["max_retries"] == 0  # one connection attempt when a task is published
    assert transport["socket_connect_timeout"] <= 3  # a port that drops packets
    assert transport["socket_timeout"] <= 5  # a broker that accepts but never answers
    assert app.conf.task_ignore_result  # no result-backend round trip when publishing


def test_publishing_to_a_closed_port_tries_once_and_does_not_raise(
    closed_broker, connection_attempts, caplog
):
    assert publish(send_email, 12345) is False
    assert publish(send_email, 12346) is False
    assert 1 <= len(connection_attempts) <= 2  # one attempt each at most: no retries
    assert "broker" in caplog.text.lower()


# --- The three requests of the issue, broker down -------------------------------------------


@transactional
def test_invite_with_the_broker_down_answers_at_once_and_the_sweep_sends_later(
    world, login, closed_broker, connection_attempts
):
    mail.outbox.clear()  # the world's own e-mails, sent before the broker went down
    client = login(world["scolarite"])
    client.raise_request_exception = False
    response = client.post(
        reverse("person_invite"),
        {
            "email": "nouvelle.tutrice@example.com",
            "first_name": "Agnès",
            "last_name": "Nouvelle",
            "role": Role.COMPANY_TUTOR.value,
            "company": world.own.company.pk,
            "job_title": "Ingénieure qualité",
            "has_engineering_degree": "on",
            "years_as_engineer": "2",
        },
    )

    assert response.status_code == 302  # the normal success, not a 500
    assert len(connection_attempts) <= 1  # one quick attempt, no retries
    assert User.objects.filter(email="nouvelle.tutrice@example.com").exists()
    stored = OutboxEmail.objects.get(to="nouvelle.tutrice@example.com")
    assert (stored.to, stored.status, stored.sent_at) == ("nouvelle.tutrice@example.com", "pending", None)
    assert mail.outbox == []

    broker_back()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        sweep.delay()
        sweep.delay()  # a second sweep finds nothing left to send
    assert [m.to for m in mail.outbox] == [["nouvelle.tutrice@example.com"]]
    assert "Agnès" in mail.outbox[0].body
    stored.refresh_from_db()
    assert stored.status == "sent" and stored.sent_at is not None


@transactional
def test_cancel_with_the_broker_down_answers_at_once_and_the_sweep_sends_later(
    world, login, closed_broker, connection_attempts
):
    dossier = arrange(world, S.PLACE_RESERVED)
    OutboxEmail.objects.all().delete()  # the arrangement's own e-mails
    mail.outbox.clear()
    connection_attempts.clear()
    client = login(world["scolarite"])
    client.raise_request_exception = False

    response = client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "cancel"]),
        {"comment": "L'entreprise renonce au recrutement."},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:dossier_detail", args=[dossier.pk])
    dossier.refresh_from_db()
    assert dossier.state == S.CANCELLED
    pending = list(OutboxEmail.objects.values_list("to", "status"))
    assert pending and all(status == "pending" for _to, status in pending)
    assert len(connection_attempts) <= len(pending)  # one attempt per message, no retries

    broker_back()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=2)):
        sweep.delay()
        sweep.delay()
    assert sorted(", ".join(m.to) for m in mail.outbox) == sorted(to for to, _status in pending)
    assert not OutboxEmail.objects.exclude(status="sent").exists()


@transactional
def test_import_confirmed_with_the_broker_down_is_run_by_the_sweep(
    world, login, closed_broker, connection_attempts
):
    mail.outbox.clear()  # the world's own e-mails, sent before the broker went down
    client = login(world["scolarite"])
    client.raise_request_exception = False
    client.post(reverse("recruitment:candidate_import"), {"file": _csv([_line(1)])})
    batch = ImportBatch.objects.get()
    connection_attempts.clear()

    response = client.post(reverse("import_confirm", args=[batch.pk]), {"confirm": "1"})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.status == Job.Status.PENDING
    assert len(connection_attempts) <= 1

    broker_back()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=5)):
        sweep.delay()
        sweep.delay()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert Candidate.objects.filter(user__email="importe1@example.com").exists()
    # the imported candidate's invitation, stored by the job and sent once
    assert [m.to for m in mail.outbox] == [["importe1@example.com"]]


# --- The outbox itself ---------------------------------------------------------------------


def test_a_message_is_stored_with_the_change_and_sent_once(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.queue_email(
            to=["a@example.com"], subject="Sujet", body="Corps", html_body="<p>C</p>"
        )
        assert OutboxEmail.objects.get().status == "pending"  # stored before commit
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 1
    assert outbox.send_stored(message.pk) is False  # a duplicate delivery of the task
    sweep.delay()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].alternatives[0] == ("<p>C</p>", "text/html")


def test_an_attachment_is_stored_with_the_message_and_sent_by_a_later_attempt(db, settings):
    invitation = outbox.Attachment("visite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    settings.EMAIL_BACKEND = "tests.test_outbox.DownSMTPBackend"
    message = outbox.store_email(to=["a@example.com"], subject="Visite", body="x", attachments=[invitation])
    assert outbox.send_stored(message.pk) is False  # the mail server is down: kept for later

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message.refresh_from_db()
    with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1)):
        assert outbox.send_stored(message.pk) is True  # from the row alone: the file with it

    [sent] = mail.outbox
    assert [(a.filename, a.content, a.mimetype) for a in sent.attachments] == [
        ("visite.ics", invitation.content, "text/calendar")
    ]


def test_nothing_is_stored_when_the_change_rolls_back(db, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox.queue_email(to=["a@example.com"], subject="Sujet", body="Corps")
        raise RuntimeError("the change failed")
    assert callbacks == [] and not OutboxEmail.objects.exists() and mail.outbox == []


class DownSMTPBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("try again later")


def test_a_failing_mail_server_backs_off_then_gives_up_clearly(
    db, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_outbox.DownSMTPBackend"
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox.queue_email(to=["a@example.com"], subject="Sujet", body="Corps")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "try again later" in message.last_error
    first_wait = message.next_attempt_at - timezone.now()
    assert first_wait >= datetime.timedelta(seconds=50)

    sweep.delay()  # too early: the back-off is respected
    message.refresh_from_db()
    assert message.attempts == 1

    waits = [first_wait]
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        with time_machine.travel(message.next_attempt_at + datetime.timedelta(seconds=1)):
            sweep.delay()
            message.refresh_from_db()
            if message.status == "pending":
                waits.append(message.next_attempt_at - timezone.now())
    assert waits == sorted(waits) and waits[-1] > waits[0]  # growing back-off
    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert mail.outbox == []


def test_a_message_claimed_by_a_dead_worker_is_sent_by_a_later_sweep(db):
    message = OutboxEmail.objects.create(to="a@example.com", subject="Sujet", body="Corps")
    # a worker claimed it (attempt counted, lease taken) and was killed before sending
    OutboxEmail.objects.filter(pk=message.pk).update(
        attempts=1, next_attempt_at=timezone.now() + outbox.CLAIM_LEASE
    )
    sweep.delay()
    assert mail.outbox == []  # the lease still runs: maybe the worker is only slow
    with time_machine.travel(timezone.now() + outbox.CLAIM_LEASE + datetime.timedelta(seconds=1)):
        sweep.delay()
    assert len(mail.outbox) == 1


def test_old_sent_messages_are_purged(db):
    old = OutboxEmail.objects.create(to="a@example.com", subject="Ancien", body="x")
    OutboxEmail.objects.filter(pk=old.pk).update(
        status="sent", created_at=timezone.now() - datetime.timedelta(days=outbox.KEEP_DAYS + 1)
    )
    recent = OutboxEmail.objects.create(to="a@example.com", subject="Récent", body="x", status="sent")
    sweep.delay()
    assert list(OutboxEmail.objects.values_list("pk", flat=True)) == [recent.pk]


def test_demo_outbox_page_lists_messages_sent_through_the_outbox(
    settings, client, db, django_capture_on_commit_callbacks
):
    settings.DEMO_MODE = True
    settings.EMAIL_BACKEND = "apprentissage.mail.DemoOutboxBackend"
    with django_capture_on_commit_callbacks(execute=True):
        outbox.queue_email(to=["b@example.com"], subject="Votre accès", body="http://lien")
    assert OutboxEmail.objects.count() == 1  # the demo backend does not copy it twice
    assert "Votre accès" in client.get(reverse("demo_outbox")).content.decode()


def test_the_admin_sends_failed_messages_again_through_the_next_sweep(world, login):
    failed = OutboxEmail.objects.create(
        to="a@example.com", subject="Échoué", body="x", status="failed", attempts=outbox.MAX_ATTEMPTS
    )
    sent = OutboxEmail.objects.create(to="b@example.com", subject="Parti", body="x", status="sent")
    response = login(world["admin"]).post(
        reverse("admin:apprentissage_outboxemail_changelist"),
        {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    assert OutboxEmail.objects.get(pk=sent.pk).status == "sent"  # a sent one is not sent twice

    sweep.delay()

    subjects = [m.subject for m in mail.outbox]
    assert subjects.count("Échoué") == 1 and "Parti" not in subjects
    assert OutboxEmail.objects.get(pk=failed.pk).status == "sent"


def test_a_message_queued_by_the_previous_version_is_stored_then_sent(db):
    # the former task's arguments (the message itself), still in the broker when upgrading
    assert send_email.delay(to=["a@example.com"], subject="Ancien", body="x", html_body="<p>x</p>").get()
    stored = OutboxEmail.objects.get(subject="Ancien")
    assert (stored.to, stored.status, stored.html_body) == ("a@example.com", "sent", "<p>x</p>")
    assert [m.subject for m in mail.outbox] == ["Ancien"]
