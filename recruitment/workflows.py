"""The declared transition tables of the recruitment documents (see apprentissage.workflow):
who acts, with which form, what it does, what the next step reads, and the to-dos."""

import rules
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from apprentissage.rules import can_manage, is_admin, is_midisup
from apprentissage.workflow import Actor, Todo, Transition, Workflow

from . import effects
from .enums import DossierState as S
from .enums import MissionSheetState as M
from .forms import CommentForm, MilestoneForm, PaperSignatureForm, SignForm
from .models import Dossier, MissionSheet
from .rules import (
    contacts_a_dossier,
    is_candidate_of,
    is_contact_of,
    is_open,
    is_option_lead_of_dossier,
    leads_an_option,
)

OPEN = tuple(S.open())

# Who acts, as a predicate on one dossier and as the filter of the dossiers they act on.
staff = Actor.role(can_manage)
midisup = Actor.role(is_midisup) | Actor(is_admin)  # the IT administrator may, nothing waits for him
contact = Actor(is_contact_of, q=lambda user: Q(contact=user), when=contacts_a_dossier)
candidate = Actor(is_candidate_of)
option_lead = Actor(is_option_lead_of_dossier, q=lambda user: Q(option__lead=user), when=leads_an_option)
contact_of_open_dossier = contact.via("dossier") & Actor(is_open, q=lambda user: Q(dossier__state__in=OPEN))


def accord_is_complete(dossier) -> str | None:
    missing = dossier.accord.missing_fields()
    if missing:
        return _("The accord préalable is incomplete: %(fields)s.") % {"fields": ", ".join(missing)}
    return None


def option_has_room(dossier) -> str | None:
    from .selectors import places_left

    if places_left(dossier.option, dossier.cohort, lock=True) <= 0:
        return _("No place left in %(option)s for this cohort: put the dossier on the waiting list.") % {
            "option": dossier.option
        }
    return None


def option_is_full(dossier) -> str | None:
    if option_has_room(dossier) is None:
        return _("Places are still available in %(option)s: reserve one.") % {"option": dossier.option}
    return None


def sheet_is_complete(sheet) -> str | None:
    missing = sheet.missing_fields()
    if missing:
        return _("The mission sheet is incomplete: %(fields)s.") % {"fields": ", ".join(missing)}
    return None


def _url(name, *args):
    return lambda *_doc: reverse(name, args=args)


MIDISUP_STEPS = (
    (
        "sign_convention",
        S.WITH_MIDISUP,
        S.CONVENTION_SIGNED,
        gettext_lazy("Training agreement signed"),
        "convention_signed_on",
        gettext_lazy("MidiSup draws up the training agreement with the company."),
    ),
    (
        "sign_contract",
        S.CONVENTION_SIGNED,
        S.CONTRACT_SIGNED,
        gettext_lazy("Apprenticeship contract signed"),
        "contract_signed_on",
        gettext_lazy("The company and the apprentice sign the apprenticeship contract."),
    ),
    (
        "send_to_opco",
        S.CONTRACT_SIGNED,
        S.SENT_TO_OPCO,
        gettext_lazy("Sent to the OPCO"),
        "sent_to_opco_on",
        gettext_lazy("MidiSup sends the contract to the OPCO."),
    ),
)

DOSSIER_WORKFLOW = Workflow(
    model=Dossier,
    state_field="state",
    transitions=[
        Transition(
            "sign_accord",
            (S.COMPANY_INVITED,),
            S.ACCORD_SIGNED,
            gettext_lazy("Sign the accord préalable"),
            allowed=contact,
            requires=accord_is_complete,
            effects=(effects.record_online_signature, effects.tell_scolarite_accord_signed),
            form_class=SignForm,
            next_step=gettext_lazy(
                "The company contact fills in and signs the accord préalable, and describes the missions."
            ),
        ),
        Transition(
            "record_paper_signature",
            (S.COMPANY_INVITED,),
            S.ACCORD_SIGNED,
            gettext_lazy("Record a paper signature"),
            allowed=staff,
            requires=accord_is_complete,
            effects=(effects.record_paper_signature, effects.tell_scolarite_accord_signed),
            form_class=PaperSignatureForm,
            style="secondary",
        ),
        Transition(
            "reserve_place",
            (S.ACCORD_SIGNED, S.WAITLISTED),
            S.PLACE_RESERVED,
            gettext_lazy("Reserve a place"),
            allowed=staff,
            requires=option_has_room,
            effects=(effects.tell_place_reserved, effects.hand_over_if_ready),
            next_step=gettext_lazy("The registrar's office confirms receipt and reserves a place."),
        ),
        Transition(
            "waitlist",
            (S.ACCORD_SIGNED,),
            S.WAITLISTED,
            gettext_lazy("Put on the waiting list"),
            allowed=staff,
            requires=option_is_full,
            effects=(effects.tell_waitlisted,),
            style="secondary",
        ),
        Transition(
            "reopen_accord",
            (S.ACCORD_SIGNED, S.WAITLISTED, S.PLACE_RESERVED),
            S.COMPANY_INVITED,
            gettext_lazy("Reopen the accord préalable"),
            allowed=staff,
            comment_required=True,
            effects=(effects.void_accord_signature, effects.release_place),
            form_class=CommentForm,
            style="danger",
        ),
        Transition(
            "promote",
            (S.WAITLISTED,),
            S.PLACE_RESERVED,
            gettext_lazy("Place freed: reserved from the waiting list"),
            allowed=rules.always_deny,
            automatic=True,
            effects=(effects.tell_place_reserved, effects.hand_over_if_ready),
        ),
        Transition(
            "hand_to_midisup",
            (S.PLACE_RESERVED,),
            S.WITH_MIDISUP,
            gettext_lazy("Hand to MidiSup"),
            allowed=rules.always_deny,
            automatic=True,
            effects=(effects.tell_midisup,),
            next_step=gettext_lazy("The option lead validates the mission sheet."),
        ),
        *[
            Transition(
                name,
                (source,),
                target,
                label,
                allowed=midisup,
                effects=(effects.record_milestone(field),),
                form_class=MilestoneForm,
                next_step=next_step,
            )
            for name, source, target, label, field, next_step in MIDISUP_STEPS
        ],
        Transition(
            "register",
            (S.SENT_TO_OPCO,),
            S.REGISTERED,
            gettext_lazy("Contract registered"),
            allowed=midisup,
            effects=(effects.create_apprenticeship,),
            form_class=MilestoneForm,
            next_step=gettext_lazy("The OPCO registers the contract; MidiSup records it."),
        ),
        Transition(
            "withdraw",
            OPEN,
            S.WITHDRAWN,
            gettext_lazy("Withdraw my application"),
            allowed=candidate,
            comment_required=True,
            effects=(effects.release_place,),
            form_class=CommentForm,
            style="danger",
        ),
        Transition(
            "cancel",
            OPEN,
            S.CANCELLED,
            gettext_lazy("Cancel the dossier"),
            allowed=staff | contact,
            comment_required=True,
            effects=(effects.release_place,),
            form_class=CommentForm,
            style="danger",
        ),
    ],
    state_texts={
        S.WAITLISTED: gettext_lazy(
            "The option is full: the dossier gets the next place that frees up, in arrival order."
        ),
        S.REGISTERED: gettext_lazy("Done: the apprenticeship is active."),
        S.WITHDRAWN: gettext_lazy("The candidate withdrew: nothing more to do."),
        S.CANCELLED: gettext_lazy("The dossier was cancelled: nothing more to do."),
    },
    todos=[
        Todo(
            ("sign_accord",),
            gettext_lazy("Accord préalable of %(person)s: fill it in and sign it"),
            url=lambda dossier: reverse("recruitment:accord_edit", args=[dossier.pk]),
            params=lambda dossier: {"person": dossier.candidate.user},
            select_related=("candidate__user",),
        ),
        Todo(
            ("reserve_place", "waitlist"),
            ngettext_lazy(
                "%(count)d signed accord préalable to confirm",
                "%(count)d signed accords préalables to confirm",
                "count",
            ),
            url=lambda: reverse("recruitment:board") + f"?state={S.ACCORD_SIGNED}",
            states=(S.ACCORD_SIGNED,),
            count=True,
        ),
        Todo(
            ("reserve_place",),
            ngettext_lazy(
                "%(count)d dossier on a waiting list", "%(count)d dossiers on a waiting list", "count"
            ),
            url=lambda: reverse("recruitment:board") + f"?state={S.WAITLISTED}",
            states=(S.WAITLISTED,),
            count=True,
        ),
        Todo(
            ("sign_convention", "sign_contract", "send_to_opco", "register"),
            ngettext_lazy("%(count)d contract in progress", "%(count)d contracts in progress", "count"),
            url=_url("recruitment:midisup_queue"),
            count=True,
        ),
    ],
)

MISSION_SHEET_WORKFLOW = Workflow(
    model=MissionSheet,
    state_field="state",
    transitions=[
        Transition(
            "submit",
            (M.DRAFT, M.RETURNED),
            M.SUBMITTED,
            gettext_lazy("Submit to the option lead"),
            allowed=contact_of_open_dossier,
            requires=sheet_is_complete,
            effects=(effects.snapshot_submission,),
            next_step=gettext_lazy("The company contact completes and submits the mission sheet."),
        ),
        Transition(
            "validate",
            (M.SUBMITTED,),
            M.VALIDATED,
            gettext_lazy("Validate the missions"),
            allowed=option_lead.via("dossier"),
            effects=(effects.record_decision("validated"), effects.hand_over_after_validation),
            next_step=gettext_lazy("The option lead validates the mission sheet."),
        ),
        Transition(
            "send_back",
            (M.SUBMITTED,),
            M.RETURNED,
            gettext_lazy("Send back with remarks"),
            allowed=option_lead.via("dossier"),
            comment_required=True,
            effects=(effects.record_decision("returned"),),
            form_class=CommentForm,
            style="secondary",
        ),
    ],
    todos=[
        Todo(
            ("submit",),
            gettext_lazy("Missions of %(person)s: describe them and submit the sheet"),
            url=lambda sheet: reverse("recruitment:missions_edit", args=[sheet.dossier_id]),
            states=(M.DRAFT,),
            params=lambda sheet: {"person": sheet.dossier.candidate.user},
            select_related=("dossier__candidate__user",),
        ),
        Todo(
            ("submit",),
            gettext_lazy("Missions of %(person)s: sent back with remarks, revise the sheet"),
            url=lambda sheet: reverse("recruitment:missions_edit", args=[sheet.dossier_id]),
            states=(M.RETURNED,),
            params=lambda sheet: {"person": sheet.dossier.candidate.user},
            select_related=("dossier__candidate__user",),
        ),
        Todo(
            ("validate", "send_back"),
            ngettext_lazy(
                "%(count)d mission sheet to validate", "%(count)d mission sheets to validate", "count"
            ),
            url=_url("recruitment:review_list"),
            count=True,
        ),
    ],
)
