"""Every transition of the two recruitment workflows × every persona, through the services;
then wrong state, double click and missing comment; then the transition views over HTTP.

Who may fire what is encoded explicitly in ALLOWED. The Django superuser ("admin") gets
exactly what the predicates give him: `apply_transition` calls the rules predicates
directly, never `user.has_perm`, so `is_superuser` alone grants nothing; "admin" is
allowed only where a transition's predicate names `is_admin` (the scolarité and MidiSup
steps), and never on the company's, the candidate's or the option lead's own steps.
"""

import datetime
import html
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apprentissage.models import Apprenticeship, Notification, Signature, TransitionLog
from apprentissage.signatures import SignerEvidence
from apprentissage.workflow import TransitionBlocked, TransitionConflict, TransitionNotAllowed
from recruitment import services
from recruitment.enums import DossierState as S
from recruitment.enums import MissionSheetState as M
from recruitment.models import AccordPrealable, Dossier, MissionSheet, MissionSheetVersion, OptionCapacity
from recruitment.workflows import DOSSIER_WORKFLOW, MISSION_SHEET_WORKFLOW

from .. import pdfs
from ..conftest import PERSONAS
from .conftest import ACCORD_DATA, fill

ON_DATE = datetime.date(2026, 11, 20)
PDF = pdfs.plain()  # a scan is parsed: a real (one blank page) PDF
STAFF = {"scolarite", "admin"}
MIDISUP = {"midisup", "admin"}

# transition -> the personas who may fire it (admin: see the module docstring)
ALLOWED = {
    # dossier
    "sign_accord": {"company_contact"},
    "record_paper_signature": STAFF,
    "reserve_place": STAFF,
    "waitlist": STAFF,
    "reopen_accord": STAFF,
    "promote": set(),  # automatic: only the portal (by_system=True)
    "hand_to_midisup": set(),  # automatic: only the portal (by_system=True)
    "sign_convention": MIDISUP,
    "sign_contract": MIDISUP,
    "send_to_opco": MIDISUP,
    "register": MIDISUP,
    "withdraw": {"candidate"},
    "cancel": STAFF | {"company_contact"},
    # mission sheet
    "submit": {"company_contact"},
    "validate": {"option_lead"},
    "send_back": {"option_lead"},
}
SHEET_TRANSITIONS = set(MISSION_SHEET_WORKFLOW.names())
COMMENT_REQUIRED = {"reopen_accord", "withdraw", "cancel", "send_back"}
# A valid start state for each transition (the dossier's, or the sheet's for sheet transitions).
SOURCE = {
    "sign_accord": S.COMPANY_INVITED,
    "record_paper_signature": S.COMPANY_INVITED,
    "reserve_place": S.ACCORD_SIGNED,
    "waitlist": S.ACCORD_SIGNED,
    "reopen_accord": S.ACCORD_SIGNED,
    "promote": S.WAITLISTED,
    "hand_to_midisup": S.PLACE_RESERVED,
    "sign_convention": S.WITH_MIDISUP,
    "sign_contract": S.CONVENTION_SIGNED,
    "send_to_opco": S.CONTRACT_SIGNED,
    "register": S.SENT_TO_OPCO,
    "withdraw": S.PLACE_RESERVED,
    "cancel": S.PLACE_RESERVED,
    "submit": M.DRAFT,
    "validate": M.SUBMITTED,
    "send_back": M.SUBMITTED,
}
# A state each transition does not start from.
WRONG_SOURCE = {
    **{name: S.COMPANY_INVITED for name in SOURCE if name not in SHEET_TRANSITIONS},
    "sign_accord": S.ACCORD_SIGNED,
    "record_paper_signature": S.ACCORD_SIGNED,
    "withdraw": S.WITHDRAWN,
    "cancel": S.CANCELLED,
    "submit": M.SUBMITTED,
    "validate": M.DRAFT,
    "send_back": M.VALIDATED,
}


def _full_name(user) -> str:
    return f"{user.first_name} {user.last_name}" if user else ""


def _kwargs(name: str, user) -> dict:
    """What the view would pass for `name`: a comment, the signer's evidence, a scan, a date."""
    kwargs = {}
    if name in COMMENT_REQUIRED:
        kwargs["comment"] = "Motif : le candidat a trouvé une autre entreprise."
    if name == "sign_accord":
        kwargs["evidence"] = SignerEvidence(
            typed_name=_full_name(user), ip_address="192.0.2.8", user_agent="Mozilla/5.0 (tests)"
        )
    elif name == "record_paper_signature":
        kwargs["data"] = {
            "scan": SimpleUploadedFile("accord-signe.pdf", PDF, content_type="application/pdf"),
            "signer_name": "Hélène Ressources",
            "signed_on": ON_DATE,
        }
    elif name in {"sign_convention", "sign_contract", "send_to_opco", "register"}:
        kwargs["data"] = {"on_date": ON_DATE}
    return kwargs


def _sign(world) -> None:
    contact = world["company_contact"]
    services.fire(world.dossier, "sign_accord", actor=contact, **_kwargs("sign_accord", contact))


def arrange(world, state: str, *, sheet_state: str = M.DRAFT) -> Dossier:
    """Put world's dossier (complete accord and missions) in `state`, through the services
    up to with_midisup, then with a direct update (acceptable for a transition matrix)."""
    dossier = world.dossier
    fill(dossier)
    if sheet_state != M.DRAFT:
        services.fire_on_sheet(dossier.mission_sheet, "submit", actor=world["company_contact"])
        if sheet_state == M.VALIDATED:
            services.fire_on_sheet(dossier.mission_sheet, "validate", actor=world["option_lead"])
    if state == S.COMPANY_INVITED:
        return _reload(dossier)
    _sign(world)
    if state in {S.ACCORD_SIGNED, S.WITHDRAWN, S.CANCELLED}:
        if state != S.ACCORD_SIGNED:
            # arrangement only: a closed dossier
            Dossier.objects.filter(pk=dossier.pk).update(state=state)
        return _reload(dossier)
    if state == S.WAITLISTED:
        OptionCapacity.objects.create(option=dossier.option, cohort=dossier.cohort, places=0)
        services.confirm_receipt(dossier=dossier, actor=world["scolarite"])
        return _reload(dossier)
    services.confirm_receipt(dossier=dossier, actor=world["scolarite"])
    if state == S.PLACE_RESERVED:
        return _reload(dossier)
    sheet = dossier.mission_sheet
    services.fire_on_sheet(sheet, "submit", actor=world["company_contact"])
    services.fire_on_sheet(sheet, "validate", actor=world["option_lead"])  # → handed to MidiSup
    if state != S.WITH_MIDISUP:
        # arrangement only: MidiSup's later steps
        Dossier.objects.filter(pk=dossier.pk).update(state=state)
    return _reload(dossier)


def _reload(dossier) -> Dossier:
    return Dossier.objects.select_related("accord", "mission_sheet", "option", "candidate").get(pk=dossier.pk)


def arrange_for(world, name: str, *, state: str | None = None) -> Dossier:
    state = state or SOURCE[name]
    if name in SHEET_TRANSITIONS:
        return arrange(world, S.COMPANY_INVITED, sheet_state=state)
    if name == "waitlist":
        dossier = arrange(world, state)
        OptionCapacity.objects.create(option=dossier.option, cohort=dossier.cohort, places=0)
        return dossier
    return arrange(world, state)


@dataclass
class Fired:
    name: str

    @property
    def is_sheet(self) -> bool:
        return self.name in SHEET_TRANSITIONS

    def target(self, dossier):
        return dossier.mission_sheet if self.is_sheet else dossier

    def workflow(self):
        return MISSION_SHEET_WORKFLOW if self.is_sheet else DOSSIER_WORKFLOW

    def __call__(self, dossier, actor, **overrides):
        kwargs = {**_kwargs(self.name, actor), **overrides}
        fire = services.fire_on_sheet if self.is_sheet else services.fire
        return fire(self.target(dossier), self.name, actor=actor or AnonymousUser(), **kwargs)


def snapshot(dossier) -> dict:
    """Everything a transition could change."""
    return {
        "dossier": Dossier.objects.values().get(pk=dossier.pk),
        "accord": AccordPrealable.objects.values().get(dossier=dossier.pk),
        "sheet": MissionSheet.objects.values().get(dossier=dossier.pk),
        "logs": TransitionLog.objects.count(),
        "signatures": list(Signature.objects.values_list("pk", "voided_at")),
        "versions": list(MissionSheetVersion.objects.values_list("pk", "decision")),
        "notifications": Notification.objects.count(),
        "apprenticeships": Apprenticeship.objects.count(),
    }


def test_allowed_table_covers_every_transition_of_both_workflows():
    assert set(ALLOWED) == set(DOSSIER_WORKFLOW.names()) | SHEET_TRANSITIONS
    assert set(SOURCE) == set(WRONG_SOURCE) == set(ALLOWED)
    assert {t.name for t in DOSSIER_WORKFLOW.transitions if t.automatic} == {"promote", "hand_to_midisup"}
    comment_required = {
        t.name
        for t in [*DOSSIER_WORKFLOW.transitions, *MISSION_SHEET_WORKFLOW.transitions]
        if t.comment_required
    }
    assert comment_required == COMMENT_REQUIRED


def _check_effects(name: str, dossier: Dossier, actor) -> None:
    """What each transition records besides its state (signature, dates, versions...)."""
    if name == "sign_accord":
        signature = Signature.objects.get()
        assert (signature.method, signature.signer, signature.voided_at) == ("online", actor, None)
        assert dossier.company.siret == ACCORD_DATA["siret"] and dossier.accord_signed_at is not None
    elif name == "record_paper_signature":
        signature = Signature.objects.get()
        assert (signature.method, signature.uploaded_by, signature.signer) == ("paper", actor, None)
        assert signature.scan.read() == PDF
    elif name == "reopen_accord":
        assert Signature.objects.get().voided_by == actor
    elif name in {"sign_convention", "sign_contract", "send_to_opco"}:
        field = {
            "sign_convention": "convention_signed_on",
            "sign_contract": "contract_signed_on",
            "send_to_opco": "sent_to_opco_on",
        }[name]
        assert getattr(dossier, field) == ON_DATE
    elif name == "register":
        apprenticeship = Apprenticeship.objects.get(apprentice=dossier.candidate.user)
        assert (dossier.apprenticeship, dossier.registered_on) == (apprenticeship, ON_DATE)
    elif name == "submit":
        assert list(dossier.mission_sheet.versions.values_list("number", "decision")) == [(1, "")]
    elif name in {"validate", "send_back"}:
        version = dossier.mission_sheet.versions.get()
        assert (version.decision, version.decided_by) == (
            "validated" if name == "validate" else "returned",
            actor,
        )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", list(ALLOWED))
def test_transition_fired_by_persona_succeeds_only_for_allowed_roles(world, name, persona):
    # Arrange
    fired = Fired(name)
    dossier = arrange_for(world, name)
    user = world[persona]
    actor = user or AnonymousUser()
    obj = fired.target(dossier)
    before = snapshot(dossier)
    transition = fired.workflow().get(name)
    shown = transition in fired.workflow().available(actor, obj)

    if persona in ALLOWED[name]:
        # Act
        fired(dossier, user)
        # Assert
        dossier = _reload(dossier)
        obj = fired.target(dossier)
        obj.refresh_from_db()
        assert shown  # the button is offered to exactly those who may press it
        assert obj.state == transition.target
        log = TransitionLog.objects.get(transition=name)
        assert (log.object_id, log.from_state, log.to_state, log.actor) == (
            obj.pk,
            SOURCE[name],
            transition.target,
            user,
        )
        assert log.comment == _kwargs(name, user).get("comment", "")
        assert TransitionLog.objects.count() == before["logs"] + 1
        _check_effects(name, dossier, user)
    else:
        # Act
        with pytest.raises(TransitionNotAllowed):
            fired(dossier, user)
        # Assert
        assert not shown
        assert snapshot(dossier) == before


@pytest.mark.parametrize("name", ["promote", "hand_to_midisup"])
def test_automatic_transition_fired_by_the_portal_succeeds(world, name):
    # Arrange: a free place for the waitlisted dossier
    dossier = arrange_for(world, name)
    OptionCapacity.objects.filter(option=dossier.option).update(places=1)
    scolarite = world["scolarite"]

    # Act
    services.fire(dossier, name, actor=scolarite, by_system=True)

    # Assert
    dossier.refresh_from_db()
    assert dossier.state == DOSSIER_WORKFLOW.get(name).target
    assert TransitionLog.objects.filter(transition=name).get().actor == scolarite
    for persona in PERSONAS:  # never offered as a button
        assert DOSSIER_WORKFLOW.get(name) not in DOSSIER_WORKFLOW.available(
            world[persona] or AnonymousUser(), dossier
        )


def _someone_allowed(world, name):
    persona = sorted(ALLOWED[name])[0] if ALLOWED[name] else "scolarite"
    return world[persona]


@pytest.mark.parametrize("name", list(ALLOWED))
def test_transition_from_a_wrong_state_is_a_conflict_and_changes_nothing(world, name):
    # Arrange
    fired = Fired(name)
    dossier = arrange_for(world, name, state=WRONG_SOURCE[name])
    actor = _someone_allowed(world, name)
    by_system = {"by_system": True} if fired.workflow().get(name).automatic else {}
    before = snapshot(dossier)

    # Act
    with pytest.raises(TransitionConflict) as raised:
        fired(dossier, actor, **by_system)

    # Assert
    assert snapshot(dossier) == before
    obj = fired.target(dossier)
    assert obj.get_state_display() in str(raised.value)
    assert TransitionConflict.status_code == 409


@pytest.mark.parametrize("name", [n for n in ALLOWED if ALLOWED[n]])
def test_transition_fired_twice_is_a_conflict_the_second_time(world, name):
    # Arrange: the first click went through
    fired = Fired(name)
    dossier = arrange_for(world, name)
    actor = _someone_allowed(world, name)
    fired(dossier, actor)
    before = snapshot(dossier)

    # Act: the double click
    with pytest.raises(TransitionConflict):
        fired(dossier, actor)

    # Assert
    assert snapshot(dossier) == before
    assert TransitionLog.objects.filter(transition=name).count() == 1


@pytest.mark.parametrize("comment", ["", "   \n "])
@pytest.mark.parametrize("name", sorted(COMMENT_REQUIRED))
def test_comment_required_transition_without_comment_is_blocked(world, name, comment):
    # Arrange
    fired = Fired(name)
    dossier = arrange_for(world, name)
    before = snapshot(dossier)

    # Act
    with pytest.raises(TransitionBlocked) as raised:
        fired(dossier, _someone_allowed(world, name), comment=comment)

    # Assert
    assert str(raised.value) == "Merci d'expliquer pourquoi dans le commentaire."
    assert snapshot(dossier) == before


def test_sign_accord_with_an_incomplete_accord_is_blocked_listing_the_missing_fields(world):
    # Arrange: the accord as start_dossier left it
    dossier = arrange(world, S.COMPANY_INVITED)
    AccordPrealable.objects.filter(dossier=dossier).update(siret="", start_date=None)
    before = snapshot(dossier)

    # Act
    with pytest.raises(TransitionBlocked) as raised:
        Fired("sign_accord")(dossier, world["company_contact"])

    # Assert
    siret, start = (str(AccordPrealable._meta.get_field(f).verbose_name) for f in ("siret", "start_date"))
    assert siret in str(raised.value) and start in str(raised.value)
    assert snapshot(dossier) == before


# Through the views


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


CANCEL_BY_HTTP = {
    # can see the dossier but may not cancel it: the page again, 403
    "candidate": 403,
    "option_lead": 403,
    # may cancel: back to the dossier
    "company_contact": 302,
    "scolarite": 302,
    "admin": 302,
    # cannot see the dossier: 404, as if it did not exist
    "apprentice": 404,
    "company_tutor": 404,
    "school_tutor": 404,
    "midisup": 404,
    "module_teacher": 404,
    "outsider": 404,
    "anonymous": 302,  # to the login page
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_dossier_transition_view_cancel_by_persona(world, login, persona):
    # Arrange
    dossier = arrange(world, S.PLACE_RESERVED)
    before = snapshot(dossier)
    client = login(world[persona])

    # Act
    response = client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "cancel"]),
        {"comment": "L'entreprise renonce au recrutement."},
    )

    # Assert
    assert response.status_code == CANCEL_BY_HTTP[persona]
    dossier.refresh_from_db()
    if persona in ALLOWED["cancel"]:
        assert response["Location"] == reverse("recruitment:dossier_detail", args=[dossier.pk])
        assert dossier.state == S.CANCELLED
        log = TransitionLog.objects.get(transition="cancel")
        assert (log.actor, log.comment) == (world[persona], "L'entreprise renonce au recrutement.")
    else:
        assert snapshot(dossier) == before
        if persona == "anonymous":
            assert response["Location"].startswith(reverse("account_login"))
    if response.status_code == 403:
        assert "Vous ne pouvez pas faire cela sur ce document." in _messages(response)
        assert response.context["dossier"].state == S.PLACE_RESERVED


def test_dossier_transition_view_second_post_is_409_with_a_friendly_message(world, login):
    # Arrange: the contact signs once
    dossier = arrange(world, S.COMPANY_INVITED)
    contact = world["company_contact"]
    client = login(contact)
    url = reverse("recruitment:dossier_transition", args=[dossier.pk, "sign_accord"])
    data = {"typed_name": _full_name(contact), "consent": "on"}
    first = client.post(url, data)
    assert first.status_code == 302
    before = snapshot(dossier)

    # Act: the second click of a double click
    response = client.post(url, data)

    # Assert
    assert response.status_code == 409
    message = (
        "Cette action a déjà été faite ou n'est plus possible "
        f"(état actuel : {Dossier(state=S.ACCORD_SIGNED).get_state_display()})."
    )
    # the first click's success message was never shown (its page was not loaded)
    assert _messages(response)[-1] == message
    assert message in html.unescape(response.content.decode())
    assert snapshot(dossier) == before
    assert Signature.objects.count() == 1


@pytest.mark.parametrize("url_name", ["dossier_transition", "sheet_transition"])
def test_transition_views_refuse_get_with_405(world, login, url_name):
    # Arrange
    dossier = arrange(world, S.COMPANY_INVITED)
    name = "cancel" if url_name == "dossier_transition" else "submit"
    client = login(world["scolarite"] if name == "cancel" else world["company_contact"])
    before = snapshot(dossier)

    # Act
    response = client.get(reverse(f"recruitment:{url_name}", args=[dossier.pk, name]))

    # Assert
    assert response.status_code == 405
    assert snapshot(dossier) == before


def test_sheet_transition_view_by_the_wrong_person_is_403_and_changes_nothing(world, login):
    # Arrange: the candidate sees the dossier but does not submit the company's missions
    dossier = arrange(world, S.COMPANY_INVITED)
    before = snapshot(dossier)
    client = login(world["candidate"])

    # Act
    response = client.post(reverse("recruitment:sheet_transition", args=[dossier.pk, "submit"]))

    # Assert
    assert response.status_code == 403
    assert _messages(response) == ["Vous ne pouvez pas faire cela sur ce document."]
    assert snapshot(dossier) == before


def test_transition_view_with_an_unknown_action_is_404(world, login):
    dossier = arrange(world, S.COMPANY_INVITED)
    before = snapshot(dossier)
    client = login(world["scolarite"])

    response = client.post(reverse("recruitment:dossier_transition", args=[dossier.pk, "delete"]))

    assert response.status_code == 404
    assert snapshot(dossier) == before
