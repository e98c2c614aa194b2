"""The fiche de liaison's transition table (apprentissage.workflow): the apprentice submits,
the company tutor sends it back or completes and countersigns it (a simple electronic
signature that freezes it), the school tutor acknowledges it; scolarité may reopen it
(the signature is voided, kept). Side effects: lea.fiche_effects."""

import rules
from django.urls import reverse
from django.utils.translation import gettext_lazy

from apprentissage.workflow import Todo, Transition, Workflow
from lea import fiche_effects as effects
from lea.enums import FicheState as F
from lea.forms.fiches import AcknowledgeForm, CountersignForm, ReopenForm, SendBackForm
from lea.models import Fiche
from lea.workflows.actors import apprentice, company_tutor, school_tutor, scolarite


def _url(name):
    return lambda fiche: reverse(name, args=[fiche.pk])


def _person(fiche):
    return {"person": fiche.apprenticeship.apprentice, "number": fiche.number}


FICHE_WORKFLOW = Workflow(
    model=Fiche,
    state_field="state",
    transitions=[
        Transition(
            "submit",
            (F.DRAFT, F.RETURNED),
            F.SUBMITTED,
            gettext_lazy("Submit to the company tutor"),
            allowed=apprentice,
            requires=effects.apprentice_section_complete,
            effects=(effects.record_submission,),
            next_step=gettext_lazy("The apprentice fills in their part of the fiche and submits it."),
        ),
        Transition(
            "countersign",
            (F.SUBMITTED,),
            F.COUNTERSIGNED,
            gettext_lazy("Countersign the fiche"),
            allowed=company_tutor,
            requires=effects.tutor_section_complete,
            effects=(effects.countersign,),
            form_class=CountersignForm,
            next_step=gettext_lazy(
                "The company tutor completes their part of the fiche and countersigns it."
            ),
        ),
        Transition(
            "send_back",
            (F.SUBMITTED,),
            F.RETURNED,
            gettext_lazy("Send back to the apprentice"),
            allowed=company_tutor,
            comment_required=True,
            effects=(effects.tell_apprentice_sent_back,),
            form_class=SendBackForm,
            style="secondary",
        ),
        Transition(
            "acknowledge",
            (F.COUNTERSIGNED,),
            F.ACKNOWLEDGED,
            gettext_lazy("Acknowledge the fiche"),
            allowed=school_tutor,
            effects=(effects.record_acknowledgement,),
            form_class=AcknowledgeForm,
            next_step=gettext_lazy("The school tutor acknowledges the fiche."),
        ),
        Transition(
            "reopen",
            (F.COUNTERSIGNED, F.ACKNOWLEDGED),
            F.SUBMITTED,
            gettext_lazy("Reopen the fiche (voids the signature)"),
            allowed=scolarite,
            comment_required=True,
            effects=(effects.reopen,),
            form_class=ReopenForm,
            style="danger",
        ),
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
    state_texts={
        F.RETURNED: gettext_lazy(
            "The company tutor sent the fiche back: the apprentice revises their part and submits it again."
        ),
        F.ACKNOWLEDGED: gettext_lazy("Done: the fiche is countersigned and acknowledged."),
        F.CANCELLED: gettext_lazy("Cancelled: the calendar no longer has this company period."),
    },
    todos=[
        Todo(
            ("submit",),
            gettext_lazy("Fiche de liaison of period %(number)s: fill it in and submit it"),
            url=_url("lea:fiche_edit"),
            states=(F.DRAFT,),
            params=_person,
            select_related=("apprenticeship__apprentice",),
        ),
        Todo(
            ("submit",),
            gettext_lazy("Fiche de liaison of period %(number)s: sent back by your tutor, revise it"),
            url=_url("lea:fiche_edit"),
            states=(F.RETURNED,),
            params=_person,
            select_related=("apprenticeship__apprentice",),
        ),
        Todo(
            ("countersign",),
            gettext_lazy("Fiche de liaison of %(person)s: complete it and countersign it"),
            url=_url("lea:fiche_tutor_edit"),
            params=_person,
            select_related=("apprenticeship__apprentice",),
        ),
        Todo(
            ("acknowledge",),
            gettext_lazy("Fiche de liaison of %(person)s (period %(number)s): acknowledge it"),
            url=_url("lea:fiche_detail"),
            params=_person,
            select_related=("apprenticeship__apprentice",),
        ),
    ],
)
