"""Notifications: home page item, immediate e-mail or daily digest, per person's choice."""

import pytest
from django.core import mail
from django.urls import reverse

from apprentissage.models import Notification
from apprentissage.models.users import EmailFrequency
from apprentissage.notifications import email_frequency_of, notify, send_daily_digests


def test_company_tutors_default_to_the_digest_others_to_immediate(world):
    assert email_frequency_of(world["company_tutor"]) == EmailFrequency.DAILY_DIGEST
    assert email_frequency_of(world["school_tutor"]) == EmailFrequency.IMMEDIATE


def test_a_persons_choice_wins_over_the_default(world):
    tutor = world["company_tutor"]
    tutor.email_frequency = EmailFrequency.IMMEDIATE
    assert email_frequency_of(tutor) == EmailFrequency.IMMEDIATE


def test_notify_mails_immediate_recipients_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [world["school_tutor"], world["company_tutor"], None, world["school_tutor"]],
            title="Fiche de liaison à relire",
            url="/apprentissages/1/",
        )
    # None and the duplicate are skipped
    assert Notification.objects.filter(title="Fiche de liaison à relire").count() == 2
    assert [m.to for m in mail.outbox] == [[world["school_tutor"].email]]
    assert "Fiche de liaison à relire" in mail.outbox[0].subject
    assert "http://127.0.0.1:8000/apprentissages/1/" in mail.outbox[0].body


def test_daily_digest_groups_pending_items_once(world, django_capture_on_commit_callbacks):
    tutor = world["company_tutor"]
    notify([tutor], title="Accord préalable à signer", url="/a/")
    notify([tutor], title="Fiche des missions renvoyée", url="/b/")
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 1
    assert len(mail.outbox) == 1
    assert "Accord préalable à signer" in mail.outbox[0].body
    assert "Fiche des missions renvoyée" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_digests() == 0  # idempotent: nothing is sent twice
    assert len(mail.outbox) == 1


def test_home_lists_unread_notifications_and_opening_marks_read(world, login):
    client = login(world["apprentice"])
    [notification] = notify([world["apprentice"]], title="Votre place est réservée", url="/apprentissages/")
    assert "Votre place est réservée" in client.get(reverse("home")).content.decode()
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response["Location"] == "/apprentissages/"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "Votre place est réservée" not in client.get(reverse("home")).content.decode()


def test_an_external_link_is_never_followed(world, login):
    [notification] = notify([world["apprentice"]], title="x", url="https://evil.example.net/")
    response = login(world["apprentice"]).get(reverse("notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("choice", ["immediate", "daily", ""])
def test_preferences_page_saves_the_choice(world, login, choice):
    client = login(world["company_tutor"])
    response = client.post(reverse("account_preferences"), {"email_frequency": choice})
    assert response.status_code == 302
    world["company_tutor"].refresh_from_db()
    assert world["company_tutor"].email_frequency == choice


def test_preferences_refuse_an_unknown_choice(world, login):
    client = login(world["company_tutor"])
    response = client.post(reverse("account_preferences"), {"email_frequency": "hourly"})
    assert response.status_code == 200
    assert response.context["form"].errors
