"""The company visit's transition table (apprentissage.workflow): planned → reported (the
school tutor signs the report), planned → cancelled (with a reason)."""

from django.utils.translation import gettext_lazy

from apprentissage.workflow import Transition, Workflow
from lea.enums import VisitState as V
from lea.forms.visits import CancelVisitForm, SignReportForm
from lea.models import Visit
from lea.visits import cancel_visit, sign_report, tell_report_signed, why_not_signable
from lea.workflows.actors import school_tutor, scolarite

VISIT_WORKFLOW = Workflow(
    model=Visit,
    state_field="state",
    transitions=[
        Transition(
            "sign_report",
            (V.PLANNED,),
            V.REPORTED,
            gettext_lazy("Sign the report"),
            allowed=school_tutor,
            requires=why_not_signable,
            form_class=SignReportForm,
            effects=(sign_report, tell_report_signed),
            next_step=gettext_lazy("After the visit, the school tutor writes and signs the report."),
        ),
        Transition(
            "cancel",
            (V.PLANNED,),
            V.CANCELLED,
            gettext_lazy("Cancel the visit"),
            allowed=school_tutor | scolarite,
            comment_required=True,
            form_class=CancelVisitForm,
            effects=(cancel_visit,),
            style="danger",
        ),
    ],
    state_texts={
        V.REPORTED: gettext_lazy(
            "The report is signed: the apprentice and the company tutor may comment on it."
        ),
        V.CANCELLED: gettext_lazy("The visit was cancelled."),
    },
)
