"""The company visit's transition table (apprentissage.workflow): planned → reported (the
school tutor signs the report), planned → cancelled (with a reason).

Who writes the report and who marks an action done are permissions here too, next to the
transitions they go with."""

import rules
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from apprentissage.rules import can_manage, tutors_at_school
from apprentissage.workflow import Actor, Transition, Workflow
from lea.enums import VisitState as V
from lea.models import Visit
from lea.rules import in_states, is_school_tutor
from lea.visits import cancel_visit, may_mark_done, sign_report, tell_report_signed, why_not_signable


class SignReportForm(forms.Form):
    typed_name = forms.CharField(label=gettext_lazy("Type your first and last name"), max_length=200)
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I certify this report of the visit and its agreed actions; once signed, it can no longer change."
        )
    )


class CancelVisitForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


school_tutor = Actor(is_school_tutor, q=lambda user: Q(apprenticeship__school_tutor=user))
staff = Actor.role(can_manage)

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
            allowed=school_tutor | staff,
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

# The school tutor writes the report (a draft) while the visit is planned, then signs it.
rules.add_perm("lea.write_visit_report", is_school_tutor & in_states(V.PLANNED))
# The apprentices who miss a visit the school's rules ask for: a school tutor's own, scolarité's all.
rules.add_perm("lea.view_missing_visits", tutors_at_school | can_manage)
# An agreed action is marked done by its owner or the apprentice's school tutor.
rules.add_perm("lea.mark_action_done", rules.predicate(may_mark_done))
