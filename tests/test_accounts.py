"""Account features people rely on: login by e-mailed code (company tutors), no open sign-up."""

import re

from django.core import mail
from django.urls import reverse


def test_company_tutor_signs_in_with_an_emailed_code(world, client, django_capture_on_commit_callbacks):
    tutor = world["company_tutor"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_request_login_code"), {"email": tutor.email})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == [tutor.email]
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", message.body, re.MULTILINE).group(1)
    assert "IMT Mines Albi" in message.body and "c'est  !" not in message.body

    response = client.post(reverse("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == tutor


def test_a_wrong_code_does_not_sign_in(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_request_login_code"), {"email": world["company_tutor"].email})
    response = client.post(reverse("account_confirm_login_code"), {"code": "WRONG1"})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302  # still anonymous


def test_there_is_no_open_sign_up(client, db):
    response = client.get(reverse("account_signup"))
    assert "fermée" in response.content.decode() or response.status_code in (403, 404)
    client.post(
        reverse("account_signup"),
        {"email": "intrus@example.com", "password1": "x" * 12, "password2": "x" * 12},
    )
    from apprentissage.models import User

    assert not User.objects.filter(email="intrus@example.com").exists()
