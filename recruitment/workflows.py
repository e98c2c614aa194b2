"""The declared transition tables of the recruitment documents (see apprentissage.workflow)."""

import rules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apprentissage.rules import is_admin, is_midisup, is_scolarite
from apprentissage.workflow import Transition, Workflow

from . import effects
from .enums import DossierState as S
from .enums import MissionSheetState as M
from .rules import is_candidate_of, is_contact_of, is_option_lead_of_dossier

staff = is_scolarite | is_admin
midisup = is_midisup | is_admin


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


OPEN = tuple(S.open())
MIDISUP_STEPS = (
    (
        "sign_convention",
        S.WITH_MIDISUP,
        S.CONVENTION_SIGNED,
        gettext_lazy("Training agreement signed"),
        "convention_signed_on",
    ),
    (
        "sign_contract",
        S.CONVENTION_SIGNED,
        S.CONTRACT_SIGNED,
        gettext_lazy("Apprenticeship contract signed"),
        "contract_signed_on",
    ),
    ("send_to_opco", S.CONTRACT_SIGNED, S.SENT_TO_OPCO, gettext_lazy("Sent to the OPCO"), "sent_to_opco_on"),
)

DOSSIER_WORKFLOW = Workflow(
    state_field="state",
    transitions=[
        Transition(
            "sign_accord",
            (S.COMPANY_INVITED,),
            S.ACCORD_SIGNED,
            gettext_lazy("Sign the accord préalable"),
            allowed=is_contact_of,
            requires=accord_is_complete,
            effects=(effects.record_online_signature, effects.tell_scolarite_accord_signed),
        ),
        Transition(
            "record_paper_signature",
            (S.COMPANY_INVITED,),
            S.ACCORD_SIGNED,
            gettext_lazy("Record a paper signature"),
            allowed=staff,
            requires=accord_is_complete,
            effects=(effects.record_paper_signature, effects.tell_scolarite_accord_signed),
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
        ),
        *[
            Transition(
                name, (source,), target, label, allowed=midisup, effects=(effects.record_milestone(field),)
            )
            for name, source, target, label, field in MIDISUP_STEPS
        ],
        Transition(
            "register",
            (S.SENT_TO_OPCO,),
            S.REGISTERED,
            gettext_lazy("Contract registered"),
            allowed=midisup,
            effects=(effects.create_apprenticeship,),
        ),
        Transition(
            "withdraw",
            OPEN,
            S.WITHDRAWN,
            gettext_lazy("Withdraw my application"),
            allowed=is_candidate_of,
            comment_required=True,
            effects=(effects.release_place,),
            style="danger",
        ),
        Transition(
            "cancel",
            OPEN,
            S.CANCELLED,
            gettext_lazy("Cancel the dossier"),
            allowed=staff | is_contact_of,
            comment_required=True,
            effects=(effects.release_place,),
            style="danger",
        ),
    ],
)

MISSION_SHEET_WORKFLOW = Workflow(
    state_field="state",
    transitions=[
        Transition(
            "submit",
            (M.DRAFT, M.RETURNED),
            M.SUBMITTED,
            gettext_lazy("Submit to the option lead"),
            allowed=is_contact_of,
            requires=sheet_is_complete,
            effects=(effects.snapshot_submission,),
        ),
        Transition(
            "validate",
            (M.SUBMITTED,),
            M.VALIDATED,
            gettext_lazy("Validate the missions"),
            allowed=is_option_lead_of_dossier,
            effects=(effects.record_decision("validated"), effects.hand_over_after_validation),
        ),
        Transition(
            "send_back",
            (M.SUBMITTED,),
            M.RETURNED,
            gettext_lazy("Send back with remarks"),
            allowed=is_option_lead_of_dossier,
            comment_required=True,
            effects=(effects.record_decision("returned"),),
            style="secondary",
        ),
    ],
)
