"""The fiche de liaison's workflow: each transition by the right persona (its effects: dates,
signature, notifications, audit trail) and refused to every other one; the to-dos and the
next-step texts; the concern told to the school tutor once; signature freeze and reopen."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from apprentissage.models import Notification, Signature, TransitionLog, User
from apprentissage.signatures import FrozenDocument, content_hash, is_frozen, valid_signature
from apprentissage.workflow import TransitionBlocked, apply_transition, workflow_todos
from lea import fiche_effects
from lea.enums import FicheState as S
from lea.models import Fiche
from lea.workflows.fiches import FICHE_WORKFLOW
from tests.conftest import PERSONAS

from .fiche_helpers import APPRENTICE_PART, TUTOR_PART, evidence, make_fiche, tutor_data


def fr(text: str) -> str:
    """`text` as the French catalogue says it (English until the integrator compiles it)."""
    with translation.override("fr"):
        return gettext(text)


def label(name: str) -> str:
    with translation.override("fr"):
        return str(Fiche._meta.get_field(name).verbose_name)


# Personas who may read a fiche of world.own (the others get 404).
READERS = {"apprentice", "company_tutor", "school_tutor", "option_lead", "scolarite", "admin"}

# transition → (start state, who may fire it, valid POST data for the persona)
TRANSITIONS = {
    "submit": (S.DRAFT, {"apprentice"}, lambda user: {}),
    "send_back": (S.SUBMITTED, {"company_tutor"}, lambda user: {"comment": "Détaille la partie projet."}),
    "countersign": (
        S.SUBMITTED,
        {"company_tutor"},
        lambda user: {"typed_name": f"{user.first_name} {user.last_name}" if user else "x", "consent": "on"},
    ),
    "acknowledge": (S.COUNTERSIGNED, {"school_tutor"}, lambda user: {"comment": "Vu en entretien."}),
    "reopen": (S.COUNTERSIGNED, {"scolarite", "admin"}, lambda user: {"comment": "Erreur de période."}),
}
TARGETS = {
    "submit": S.SUBMITTED,
    "send_back": S.RETURNED,
    "countersign": S.COUNTERSIGNED,
    "acknowledge": S.ACKNOWLEDGED,
    "reopen": S.SUBMITTED,
}


def _prepared(world, name):
    state, _who, _data = TRANSITIONS[name]
    fiche = make_fiche(world, state)
    if name == "submit":
        Fiche.objects.filter(pk=fiche.pk).update(**APPRENTICE_PART)
    if name == "countersign":
        Fiche.objects.filter(pk=fiche.pk).update(**TUTOR_PART)
    return Fiche.objects.get(pk=fiche.pk)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_each_transition_by_right_and_wrong_personas(name, persona, world, login):
    fiche = _prepared(world, name)
    state, allowed, data = TRANSITIONS[name]
    user = world[persona]
    logs_before = TransitionLog.objects.count()
    client = login(user)

    response = client.post(reverse("lea:fiche_transition", args=[fiche.pk, name]), data(user))

    fiche.refresh_from_db()
    if persona in allowed:
        assert response.status_code == 302 and response["Location"] == reverse(
            "lea:fiche_detail", args=[fiche.pk]
        )
        assert fiche.state == TARGETS[name]
        log = TransitionLog.objects.latest("pk")
        assert (log.transition, log.actor, log.from_state) == (name, user, state)
        return
    expected = 302 if user is None else 403 if persona in READERS else 404
    assert response.status_code == expected, response.status_code
    if user is None:
        assert response["Location"].startswith(reverse("account_login"))
    assert fiche.state == state
    assert TransitionLog.objects.count() == logs_before


def test_submit_dates_the_fiche_and_tells_the_tutor_with_a_direct_link(world, settings):
    settings.LEA_FICHE_TUTOR_DAYS = 7
    fiche = make_fiche(world, S.SUBMITTED)
    assert fiche.submitted_at is not None
    assert fiche.tutor_due_on == datetime.date(2026, 11, 24) + datetime.timedelta(days=7)
    [note] = Notification.objects.filter(recipient=world["company_tutor"])
    assert note.url == reverse("lea:fiche_tutor_edit", args=[fiche.pk])
    assert str(world.own.apprentice) in note.title


def test_submit_incomplete_names_each_missing_field(world, login):
    fiche = make_fiche(world)
    client = login(world["apprentice"])

    response = client.post(reverse("lea:fiche_transition", args=[fiche.pk, "submit"]))

    assert response.status_code == 409
    message = str(next(iter(response.context["messages"])))
    for missing in (
        fr("activities and missions (at least one)"),
        "Concevoir une solution",
        "Conduire un projet",
        label("project_progress"),
        label("next_objectives"),
    ):
        assert missing in message, (missing, message)
    assert label("difficulties") not in message  # optional
    fiche.refresh_from_db()
    assert fiche.state == S.DRAFT and fiche.submitted_at is None


def test_missing_fields_of_each_part(world):
    fiche = make_fiche(world, S.SUBMITTED)
    assert fiche_effects.missing_in_apprentice_section(fiche) == []
    missing = fiche_effects.missing_in_tutor_section(fiche)
    # agreement, two ratings, six behaviour criteria, objectives
    assert len(missing) == 1 + 2 + 6 + 1, missing
    Fiche.objects.filter(pk=fiche.pk).update(
        **{**TUTOR_PART, "concern": True, "tutor_agreement": "corrections"}
    )
    fiche.refresh_from_db()
    assert [str(m) for m in fiche_effects.missing_in_tutor_section(fiche)] == [
        str(Fiche._meta.get_field("tutor_corrections").verbose_name),
        str(Fiche._meta.get_field("concern_reason").verbose_name),
    ]
    # "not observed" is an answer; a criterion left out is not
    behaviour = dict(TUTOR_PART["behaviour_ratings"])
    del behaviour["initiative"]
    Fiche.objects.filter(pk=fiche.pk).update(
        behaviour_ratings=behaviour, concern=False, tutor_agreement="agree"
    )
    fiche.refresh_from_db()
    assert len(fiche_effects.missing_in_tutor_section(fiche)) == 1


def test_countersign_incomplete_names_each_missing_field(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    tutor = world["company_tutor"]
    response = login(tutor).post(
        reverse("lea:fiche_transition", args=[fiche.pk, "countersign"]),
        {"typed_name": f"{tutor.first_name} {tutor.last_name}", "consent": "on"},
    )
    assert response.status_code == 409
    message = str(next(iter(response.context["messages"])))
    assert "Concevoir une solution" in message and fr("Initiative") in message
    assert not Signature.objects.exists()
    fiche.refresh_from_db()
    assert fiche.state == S.SUBMITTED


def test_send_back_needs_a_comment_and_tells_the_apprentice(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    client = login(world["company_tutor"])
    url = reverse("lea:fiche_transition", args=[fiche.pk, "send_back"])

    assert client.post(url, {"comment": "  "}).status_code == 400
    fiche.refresh_from_db()
    assert fiche.state == S.SUBMITTED

    assert client.post(url, {"comment": "Précise les pourcentages."}).status_code == 302
    fiche.refresh_from_db()
    assert fiche.state == S.RETURNED
    note = Notification.objects.get(recipient=world["apprentice"])
    assert note.message == "Précise les pourcentages." and note.url == reverse(
        "lea:fiche_edit", args=[fiche.pk]
    )
    assert TransitionLog.objects.latest("pk").comment == "Précise les pourcentages."


def test_countersign_signs_freezes_and_tells_the_school_tutor(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    Fiche.objects.filter(pk=fiche.pk).update(**TUTOR_PART)
    tutor = world["company_tutor"]
    client = login(tutor)
    url = reverse("lea:fiche_transition", args=[fiche.pk, "countersign"])

    wrong = client.post(url, {"typed_name": "Quelqu'un d'autre", "consent": "on"})
    assert wrong.status_code == 400 and not Signature.objects.exists()

    assert (
        client.post(url, {"typed_name": f"{tutor.last_name} {tutor.first_name}", "consent": "on"}).status_code
        == 302
    )
    fiche.refresh_from_db()
    signature = valid_signature(fiche)
    assert fiche.state == S.COUNTERSIGNED and fiche.countersigned_at is not None
    assert (signature.signer, signature.purpose, signature.method) == (tutor, "company_tutor", "online")
    assert is_frozen(fiche)
    with pytest.raises(FrozenDocument):
        fiche.ensure_editable()
    note = Notification.objects.get(recipient=world["school_tutor"])
    assert note.url == reverse("lea:fiche_detail", args=[fiche.pk])


def test_acknowledge_keeps_the_comment(world, login):
    fiche = make_fiche(world, S.COUNTERSIGNED)
    response = login(world["school_tutor"]).post(
        reverse("lea:fiche_transition", args=[fiche.pk, "acknowledge"]), {"comment": "Vu lors du retour."}
    )
    assert response.status_code == 302
    fiche.refresh_from_db()
    assert fiche.state == S.ACKNOWLEDGED
    assert fiche.school_comment == "Vu lors du retour."
    assert fiche.acknowledged_by == world["school_tutor"] and fiche.acknowledged_at is not None


def test_acknowledge_without_comment(world, login):
    fiche = make_fiche(world, S.COUNTERSIGNED)
    login(world["school_tutor"]).post(reverse("lea:fiche_transition", args=[fiche.pk, "acknowledge"]), {})
    fiche.refresh_from_db()
    assert fiche.state == S.ACKNOWLEDGED and fiche.school_comment == ""


@pytest.mark.parametrize("state", [S.COUNTERSIGNED, S.ACKNOWLEDGED])
def test_reopen_voids_the_signature_kept_and_the_verification_page_says_so(state, world, login):
    fiche = make_fiche(world, state)
    signature = valid_signature(fiche)
    client = login(world["scolarite"])
    # Signed: the verification page says the fiche is exactly what was signed.
    valid = client.get(reverse("signature_verification"), {"code": signature.verification_code})
    assert valid.context["result"].content_unchanged and signature.content_sha256 == content_hash(fiche)
    url = reverse("lea:fiche_transition", args=[fiche.pk, "reopen"])

    assert client.post(url, {"comment": ""}).status_code == 400
    assert valid_signature(fiche) == signature

    assert client.post(url, {"comment": "Mauvaise période saisie."}).status_code == 302
    fiche.refresh_from_db()
    signature.refresh_from_db()
    assert fiche.state == S.SUBMITTED
    assert signature.voided_at is not None and signature.void_reason == "Mauvaise période saisie."
    assert Signature.objects.filter(pk=signature.pk).exists()  # kept
    assert not is_frozen(fiche) and fiche.countersigned_at is None and fiche.acknowledged_at is None
    told = set(
        Notification.objects.filter(url=reverse("lea:fiche_detail", args=[fiche.pk]))
        .exclude(recipient=world["school_tutor"])
        .values_list("recipient__email", flat=True)
    )
    assert told == {world["company_tutor"].email, world["apprentice"].email}

    page = client.get(reverse("signature_verification"), {"code": signature.verification_code})
    assert "Signature annulée" in page.content.decode()

    # The tutor can complete it again and countersign anew: a second, valid signature.
    tutor = world["company_tutor"]
    edit = login(tutor).post(
        reverse("lea:fiche_tutor_edit", args=[fiche.pk]), tutor_data(fiche, tutor_comment="Corrigé.")
    )
    assert edit.status_code == 302
    apply_transition(
        FICHE_WORKFLOW,
        Fiche.objects.get(pk=fiche.pk),
        "countersign",
        actor=tutor,
        evidence=evidence(tutor),
    )
    assert Signature.objects.filter(object_id=fiche.pk).count() == 2
    assert valid_signature(fiche).pk != signature.pk


def test_the_cancel_transition_is_only_the_portals(world):
    fiche = make_fiche(world)
    assert "cancel" not in [t.name for t in FICHE_WORKFLOW.available(world["scolarite"], fiche)]
    assert not world["scolarite"].has_perm("lea.cancel_fiche", fiche)
    apply_transition(FICHE_WORKFLOW, fiche, "cancel", actor=None, by_system=True)
    fiche.refresh_from_db()
    assert fiche.state == S.CANCELLED


def test_generated_permissions_follow_state_and_person(world):
    fiche = make_fiche(world)
    assert world["apprentice"].has_perm("lea.submit_fiche", fiche)
    assert not world["company_tutor"].has_perm("lea.submit_fiche", fiche)
    assert not world["company_tutor"].has_perm("lea.countersign_fiche", fiche)
    fiche = make_fiche(world, S.SUBMITTED)
    assert world["company_tutor"].has_perm("lea.countersign_fiche", fiche)
    assert not world["apprentice"].has_perm("lea.submit_fiche", fiche)
    assert world["company_tutor"].has_perm("lea.edit_fiche_tutor", fiche)
    assert not world["apprentice"].has_perm("lea.edit_fiche_apprentice", fiche)


# --- To-dos and next steps --------------------------------------------------------------


def _todos(user):
    return [(str(item.title), item.url) for item in workflow_todos(user)]


def test_todos_of_each_party(world):
    draft = make_fiche(world)
    returned = make_fiche(world, S.RETURNED)
    submitted = make_fiche(world, S.SUBMITTED)
    signed = make_fiche(world, S.COUNTERSIGNED)
    make_fiche(world, S.ACKNOWLEDGED)
    person = world.own.apprentice
    with translation.override("fr"):
        expected = {
            "apprentice": [
                (
                    fr("Fiche de liaison of period %(number)s: fill it in and submit it")
                    % {"number": draft.number},
                    reverse("lea:fiche_edit", args=[draft.pk]),
                ),
                (
                    fr("Fiche de liaison of period %(number)s: sent back by your tutor, revise it")
                    % {"number": returned.number},
                    reverse("lea:fiche_edit", args=[returned.pk]),
                ),
            ],
            "company_tutor": [
                (
                    fr("Fiche de liaison of %(person)s: complete it and countersign it") % {"person": person},
                    reverse("lea:fiche_tutor_edit", args=[submitted.pk]),
                ),
            ],
            "school_tutor": [
                (
                    fr("Fiche de liaison of %(person)s (period %(number)s): acknowledge it")
                    % {"person": person, "number": signed.number},
                    reverse("lea:fiche_detail", args=[signed.pk]),
                ),
            ],
        }
        for persona in PERSONAS:
            if world[persona] is None:
                continue
            fiches = [(t, url) for t, url in _todos(world[persona]) if "/fiches/" in url]
            assert sorted(fiches) == sorted(expected.get(persona, [])), persona


def test_todos_of_many_fiches_cost_a_constant_number_of_queries(world):
    """The person's facts, then each workflow's documents: the same for 1 or 6 fiches."""
    tutor = world["company_tutor"]
    make_fiche(world, S.SUBMITTED)
    with CaptureQueriesContext(connection) as few:
        workflow_todos(User.objects.get(pk=tutor.pk))
    for _ in range(5):
        make_fiche(world, S.SUBMITTED)
    with CaptureQueriesContext(connection) as many:
        items = workflow_todos(User.objects.get(pk=tutor.pk))
    assert len([i for i in items if "/fiches/" in i.url]) == 6
    assert len(many) == len(few)


def test_next_step_texts(world):
    with translation.override("fr"):
        texts = {state: FICHE_WORKFLOW.next_step(make_fiche(world, state)) for state in S}
        assert texts == {
            S.DRAFT: fr("The apprentice fills in their part of the fiche and submits it."),
            S.RETURNED: fr(
                "The company tutor sent the fiche back: "
                "the apprentice revises their part and submits it again."
            ),
            S.SUBMITTED: fr("The company tutor completes their part of the fiche and countersigns it."),
            S.COUNTERSIGNED: fr("The school tutor acknowledges the fiche."),
            S.ACKNOWLEDGED: fr("Done: the fiche is countersigned and acknowledged."),
            S.CANCELLED: fr("Cancelled: the calendar no longer has this company period."),
        }


# --- The concern ------------------------------------------------------------------------------


def _concern_notes(world):
    """The school tutor's notifications of a concern (the countersignature's has no message)."""
    return Notification.objects.filter(recipient=world["school_tutor"]).exclude(message="")


def test_a_concern_is_told_to_the_school_tutor_at_once_and_once(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    client = login(world["company_tutor"])
    url = reverse("lea:fiche_tutor_edit", args=[fiche.pk])

    client.post(url, tutor_data(fiche))
    assert not _concern_notes(world).exists()  # no concern, nobody told

    fiche.refresh_from_db()
    client.post(url, tutor_data(fiche, concern="on", concern_reason="Absences répétées."))
    [note] = _concern_notes(world)
    assert note.message == "Absences répétées." and note.url == reverse("lea:fiche_detail", args=[fiche.pk])

    fiche.refresh_from_db()
    client.post(url, tutor_data(fiche, concern="on", concern_reason="Absences répétées, encore."))
    assert _concern_notes(world).count() == 1  # not again on each save

    fiche.refresh_from_db()
    tutor = world["company_tutor"]
    client.post(
        reverse("lea:fiche_transition", args=[fiche.pk, "countersign"]),
        {"typed_name": f"{tutor.first_name} {tutor.last_name}", "consent": "on"},
    )
    fiche.refresh_from_db()
    assert fiche.state == S.COUNTERSIGNED
    assert _concern_notes(world).count() == 1  # nor at the countersignature


def test_a_concern_not_told_yet_is_told_at_the_countersignature(world):
    fiche = make_fiche(world, S.SUBMITTED)
    Fiche.objects.filter(pk=fiche.pk).update(**TUTOR_PART, concern=True, concern_reason="Démotivation.")
    tutor = world["company_tutor"]
    apply_transition(FICHE_WORKFLOW, fiche, "countersign", actor=tutor, evidence=evidence(tutor))
    [note] = _concern_notes(world)
    assert note.message == "Démotivation."
    assert Fiche.objects.get(pk=fiche.pk).concern_told_at is not None


def test_a_concern_without_its_reason_is_refused(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    response = login(world["company_tutor"]).post(
        reverse("lea:fiche_tutor_edit", args=[fiche.pk]), tutor_data(fiche, concern="on", concern_reason="")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["concern_reason"]
    fiche.refresh_from_db()
    assert not fiche.concern and not _concern_notes(world).exists()


def test_apply_transition_requirements_hold_without_the_view(world):
    fiche = make_fiche(world)
    with pytest.raises(TransitionBlocked):
        apply_transition(FICHE_WORKFLOW, fiche, "submit", actor=world["apprentice"])
