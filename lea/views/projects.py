"""The project subject and its dossier de validation: its page, the apprentice's and the
company tutor's forms, its transitions and its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apprentissage import drafts
from apprentissage.pdf import pdf_response
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.views.drafts import edit_draft
from apprentissage.views.transitions import fire_from_request, transition_actions
from apprentissage.workflow import history_of

from .. import projects as services
from ..forms.projects import ProjectForm, ProjectTutorForm
from ..models import ProjectDossier
from ..workflows.projects import PROJECT_WORKFLOW


def get_project(request, pk: int) -> ProjectDossier:
    return get_object_for_user_or_404(
        request.user, "lea.view_project", services.visible_projects(request.user), pk=pk
    )


def _detail_url(project) -> str:
    return reverse("lea:project_detail", args=[project.pk])


def _header(project) -> dict:
    due = services.subject_due_date(project)
    return {
        "project": project,
        "apprenticeship": project.apprenticeship,
        "due": due,
        "late": services.subject_is_late(project, due),
    }


def _render_detail(request, project, status=200):
    versions = drafts.versions_with_changes(project, ProjectDossier, ProjectDossier.APPRENTICE_FIELDS)
    signatures = services.endorsements(project)
    context = {
        **_header(project),
        "versions": versions,
        "returned_version": next((v for v in versions if v.decision == "returned"), None)
        if project.state == "returned"
        else None,
        # the valid endorsement (`services.endorsement`: the latest not voided), from the list
        "signature": max((s for s in signatures if s.voided_at is None), key=lambda s: s.pk, default=None),
        "signatures": signatures,
        "actions": transition_actions(request.user, PROJECT_WORKFLOW, project),
        "next_step": PROJECT_WORKFLOW.next_step(project),
        "can_edit": request.user.has_perm("lea.edit_project_apprentice", project),
        "can_edit_tutor": request.user.has_perm("lea.edit_project_tutor", project),
        "missing": services.missing_fields(project) if project.state in ("draft", "returned") else [],
        "trail": history_of(PROJECT_WORKFLOW, project),
    }
    return render(request, "lea/projects/detail.html", context, status=status)


@login_required
def project_detail(request, pk: int):
    return _render_detail(request, get_project(request, pk))


def _edit(request, pk: int, *, perm: str, form_class, template: str):
    project = get_project(request, pk)
    if not request.user.has_perm(perm, project):
        messages.info(request, _("This dossier can no longer be changed here."))
        return redirect(_detail_url(project))
    read_version = request.POST.get("version")
    fields = form_class._meta.fields
    return edit_draft(
        request,
        form_class=form_class,
        instance=project,
        template=template,
        success_url=_detail_url(project),
        context={
            **_header(project),
            "their_changes": lambda: drafts.changes_since(project, ProjectDossier, fields, read_version),
        },
    )


@login_required
def project_edit(request, pk: int):
    return _edit(
        request,
        pk,
        perm="lea.edit_project_apprentice",
        form_class=ProjectForm,
        template="lea/projects/edit.html",
    )


@login_required
def project_tutor_edit(request, pk: int):
    return _edit(
        request,
        pk,
        perm="lea.edit_project_tutor",
        form_class=ProjectTutorForm,
        template="lea/projects/tutor_edit.html",
    )


@require_POST
@login_required
def project_transition(request, pk: int, transition: str):
    project = get_project(request, pk)
    return fire_from_request(
        request,
        PROJECT_WORKFLOW,
        project,
        transition,
        page=lambda status: _render_detail(request, get_project(request, pk), status=status),
        success_url=_detail_url(project),
    )


@login_required
def project_pdf(request, pk: int):
    project = get_project(request, pk)
    return pdf_response(
        "pdf/lea/project.html",
        {
            **_header(project),
            "signature": services.endorsement(project),
            "verification_url": request.build_absolute_uri(reverse("signature_verification")),
        },
        filename=f"projet-{project.school_year.start_year}-{project.apprenticeship_id}.pdf",
    )


urlpatterns = [
    path("projets/<int:pk>/", project_detail, name="project_detail"),
    path("projets/<int:pk>/apprenti/", project_edit, name="project_edit"),
    path("projets/<int:pk>/tuteur/", project_tutor_edit, name="project_tutor_edit"),
    path("projets/<int:pk>/action/<str:transition>/", project_transition, name="project_transition"),
    path("projets/<int:pk>/pdf/", project_pdf, name="project_pdf"),
]
