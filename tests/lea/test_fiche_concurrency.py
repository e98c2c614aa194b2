"""Sixteen identical requests at once on a fiche (two tabs, a double click, two people):
one save wins and the others are told someone saved (no lost update, never a 500); one
countersignature; the concern told once (PostgreSQL only: see tests/concurrency.py)."""

import pytest
from django.urls import reverse

from apprentissage.models import Signature
from lea.enums import FicheState as S
from lea.models import Fiche

from ..concurrency import REQUESTS, logged_in_clients, post_at_once, require_postgresql
from .fiche_helpers import TUTOR_PART, apprentice_data, make_fiche, tutor_data

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_sixteen_saves_of_the_same_version_one_wins(world):
    require_postgresql()
    fiche = make_fiche(world)
    clients = logged_in_clients(world["apprentice"])

    responses = post_at_once(clients, reverse("lea:fiche_edit", args=[fiche.pk]), apprentice_data(fiche))

    assert sorted(r.status_code for r in responses) == [302] + [409] * (REQUESTS - 1)
    assert Fiche.objects.get(pk=fiche.pk).version == 2


def test_sixteen_countersignatures_sign_once(world):
    require_postgresql()
    fiche = make_fiche(world, S.SUBMITTED)
    Fiche.objects.filter(pk=fiche.pk).update(**TUTOR_PART, concern=True, concern_reason="Retards")
    tutor = world["company_tutor"]

    responses = post_at_once(
        logged_in_clients(tutor),
        reverse("lea:fiche_transition", args=[fiche.pk, "countersign"]),
        {"typed_name": f"{tutor.first_name} {tutor.last_name}", "consent": "on"},
    )

    assert sorted(r.status_code for r in responses) == [302] + [409] * (REQUESTS - 1)
    assert Signature.objects.filter(object_id=fiche.pk).count() == 1
    assert world["school_tutor"].notifications.exclude(message="").count() == 1  # the concern, once


def test_sixteen_autosaves_with_a_concern_tell_once(world):
    require_postgresql()
    fiche = make_fiche(world, S.SUBMITTED)

    post_at_once(
        logged_in_clients(world["company_tutor"]),
        reverse("lea:fiche_tutor_edit", args=[fiche.pk]),
        tutor_data(fiche, concern="on", concern_reason="Absences", autosave="1"),
    )

    assert Fiche.objects.get(pk=fiche.pk).version == 2
    assert world["school_tutor"].notifications.exclude(message="").count() == 1
