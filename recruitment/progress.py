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


def next_step(dossier) -> str:
    """Who acts next, as the workflows say; with a place reserved, the mission sheet tells."""
    from .workflows import DOSSIER_WORKFLOW, MISSION_SHEET_WORKFLOW

    sheet = getattr(dossier, "mission_sheet", None)
    if dossier.state == S.PLACE_RESERVED and sheet and sheet.state in (M.DRAFT, M.RETURNED):
        return MISSION_SHEET_WORKFLOW.next_step(sheet)
    return DOSSIER_WORKFLOW.next_step(dossier)
