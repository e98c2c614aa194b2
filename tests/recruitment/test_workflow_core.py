"""What a workflow declaration gives for free, checked on recruitment's two workflows: a
rules permission per transition that agrees with `available()`, to-dos that agree with
the predicates (in a constant number of queries), the next-step texts, and the transition
views' htmx answers."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _

from apprentissage.dashboard import todos_for
from apprentissage.drafts import changes_between
from apprentissage.workflow import workflow_todos
from recruitment import progress
from recruitment.enums import DossierState as S
from recruitment.enums import MissionSheetState as M
from recruitment.models import Dossier, MissionSheet
from recruitment.workflows import DOSSIER_WORKFLOW, MISSION_SHEET_WORKFLOW

from ..conftest import PERSONAS
from .test_queries import make_dossiers

WORKFLOWS = [(DOSSIER_WORKFLOW, list(S.values)), (MISSION_SHEET_WORKFLOW, list(M.values))]


def _set_state(world, workflow, state, *, dossier_state=S.COMPANY_INVITED):
    Dossier.objects.filter(pk__in=[world.dossier.pk, world.other_dossier.pk]).update(state=dossier_state)
    model = workflow.model
    if model is Dossier:
        Dossier.objects.filter(pk__in=[world.dossier.pk, world.other_dossier.pk]).update(state=state)
    else:
        MissionSheet.objects.filter(dossier__in=[world.dossier, world.other_dossier]).update(state=state)
    docs = Dossier.objects.select_related("mission_sheet", "option", "candidate").filter(
        pk__in=[world.dossier.pk, world.other_dossier.pk]
    )
    return [d if model is Dossier else d.mission_sheet for d in docs]


# Permissions


def test_every_transition_is_a_registered_permission():
    for workflow, _states in WORKFLOWS:
        for transition in workflow.transitions:
            assert rules.perm_exists(workflow.perm_name(transition)), transition.name
    assert DOSSIER_WORKFLOW.perm_name("sign_accord") == "recruitment.sign_accord_dossier"
    assert MISSION_SHEET_WORKFLOW.perm_name("submit") == "recruitment.submit_missionsheet"


@pytest.mark.parametrize("persona", PERSONAS)
def test_transition_permissions_agree_with_available_in_every_state(world, persona):
    # rules' own permission set: Django's `user.has_perm` grants everything to superusers
    user = world[persona] or AnonymousUser()
    checked = 0
    for workflow, states in WORKFLOWS:
        for state in states:
            for doc in _set_state(world, workflow, state):
                available = workflow.available(user, doc)
                for transition in workflow.transitions:
                    allowed = rules.has_perm(workflow.perm_name(transition), user, doc)
                    assert allowed is (transition in available), (transition.name, state, doc)
                    checked += allowed
    assert checked or persona in {
        "anonymous",
        "apprentice",
        "company_tutor",
        "school_tutor",
        "module_teacher",
        "outsider",
    }


def test_sign_accord_permission_follows_the_state(world):
    contact = world["company_contact"]
    assert contact.has_perm("recruitment.sign_accord_dossier", world.dossier)
    Dossier.objects.filter(pk=world.dossier.pk).update(state=S.ACCORD_SIGNED)
    world.dossier.refresh_from_db()
    assert not contact.has_perm("recruitment.sign_accord_dossier", world.dossier)
    assert not contact.has_perm("recruitment.sign_accord_dossier", world.other_dossier)


# To-dos

# The IT administrator may record MidiSup's steps, but they do not wait for him.
NOT_A_TODO = {("admin", name) for name in ("sign_convention", "sign_contract", "send_to_opco", "register")}


@pytest.mark.parametrize("persona", PERSONAS)
def test_todo_documents_agree_with_the_predicates_in_every_state(world, persona):
    user = world[persona] or AnonymousUser()
    listed_somewhere = 0
    for workflow, states in WORKFLOWS:
        for state in states:
            docs = _set_state(world, workflow, state)
            for todo in workflow.todos:
                q = workflow.todo_q(todo, user)
                listed = set(workflow.model.objects.filter(q).values_list("pk", flat=True)) if q else set()
                expected = {
                    doc.pk
                    for doc in docs
                    for name in todo.transitions
                    if (persona, name) not in NOT_A_TODO
                    and (todo.states is None or state in todo.states)
                    and workflow.get(name) in workflow.available(user, doc)
                }
                assert listed == expected, (todo.transitions, state)
                listed_somewhere += len(listed)
    # not only empty sets agreeing: whoever has a step to take finds it in some state
    waits_for_nobody = {
        "anonymous",
        "candidate",
        "apprentice",
        "company_tutor",
        "school_tutor",
        "module_teacher",
        "outsider",
    }
    assert bool(listed_somewhere) is (persona not in waits_for_nobody)


def _todos(world, persona):
    return todos_for(type(world[persona]).objects.get(pk=world[persona].pk))


def test_company_contact_is_asked_to_fill_the_accord_and_the_missions_where_they_are(world):
    person = world.dossier.candidate.user

    todos = _todos(world, "company_contact")

    assert [(t.title, t.url) for t in todos] == [
        (
            _("Accord préalable of %(person)s: fill it in and sign it") % {"person": person},
            reverse("recruitment:accord_edit", args=[world.dossier.pk]),
        ),
        (
            _("Missions of %(person)s: describe them and submit the sheet") % {"person": person},
            reverse("recruitment:missions_edit", args=[world.dossier.pk]),
        ),
    ]


def test_company_contact_of_a_returned_sheet_is_asked_to_revise_it_and_not_once_closed(world):
    MissionSheet.objects.filter(dossier=world.dossier).update(state=M.RETURNED)
    Dossier.objects.filter(pk=world.dossier.pk).update(state=S.PLACE_RESERVED)
    person = world.dossier.candidate.user

    assert [t.title for t in _todos(world, "company_contact")] == [
        _("Missions of %(person)s: sent back with remarks, revise the sheet") % {"person": person}
    ]
    Dossier.objects.filter(pk=world.dossier.pk).update(state=S.CANCELLED)
    assert _todos(world, "company_contact") == []


def _board_of(state):
    return lambda: reverse("recruitment:board") + f"?state={state}"


@pytest.mark.parametrize(
    ("dossier_state", "sheet_state", "persona", "url"),
    [
        (S.ACCORD_SIGNED, M.DRAFT, "scolarite", _board_of(S.ACCORD_SIGNED)),
        # the waiting list's to-do lands on the waitlisted dossiers themselves, not on the counts
        (S.WAITLISTED, M.DRAFT, "scolarite", _board_of(S.WAITLISTED)),
        (S.WITH_MIDISUP, M.VALIDATED, "midisup", lambda: reverse("recruitment:midisup_queue")),
        (S.PLACE_RESERVED, M.SUBMITTED, "option_lead", lambda: reverse("recruitment:review_list")),
    ],
)
def test_staff_and_option_lead_get_counts(world, dossier_state, sheet_state, persona, url):
    ids = [world.dossier.pk, world.other_dossier.pk]
    Dossier.objects.filter(pk__in=ids).update(state=dossier_state)
    MissionSheet.objects.filter(dossier__in=ids).update(state=sheet_state)
    expected_url = url()
    count = 1 if persona == "option_lead" else 2  # the option lead leads one of the two options

    todos = [t for t in _todos(world, persona) if t.url == expected_url]

    assert [t.count for t in todos] == [count]


def test_waiting_list_todo_lands_on_the_waitlisted_dossiers(world, login):
    Dossier.objects.filter(pk=world.dossier.pk).update(state=S.WAITLISTED)
    client = login(world["scolarite"])
    [todo] = [t for t in _todos(world, "scolarite") if "waitlisted" in t.url]

    response = client.get(todo.url)

    assert [d.pk for d in response.context["page"]] == [world.dossier.pk]
    assert reverse("recruitment:dossier_detail", args=[world.dossier.pk]) in response.content.decode()


def test_midisup_steps_are_no_todo_of_the_it_administrator(world):
    Dossier.objects.filter(pk=world.dossier.pk).update(state=S.WITH_MIDISUP)

    assert reverse("recruitment:midisup_queue") not in [t.url for t in _todos(world, "admin")]


@pytest.mark.parametrize("persona", ["company_contact", "option_lead", "scolarite", "midisup", "admin"])
def test_workflow_todos_run_a_constant_number_of_queries(world, persona):
    def count_queries():
        user = type(world[persona]).objects.get(pk=world[persona].pk)  # nothing cached yet
        with CaptureQueriesContext(connection) as queries:
            items = workflow_todos(user)
        return len(queries), items

    small, _items = count_queries()
    for state in (S.COMPANY_INVITED, S.ACCORD_SIGNED, S.WITH_MIDISUP):
        make_dossiers(world, 30, state=state)
    MissionSheet.objects.filter(dossier__state=S.ACCORD_SIGNED).update(state=M.SUBMITTED)
    large, items = count_queries()

    # the per-user gates (staff groups, contact of a dossier, option lead: the menu asks them
    # too, cached for the request) and, per workflow, one query of documents and one of counts
    assert small == large <= 5
    assert items  # each of them has something to do at that size


# Next step


@pytest.mark.parametrize(
    ("state", "sheet_state", "expected"),
    [
        (
            S.COMPANY_INVITED,
            M.DRAFT,
            "The company contact fills in and signs the accord préalable, and describes the missions.",
        ),
        (S.ACCORD_SIGNED, M.DRAFT, "The registrar's office confirms receipt and reserves a place."),
        (
            S.WAITLISTED,
            M.DRAFT,
            "The option is full: the dossier gets the next place that frees up, in arrival order.",
        ),
        (S.PLACE_RESERVED, M.DRAFT, "The company contact completes and submits the mission sheet."),
        (S.PLACE_RESERVED, M.RETURNED, "The company contact completes and submits the mission sheet."),
        (S.PLACE_RESERVED, M.SUBMITTED, "The option lead validates the mission sheet."),
        (S.WITH_MIDISUP, M.VALIDATED, "MidiSup draws up the training agreement with the company."),
        (
            S.CONVENTION_SIGNED,
            M.VALIDATED,
            "The company and the apprentice sign the apprenticeship contract.",
        ),
        (S.CONTRACT_SIGNED, M.VALIDATED, "MidiSup sends the contract to the OPCO."),
        (S.SENT_TO_OPCO, M.VALIDATED, "The OPCO registers the contract; MidiSup records it."),
        (S.REGISTERED, M.VALIDATED, "Done: the apprenticeship is active."),
        (S.WITHDRAWN, M.DRAFT, "The candidate withdrew: nothing more to do."),
        (S.CANCELLED, M.SUBMITTED, "The dossier was cancelled: nothing more to do."),
    ],
)
def test_next_step_is_derived_from_the_workflows(world, state, sheet_state, expected):
    Dossier.objects.filter(pk=world.dossier.pk).update(state=state)
    MissionSheet.objects.filter(dossier=world.dossier).update(state=sheet_state)
    dossier = Dossier.objects.select_related("mission_sheet").get(pk=world.dossier.pk)

    assert progress.next_step(dossier) == _(expected)


def test_every_open_state_has_a_next_step(world):
    for state in S.values:
        assert DOSSIER_WORKFLOW.next_step(Dossier(state=state)), state


# The transition views with htmx


def test_transition_by_htmx_redirects_the_page_with_hx_redirect(world, login):
    client = login(world["company_contact"])

    response = client.post(
        reverse("recruitment:dossier_transition", args=[world.dossier.pk, "cancel"]),
        {"comment": "Le poste est supprimé."},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("recruitment:dossier_detail", args=[world.dossier.pk])
    assert Dossier.objects.get(pk=world.dossier.pk).state == S.CANCELLED


def test_refused_transition_by_htmx_keeps_its_status_and_reloads_the_page(world, login):
    client = login(world["candidate"])

    response = client.post(
        reverse("recruitment:dossier_transition", args=[world.dossier.pk, "cancel"]),
        {"comment": "Je renonce."},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 403
    assert response["HX-Refresh"] == "true"
    assert Dossier.objects.get(pk=world.dossier.pk).state == S.COMPANY_INVITED
    page = client.get(reverse("recruitment:dossier_detail", args=[world.dossier.pk]))
    assert _("You may not do this on this document.") in [str(m) for m in page.context["messages"]]


# Submitted versions


def test_changes_between_lists_the_changed_fields_line_by_line():
    fields = MissionSheet.CONTENT_FIELDS
    before = {"year1_missions": "Cartographie.\nIndicateurs.", "year1_family": "production"}
    after = {"year1_missions": "Cartographie.\nTableau de bord.", "year1_family": "production"}

    changes = changes_between(MissionSheet, fields, before, after)

    assert changes == [
        {
            "label": MissionSheet._meta.get_field("year1_missions").verbose_name,
            "removed": ["Indicateurs."],
            "added": ["Tableau de bord."],
        }
    ]
    assert changes_between(MissionSheet, fields, None, after) == []


# Confirming receipt: one button instead of the two transitions it chooses between


@pytest.mark.parametrize(
    ("persona", "state", "shown"),
    [
        ("scolarite", S.ACCORD_SIGNED, True),
        ("admin", S.ACCORD_SIGNED, True),
        ("scolarite", S.COMPANY_INVITED, False),
        ("company_contact", S.ACCORD_SIGNED, False),
        ("option_lead", S.ACCORD_SIGNED, False),
    ],
)
def test_confirm_receipt_button_is_offered_to_staff_on_a_signed_accord_only(
    world, login, persona, state, shown
):
    Dossier.objects.filter(pk=world.dossier.pk).update(state=state)

    response = login(world[persona]).get(reverse("recruitment:dossier_detail", args=[world.dossier.pk]))

    receipt_url = reverse("recruitment:confirm_receipt", args=[world.dossier.pk])
    assert response.context["can_receive"] is shown
    assert (receipt_url in response.content.decode()) is shown
    # the two transitions it chooses between are never offered apart on a signed accord
    offered = {a["transition"].name for group in response.context["dossier_actions"].values() for a in group}
    assert not (state == S.ACCORD_SIGNED and offered & {"reserve_place", "waitlist"})
