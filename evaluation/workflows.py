"""The jury session's transition table (apprentissage.workflow): scolarité prepares, the jury
deliberates (on complete results, or anyway with a recorded reason), the session closes with
its minutes, results are published all at once; a closed session may be reopened with a
reason to correct grades or decisions."""

import hashlib

from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apprentissage.forms import ReasonForm
from apprentissage.notifications import notify
from apprentissage.rules import can_manage
from apprentissage.workflow import Actor, Todo, Transition, TransitionContext, Workflow
from evaluation import juries
from evaluation.enums import JuryState as J
from evaluation.models import JurySession

scolarite = Actor.role(can_manage)


def session_url(session) -> str:
    return reverse("evaluation:jury_detail", args=[session.pk])


def start_deliberation(ctx: TransitionContext) -> None:
    session = ctx.obj
    session.deliberation_started_at = timezone.now()
    fields = ["deliberation_started_at"]
    if ctx.transition.name == "deliberate_anyway":
        session.override_reason = ctx.comment
        fields.append("override_reason")
    session.save(update_fields=fields)
    juries.refresh_proposals(session)


def write_minutes(ctx: TransitionContext) -> None:
    """The procès-verbal (PDF): every apprentice with decision, ECTS and outcome, and the
    president's signature block; kept with its SHA-256 (a reopened session's next minutes
    replace the file, the audit trail keeps both dates)."""
    from apprentissage.pdf import render_pdf

    session = ctx.obj
    session.closed_at = timezone.now()
    pdf = render_pdf("evaluation/pdf/minutes.html", juries.minutes_context(session))
    session.minutes.save(
        f"pv-{session.pk}-{session.closed_at:%Y%m%d%H%M%S}.pdf", ContentFile(pdf), save=False
    )
    session.minutes_sha256 = hashlib.sha256(pdf).hexdigest()
    session.save(update_fields=["closed_at", "minutes", "minutes_sha256"])


def reopened(ctx: TransitionContext) -> None:
    ctx.obj.closed_at = None
    ctx.obj.save(update_fields=["closed_at"])


def publish_results(ctx: TransitionContext) -> None:
    """Every apprentice of the session learns at once that their results are out (notify:
    after commit, by e-mail now or in their digest, as they chose)."""
    session = ctx.obj
    session.published_at = timezone.now()
    session.save(update_fields=["published_at"])
    for enrolment in juries.session_enrolments(session):
        notify(
            [enrolment.apprenticeship.apprentice],
            title=_("Your results for %(year)s are published") % {"year": session.school_year},
            url=reverse("evaluation:my_results"),
        )


JURY_WORKFLOW = Workflow(
    model=JurySession,
    state_field="state",
    transitions=[
        Transition(
            "deliberate",
            (J.PREPARING,),
            J.DELIBERATING,
            gettext_lazy("Start the deliberation"),
            allowed=scolarite,
            requires=juries.completeness_problem,
            effects=(start_deliberation,),
            next_step=gettext_lazy("Scolarité completes the grades, then starts the deliberation."),
        ),
        Transition(
            "deliberate_anyway",
            (J.PREPARING,),
            J.DELIBERATING,
            gettext_lazy("Deliberate with missing grades"),
            allowed=scolarite,
            comment_required=True,
            effects=(start_deliberation,),
            form_class=ReasonForm,
            style="danger",
        ),
        Transition(
            "close",
            (J.DELIBERATING,),
            J.CLOSED,
            gettext_lazy("Close the session and produce the minutes"),
            allowed=scolarite,
            requires=juries.undecided_problem,
            effects=(write_minutes,),
            next_step=gettext_lazy("The jury decides on each apprentice, then scolarité closes the session."),
        ),
        Transition(
            "publish",
            (J.CLOSED,),
            J.PUBLISHED,
            gettext_lazy("Publish the results"),
            allowed=scolarite,
            effects=(publish_results,),
            next_step=gettext_lazy("Scolarité publishes the results to the apprentices, all at once."),
        ),
        Transition(
            "reopen",
            (J.CLOSED, J.PUBLISHED),
            J.DELIBERATING,
            gettext_lazy("Reopen the session"),
            allowed=scolarite,
            comment_required=True,
            effects=(reopened,),
            form_class=ReasonForm,
            style="danger",
        ),
    ],
    state_texts={J.PUBLISHED: gettext_lazy("Results published.")},
    todos=[
        Todo(
            ("deliberate", "deliberate_anyway"),
            gettext_lazy("%(session)s: check the grades are complete, then deliberate"),
            url=session_url,
            params=lambda session: {"session": session},
            select_related=("school_year", "option"),
        ),
        Todo(
            ("close",),
            gettext_lazy("%(session)s: decide and close the session"),
            url=session_url,
            params=lambda session: {"session": session},
            select_related=("school_year", "option"),
        ),
        Todo(
            ("publish",),
            gettext_lazy("%(session)s: publish the results"),
            url=session_url,
            params=lambda session: {"session": session},
            select_related=("school_year", "option"),
        ),
    ],
)
