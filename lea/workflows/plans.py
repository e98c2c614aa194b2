"""The yearly missions and project description's transition table (apprentissage.workflow):
the apprentice or the company tutor submits, the option lead validates or sends back."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from apprentissage import drafts
from apprentissage.notifications import notify
from apprentissage.workflow import Todo, Transition, TransitionContext, Workflow
from lea.enums import PlanState as P
from lea.forms.plans import CommentForm
from lea.models import YearlyPlan
from lea.plans import plan_is_complete
from lea.workflows.actors import apprentice, company_tutor, option_lead


def plan_url(plan) -> str:
    return reverse("lea:plan_detail", args=[plan.pk])


def bump_version(ctx: TransitionContext) -> None:
    """A form opened before the transition is stale: saving it is refused (no lost update)."""
    ctx.obj.version += 1
    ctx.obj.save(update_fields=["version"])


def record_on_latest_version(document, *, decision: str, actor, remarks: str) -> None:
    """The decision on the latest submitted version (a document put in its state otherwise,
    e.g. by an import, has none: the audit trail alone then records it)."""
    if document.versions.exists():
        drafts.record_decision(document, decision=decision, actor=actor, remarks=remarks)


def snapshot_submission(ctx: TransitionContext) -> None:
    version = drafts.snapshot_version(ctx.obj, ctx.actor)
    notify(
        [ctx.obj.apprenticeship.option.lead],
        title=_("Yearly missions to validate (version %(number)d): %(plan)s")
        % {"number": version.number, "plan": ctx.obj},
        url=plan_url(ctx.obj),
    )


def record_decision(decision: str):
    def effect(ctx: TransitionContext) -> None:
        record_on_latest_version(ctx.obj, decision=decision, actor=ctx.actor, remarks=ctx.comment)
        apprenticeship = ctx.obj.apprenticeship
        if decision == "validated":
            title = _("Yearly missions validated: %(plan)s")
        else:
            title = _("Yearly missions sent back with remarks: %(plan)s")
        notify(
            [apprenticeship.apprentice, apprenticeship.company_tutor],
            title=title % {"plan": ctx.obj},
            message=ctx.comment,
            url=plan_url(ctx.obj),
        )

    effect.__name__ = f"record_{decision}"
    return effect


PLAN_WORKFLOW = Workflow(
    model=YearlyPlan,
    state_field="state",
    transitions=[
        Transition(
            "submit",
            (P.DRAFT, P.RETURNED),
            P.SUBMITTED,
            gettext_lazy("Submit to the option lead"),
            allowed=apprentice | company_tutor,
            requires=plan_is_complete,
            effects=(bump_version, snapshot_submission),
            next_step=gettext_lazy(
                "The apprentice and the company tutor describe the year's missions and project, then submit."
            ),
        ),
        Transition(
            "validate",
            (P.SUBMITTED,),
            P.VALIDATED,
            gettext_lazy("Validate the missions"),
            allowed=option_lead,
            effects=(record_decision("validated"),),
            next_step=gettext_lazy("The option lead validates the description or sends it back."),
        ),
        Transition(
            "send_back",
            (P.SUBMITTED,),
            P.RETURNED,
            gettext_lazy("Send back with remarks"),
            allowed=option_lead,
            comment_required=True,
            effects=(record_decision("returned"), bump_version),
            form_class=CommentForm,
            style="secondary",
        ),
    ],
    state_texts={P.VALIDATED: gettext_lazy("Validated by the option lead: the company tutor reads it.")},
    todos=[
        Todo(
            ("submit",),
            gettext_lazy("Missions %(year)s of %(person)s: describe them and submit"),
            url=lambda plan: reverse("lea:plan_detail", args=[plan.pk]),
            states=(P.DRAFT,),
            params=lambda plan: {"person": plan.apprenticeship.apprentice, "year": plan.school_year},
            select_related=("apprenticeship__apprentice", "school_year"),
        ),
        Todo(
            ("submit",),
            gettext_lazy("Missions %(year)s of %(person)s: sent back with remarks, revise them"),
            url=lambda plan: reverse("lea:plan_detail", args=[plan.pk]),
            states=(P.RETURNED,),
            params=lambda plan: {"person": plan.apprenticeship.apprentice, "year": plan.school_year},
            select_related=("apprenticeship__apprentice", "school_year"),
        ),
        Todo(
            ("validate", "send_back"),
            ngettext_lazy(
                "%(count)d yearly missions description to validate",
                "%(count)d yearly missions descriptions to validate",
                "count",
            ),
            url=lambda: reverse("lea:plans_to_review"),
            count=True,
        ),
    ],
)
