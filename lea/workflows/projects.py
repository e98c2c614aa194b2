"""The project subject and dossier de validation's transition table (apprentissage.workflow):
the apprentice submits to the company tutor, who endorses it (signs) or sends it back; the
school tutor then validates it or sends it back (which voids the endorsement, kept)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apprentissage import drafts
from apprentissage.notifications import notify
from apprentissage.signatures import sign_online, void_signatures
from apprentissage.workflow import Todo, Transition, TransitionContext, Workflow
from lea.enums import ProjectState as S
from lea.forms.projects import CommentForm, EndorseForm
from lea.models import ProjectDossier
from lea.projects import ENDORSEMENT_PURPOSE, project_is_complete
from lea.workflows.actors import apprentice, company_tutor, school_tutor

from .plans import bump_version, record_on_latest_version


def project_url(project) -> str:
    return reverse("lea:project_detail", args=[project.pk])


def propose_subject(ctx: TransitionContext) -> None:
    """Keep the submitted version; the subject counts as proposed from its first submission."""
    project = ctx.obj
    if project.submitted_at is None:
        project.submitted_at = timezone.now()
        project.save(update_fields=["submitted_at"])
    version = drafts.snapshot_version(project, ctx.actor)
    notify(
        [project.apprenticeship.company_tutor],
        title=_("Project dossier to complete and endorse (version %(number)d): %(project)s")
        % {"number": version.number, "project": project},
        url=project_url(project),
    )


def tutor_sends_back(ctx: TransitionContext) -> None:
    record_on_latest_version(ctx.obj, decision="returned", actor=ctx.actor, remarks=ctx.comment)
    notify(
        [ctx.obj.apprenticeship.apprentice],
        title=_("Project dossier sent back by the company tutor: %(project)s") % {"project": ctx.obj},
        message=ctx.comment,
        url=project_url(ctx.obj),
    )


def endorse(ctx: TransitionContext) -> None:
    sign_online(ctx.obj, signer=ctx.actor, purpose=ENDORSEMENT_PURPOSE, evidence=ctx.evidence)
    apprenticeship = ctx.obj.apprenticeship
    notify(
        [apprenticeship.school_tutor, apprenticeship.apprentice],
        title=_("Project dossier endorsed by the company tutor: %(project)s") % {"project": ctx.obj},
        url=project_url(ctx.obj),
    )


def validate(ctx: TransitionContext) -> None:
    project = ctx.obj
    project.validated_at = timezone.now()
    project.save(update_fields=["validated_at"])
    record_on_latest_version(project, decision="validated", actor=ctx.actor, remarks=ctx.comment)
    apprenticeship = project.apprenticeship
    notify(
        [apprenticeship.apprentice, apprenticeship.company_tutor],
        title=_("Project dossier validated by the school tutor: %(project)s") % {"project": project},
        url=project_url(project),
    )


def school_tutor_sends_back(ctx: TransitionContext) -> None:
    project = ctx.obj
    void_signatures(project, by=ctx.actor, reason=ctx.comment)
    record_on_latest_version(project, decision="returned", actor=ctx.actor, remarks=ctx.comment)
    apprenticeship = project.apprenticeship
    notify(
        [apprenticeship.apprentice, apprenticeship.company_tutor],
        title=_("Project dossier sent back by the school tutor: %(project)s") % {"project": project},
        message=ctx.comment,
        url=project_url(project),
    )


def _person(project) -> dict:
    return {"person": project.apprenticeship.apprentice, "year": project.school_year}


_RELATED = ("apprenticeship__apprentice", "school_year")

PROJECT_WORKFLOW = Workflow(
    model=ProjectDossier,
    state_field="state",
    transitions=[
        Transition(
            "submit",
            (S.DRAFT, S.RETURNED),
            S.SUBMITTED,
            gettext_lazy("Submit to the company tutor"),
            allowed=apprentice,
            requires=project_is_complete,
            effects=(bump_version, propose_subject),
            next_step=gettext_lazy("The apprentice writes the subject and the dossier, then submits them."),
        ),
        Transition(
            "endorse",
            (S.SUBMITTED,),
            S.ENDORSED,
            gettext_lazy("Endorse the project (sign)"),
            allowed=company_tutor,
            effects=(bump_version, endorse),
            form_class=EndorseForm,
            next_step=gettext_lazy(
                "The company tutor completes the dossier and endorses it, or sends it back."
            ),
        ),
        Transition(
            "tutor_send_back",
            (S.SUBMITTED,),
            S.RETURNED,
            gettext_lazy("Send back to the apprentice"),
            allowed=company_tutor,
            comment_required=True,
            effects=(bump_version, tutor_sends_back),
            form_class=CommentForm,
            style="secondary",
        ),
        Transition(
            "validate",
            (S.ENDORSED,),
            S.VALIDATED,
            gettext_lazy("Validate the project"),
            allowed=school_tutor,
            effects=(validate,),
            next_step=gettext_lazy("The school tutor validates the project or sends it back."),
        ),
        Transition(
            "send_back",
            (S.ENDORSED,),
            S.RETURNED,
            gettext_lazy("Send back with remarks"),
            allowed=school_tutor,
            comment_required=True,
            effects=(school_tutor_sends_back, bump_version),
            form_class=CommentForm,
            style="secondary",
        ),
    ],
    state_texts={S.VALIDATED: gettext_lazy("Validated: the project will be graded by its jury.")},
    todos=[
        Todo(
            ("submit",),
            gettext_lazy("Project %(year)s of %(person)s: write the subject and the dossier de validation"),
            url=lambda project: reverse("lea:project_detail", args=[project.pk]),
            states=(S.DRAFT,),
            params=_person,
            select_related=_RELATED,
        ),
        Todo(
            ("submit",),
            gettext_lazy("Project %(year)s of %(person)s: sent back, revise the dossier"),
            url=lambda project: reverse("lea:project_detail", args=[project.pk]),
            states=(S.RETURNED,),
            params=_person,
            select_related=_RELATED,
        ),
        Todo(
            ("endorse", "tutor_send_back"),
            gettext_lazy("Project %(year)s of %(person)s: complete and endorse the dossier"),
            url=lambda project: reverse("lea:project_detail", args=[project.pk]),
            params=_person,
            select_related=_RELATED,
        ),
        Todo(
            ("validate", "send_back"),
            gettext_lazy("Project %(year)s of %(person)s: validate the dossier"),
            url=lambda project: reverse("lea:project_detail", args=[project.pk]),
            params=_person,
            select_related=_RELATED,
        ),
    ],
)
