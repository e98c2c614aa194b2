"""What the pipeline looks like to people: steps done, and who is expected to act next."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .enums import DossierState as S
from .enums import MissionSheetState as M

STEPS = [
    _("Admitted"),
    _("Accord préalable signed"),
    _("Place reserved"),
    _("Missions validated"),
    _("Training agreement"),
    _("Apprenticeship contract"),
    _("Sent to the OPCO"),
    _("Registered"),
]
MISSIONS_STEP = 3
# The last step each state has reached (the missions step is judged by the sheet itself).
REACHED = {
    S.COMPANY_INVITED: 0,
    S.ACCORD_SIGNED: 1,
    S.WAITLISTED: 1,
    S.PLACE_RESERVED: 2,
    S.WITH_MIDISUP: 3,
    S.CONVENTION_SIGNED: 4,
    S.CONTRACT_SIGNED: 5,
    S.SENT_TO_OPCO: 6,
    S.REGISTERED: 7,
}


@dataclass(frozen=True)
class Step:
    label: str
    done: bool


def steps(dossier) -> list[Step]:
    reached = REACHED.get(dossier.state, 0)
    sheet = getattr(dossier, "mission_sheet", None)
    missions_done = sheet is not None and sheet.state == M.VALIDATED
    return [
        Step(str(label), missions_done if index == MISSIONS_STEP else index <= reached)
        for index, label in enumerate(STEPS)
    ]


def percent_done(dossier) -> int:
    all_steps = steps(dossier)
    return round(100 * sum(step.done for step in all_steps) / len(all_steps))


NEXT = {
    S.COMPANY_INVITED: _(
        "The company contact fills in and signs the accord préalable, and describes the missions."
    ),
    S.ACCORD_SIGNED: _("The registrar's office confirms receipt and reserves a place."),
    S.WAITLISTED: _("The option is full: the dossier gets the next place that frees up, in arrival order."),
    S.PLACE_RESERVED: _("The option lead validates the mission sheet."),
    S.WITH_MIDISUP: _("MidiSup draws up the training agreement with the company."),
    S.CONVENTION_SIGNED: _("The company and the apprentice sign the apprenticeship contract."),
    S.CONTRACT_SIGNED: _("MidiSup sends the contract to the OPCO."),
    S.SENT_TO_OPCO: _("The OPCO registers the contract; MidiSup records it."),
    S.REGISTERED: _("Done: the apprenticeship is active."),
    S.WITHDRAWN: _("The candidate withdrew: nothing more to do."),
    S.CANCELLED: _("The dossier was cancelled: nothing more to do."),
}


def next_step(dossier) -> str:
    sheet = getattr(dossier, "mission_sheet", None)
    if dossier.state == S.PLACE_RESERVED and sheet and sheet.state in (M.DRAFT, M.RETURNED):
        return str(_("The company contact completes and submits the mission sheet."))
    return str(NEXT[dossier.state])
