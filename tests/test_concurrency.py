"""Sixteen identical requests at once (a double click, a retried form, a script) give one
success and friendly "already done" answers, never a 500 on a unique constraint: recording
a candidate and inviting a person. (The first TAPE answer: tests/planning/test_tape_concurrency.py.)"""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from apprentissage.enums import Role
from apprentissage.models import CompanyTutor, User
from recruitment.models import Candidate, Dossier

from .concurrency import REQUESTS, logged_in_clients, post_at_once, require_postgresql

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

EMAIL = "lucie.fabre@example.com"


def _errors_on(response, field: str) -> list[str]:
    return response.context["form"].errors.get(field, [])


def test_sixteen_identical_candidate_records_give_one_candidate_and_fifteen_already_recorded(world):
    require_postgresql()
    clients = logged_in_clients(world["scolarite"])
    data = {
        "email": EMAIL,
        "first_name": "Lucie",
        "last_name": "Fabre",
        "birth_date": "2005-03-14",
        "option": "GenIndus",
        "entry_year": "2027",
        "diploma": "but",
    }

    responses = post_at_once(clients, reverse("recruitment:candidate_create"), data)

    assert sorted(r.status_code for r in responses) == [200] * (REQUESTS - 1) + [302]
    for response in responses:
        if response.status_code == 200:
            assert _errors_on(response, "email") == ["Ce candidat est déjà enregistré pour cette promotion."]
    assert Candidate.objects.filter(user__email=EMAIL).count() == 1
    assert User.objects.filter(email=EMAIL).count() == 1
    assert EmailAddress.objects.filter(email=EMAIL).count() == 1
    assert len([m for m in mail.outbox if m.to == [EMAIL]]) == 1  # one invitation


def test_sixteen_identical_invitations_give_one_account_and_fifteen_already_has_one(world):
    require_postgresql()
    clients = logged_in_clients(world["scolarite"])
    data = {
        "email": "nouvelle.tutrice@example.com",
        "first_name": "Agnès",
        "last_name": "Nouvelle",
        "role": Role.COMPANY_TUTOR.value,
        "company": world.own.company.pk,
        "job_title": "Ingénieure qualité",
        "has_engineering_degree": "on",
        "years_as_engineer": "2",
    }

    responses = post_at_once(clients, reverse("person_invite"), data)

    assert sorted(r.status_code for r in responses) == [200] * (REQUESTS - 1) + [302]
    for response in responses:
        if response.status_code == 200:
            assert _errors_on(response, "email") == [
                "Une personne ayant cette adresse e-mail possède déjà un compte."
            ]
    person = User.objects.get(email="nouvelle.tutrice@example.com")
    assert CompanyTutor.objects.filter(user=person).count() == 1
    assert EmailAddress.objects.filter(email=person.email).count() == 1
    assert len([m for m in mail.outbox if m.to == [person.email]]) == 1


def test_sixteen_identical_employer_invitations_give_one_dossier(world):
    """A candidate's "invite my future employer" sent 16 times at once: one dossier, one
    invitation, and every answer leads to that dossier."""
    require_postgresql()
    candidate = Candidate.objects.create(
        user=User.objects.create_user(email="nouveau.candidat@example.com", password="x"),
        cohort=world.dossier.cohort,
        option=world.dossier.option,
        birth_date=datetime.date(2005, 3, 14),
        diploma="but",
    )
    clients = logged_in_clients(candidate.user)
    data = {
        "contact_first_name": "Rémi",
        "contact_last_name": "Garcia",
        "contact_email": "rh.nouvelle@example.com",
        "company_name": "Usinage du Tarn",
    }

    responses = post_at_once(clients, reverse("recruitment:my_recruitment"), data)

    dossier = Dossier.objects.get(candidate=candidate)
    target = reverse("recruitment:dossier_detail", args=[dossier.pk])
    assert [r.status_code for r in responses] == [302] * REQUESTS
    assert {r["Location"] for r in responses} == {target}
    assert User.objects.filter(email="rh.nouvelle@example.com").count() == 1
    assert len([m for m in mail.outbox if m.to == ["rh.nouvelle@example.com"]]) == 1
