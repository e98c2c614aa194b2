"""Invitation end to end: mail through the task, the link sets the password, login works."""

import re
import smtplib

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from apprentissage.enums import Role
from apprentissage.models import CompanyTutor, User

from . import factories as f

INVITE = {
    "email": "Nouvelle.Tutrice@Example.com",
    "first_name": "Agnès",
    "last_name": "Nouvelle",
    "role": Role.COMPANY_TUTOR.value,
    "job_title": "Ingénieure qualité",
    "has_engineering_degree": "on",
    "years_as_engineer": "2",
}


def _invite(client, data, capture):
    with capture(execute=True):
        return client.post(reverse("person_invite"), data)


def _link(message) -> str:
    return re.search(r"http://\S+/invitation/\S+/", message.body).group(0)


def test_invitation_end_to_end(world, login, client, django_capture_on_commit_callbacks):
    login(world["scolarite"])
    company = world.own.company
    response = _invite(client, {**INVITE, "company": company.pk}, django_capture_on_commit_callbacks)
    assert response.status_code == 302

    person = User.objects.get(email="nouvelle.tutrice@example.com")
    assert not person.has_usable_password()
    assert person.invited_by == world["scolarite"]
    assert CompanyTutor.objects.get(user=person).company == company
    assert not EmailAddress.objects.get(user=person).verified
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle.tutrice@example.com"]
    assert "Agnès" in message.body
    assert message.alternatives and "Agnès" in message.alternatives[0][0]

    client.logout()
    link = _link(message).removeprefix("http://127.0.0.1:8000")
    assert client.get(link).status_code == 200
    response = client.post(
        link, {"new_password1": "Tarn-et-Garonne-81", "new_password2": "Tarn-et-Garonne-81"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).context["user"] == person
    assert EmailAddress.objects.get(user=person).verified

    # The link is single-use: the password change invalidates the token.
    client.logout()
    assert client.get(link).status_code == 400

    # And the person signs in through allauth's form with the chosen password.
    response = client.post(
        reverse("account_login"), {"login": "nouvelle.tutrice@example.com", "password": "Tarn-et-Garonne-81"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == person


def test_a_bad_link_is_refused(db, client):
    person = f.UserFactory()
    url = reverse("invitation_accept", args=["zz", "bad-token"])
    assert client.get(url).status_code == 400
    assert client.post(url, {"new_password1": "x", "new_password2": "x"}).status_code == 400
    person.refresh_from_db()
    assert person.check_password(f.PASSWORD)


def test_a_weak_password_is_refused_with_a_french_message(db, client):
    from allauth.account.utils import user_pk_to_url_str
    from django.contrib.auth.tokens import default_token_generator

    person = User.objects.create_user(email="faible@example.com", first_name="A", last_name="B")
    url = reverse(
        "invitation_accept", args=[user_pk_to_url_str(person), default_token_generator.make_token(person)]
    )
    response = client.post(url, {"new_password1": "123", "new_password2": "123"})
    assert response.status_code == 200
    assert "trop court" in response.content.decode()
    person.refresh_from_db()
    assert not person.has_usable_password()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"email": "apprenti@example.com"}, "email", "déjà un compte"),
        ({"email": "pas-une-adresse"}, "email", "adresse"),
        ({"company": ""}, "company", "entreprise"),
        ({"role": "option_lead", "company": ""}, "option", "option"),
        ({"role": "pirate"}, "role", "choix"),
        ({"first_name": ""}, "first_name", "obligatoire"),
    ],
)
def test_invitation_form_bad_input(world, login, client, change, field, message):
    login(world["scolarite"])
    before = User.objects.count()
    response = client.post(reverse("person_invite"), {**INVITE, "company": world.own.company.pk, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    assert message in " ".join(errors[field]).lower()
    assert User.objects.count() == before
    assert mail.outbox == []


def test_inviting_an_ineligible_tutor_warns_but_invites(
    world, login, client, django_capture_on_commit_callbacks
):
    login(world["scolarite"])
    data = {**INVITE, "company": world.own.company.pk, "has_engineering_degree": "", "years_as_engineer": "3"}
    response = _invite(client, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    shown = [str(m) for m in response.wsgi_request._messages]
    assert any("responsable d'option" in m for m in shown)
    assert not CompanyTutor.objects.get(user__email="nouvelle.tutrice@example.com").is_eligible


def test_resend_gives_a_fresh_link(world, login, client, django_capture_on_commit_callbacks):
    login(world["scolarite"])
    _invite(client, {**INVITE, "company": world.own.company.pk}, django_capture_on_commit_callbacks)
    person = User.objects.get(email="nouvelle.tutrice@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("person_resend_invitation", args=[person.pk]))
    assert len(mail.outbox) == 2
    assert _link(mail.outbox[1]).startswith("http://")


def test_resend_to_someone_who_signed_in_sends_nothing(
    world, login, client, django_capture_on_commit_callbacks
):
    login(world["scolarite"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("person_resend_invitation", args=[world["scolarite"].pk]))
    assert response.status_code == 302
    assert mail.outbox == []


class FlakySMTPBackend(EmailBackend):
    """Fails twice like a mail server under load, then delivers."""

    failures = 0

    def send_messages(self, messages):
        if FlakySMTPBackend.failures < 2:
            FlakySMTPBackend.failures += 1
            raise smtplib.SMTPServerDisconnected("try again later")
        return super().send_messages(messages)


def test_a_failing_mail_server_retries_and_loses_nothing(
    world, login, client, settings, django_capture_on_commit_callbacks
):
    import datetime

    import time_machine

    from apprentissage.models import OutboxEmail
    from apprentissage.tasks import sweep

    settings.EMAIL_BACKEND = "tests.test_invitations.FlakySMTPBackend"
    FlakySMTPBackend.failures = 0
    OutboxEmail.objects.all().delete()  # the world's e-mails (never committed in this test)
    login(world["scolarite"])
    _invite(client, {**INVITE, "company": world.own.company.pk}, django_capture_on_commit_callbacks)
    assert User.objects.filter(email="nouvelle.tutrice@example.com").exists()
    assert FlakySMTPBackend.failures == 1 and mail.outbox == []
    stored = OutboxEmail.objects.get(to="nouvelle.tutrice@example.com")
    for _retry in range(2):  # the sweep retries once each back-off has passed
        stored.refresh_from_db()
        with time_machine.travel(stored.next_attempt_at + datetime.timedelta(seconds=1)):
            sweep.delay()
    assert FlakySMTPBackend.failures == 2
    assert len(mail.outbox) == 1
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == ("sent", 3)


def test_no_mail_leaves_when_the_transaction_rolls_back(
    world, login, client, django_capture_on_commit_callbacks
):
    from django.db import transaction

    from apprentissage.services import invite_person

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                invite_person(
                    invited_by=world["scolarite"],
                    email="x@example.com",
                    first_name="X",
                    last_name="Y",
                    role=Role.MIDISUP,
                )
                raise RuntimeError("something later failed")
        except RuntimeError:
            pass
    assert callbacks == []
    assert mail.outbox == []
    assert not User.objects.filter(email="x@example.com").exists()
