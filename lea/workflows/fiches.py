"""The fiche de liaison's transition table (apprentissage.workflow)."""

import rules
from django.utils.translation import gettext_lazy

from apprentissage.workflow import Transition, Workflow
from lea.enums import FicheState as F
from lea.models import Fiche

FICHE_WORKFLOW = Workflow(
    model=Fiche,
    state_field="state",
    transitions=[
        # The calendar changed and the period no longer exists: only a fiche nobody started.
        Transition(
            "cancel",
            (F.DRAFT,),
            F.CANCELLED,
            gettext_lazy("Cancelled: the calendar changed"),
            allowed=rules.always_deny,
            automatic=True,
        ),
    ],
)
