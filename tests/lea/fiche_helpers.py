"""Fiches de liaison of the personas' apprenticeship, filled and moved along the workflow,
and the POST data of each party's form (shared by the fiche tests and access cases)."""

from apprentissage.signatures import SignerEvidence
from apprentissage.workflow import apply_transition
from lea.enums import BehaviourCriterion, FicheState
from lea.forms.fiches import ACTIVITY_ROWS
from lea.models import Fiche
from lea.workflows.fiches import FICHE_WORKFLOW
from tests import factories as f

APPRENTICE_PART = {
    "activities": [
        {"description": "Audit de la ligne d'usinage", "share": 60},
        {"description": "Plan d'actions 5S", "share": 30},
    ],
    "self_ratings": {"conception": 2, "projet": 1},
    "difficulties": "Accès aux données de production.",
    "support_needed": "",
    "project_progress": "Diagnostic terminé, indicateurs définis.",
    "next_objectives": "Mettre en place le suivi du TRS.",
}
TUTOR_PART = {
    "tutor_agreement": "agree",
    "tutor_ratings": {"conception": 2, "projet": 2},
    "behaviour_ratings": {c.value: 3 for c in BehaviourCriterion} | {"deadlines": None},
    "tutor_objectives": "Autonomie sur le suivi des indicateurs.",
    "tutor_comment": "Très bonne période.",
}


def evidence(user) -> SignerEvidence:
    return SignerEvidence(
        typed_name=f"{user.first_name} {user.last_name}", ip_address="127.0.0.1", user_agent="pytest"
    )


def make_fiche(world, state: str = FicheState.DRAFT, *, apprenticeship=None, **fields) -> Fiche:
    """A fiche of `world.own` (or `apprenticeship`) brought to `state` by the workflow itself,
    each part filled when it has to be."""
    apprenticeship = apprenticeship or world.own
    fiche = f.FicheFactory(apprenticeship=apprenticeship, **fields)
    if state in (FicheState.DRAFT, FicheState.CANCELLED):
        if state == FicheState.CANCELLED:
            apply_transition(FICHE_WORKFLOW, fiche, "cancel", actor=None, by_system=True)
        return Fiche.objects.get(pk=fiche.pk)
    Fiche.objects.filter(pk=fiche.pk).update(**APPRENTICE_PART)
    apply_transition(FICHE_WORKFLOW, fiche, "submit", actor=apprenticeship.apprentice)
    if state == FicheState.RETURNED:
        apply_transition(
            FICHE_WORKFLOW, fiche, "send_back", actor=apprenticeship.company_tutor, comment="À préciser."
        )
    if state in (FicheState.COUNTERSIGNED, FicheState.ACKNOWLEDGED):
        Fiche.objects.filter(pk=fiche.pk).update(**TUTOR_PART)
        tutor = apprenticeship.company_tutor
        apply_transition(FICHE_WORKFLOW, fiche, "countersign", actor=tutor, evidence=evidence(tutor))
    if state == FicheState.ACKNOWLEDGED:
        apply_transition(FICHE_WORKFLOW, fiche, "acknowledge", actor=apprenticeship.school_tutor)
    return Fiche.objects.get(pk=fiche.pk)


def apprentice_data(fiche: Fiche, **overrides) -> dict:
    """The apprentice's form, complete, as posted (version: the fiche's)."""
    data = {
        "version": fiche.version,
        "difficulties": APPRENTICE_PART["difficulties"],
        "support_needed": "",
        "project_progress": APPRENTICE_PART["project_progress"],
        "next_objectives": APPRENTICE_PART["next_objectives"],
        "rating_conception": "2",
        "rating_projet": "1",
    }
    for i in range(ACTIVITY_ROWS):
        data[f"activity_{i}_description"] = ""
        data[f"activity_{i}_share"] = ""
    for i, activity in enumerate(APPRENTICE_PART["activities"]):
        data[f"activity_{i}_description"] = activity["description"]
        data[f"activity_{i}_share"] = str(activity["share"])
    data.update(overrides)
    return data


def tutor_data(fiche: Fiche, **overrides) -> dict:
    data = {
        "version": fiche.version,
        "tutor_agreement": "agree",
        "tutor_corrections": "",
        "tutor_rating_conception": "2",
        "tutor_rating_projet": "2",
        "tutor_objectives": TUTOR_PART["tutor_objectives"],
        "concern_reason": "",
        "tutor_comment": TUTOR_PART["tutor_comment"],
        **{f"behaviour_{c.value}": "3" for c in BehaviourCriterion},
        "behaviour_deadlines": "none",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
