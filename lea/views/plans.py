"""The yearly missions and project description: its page (versions and what changed), its
shared edit form, its transitions, and the option lead's list of descriptions to validate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apprentissage import drafts
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.views.drafts import edit_draft
from apprentissage.views.transitions import fire_from_request, transition_actions
from apprentissage.workflow import history_of

from .. import plans as services
from ..boards import url_maker
from ..forms.plans import YearlyPlanForm
from ..models import YearlyPlan
from ..workflows.plans import PLAN_WORKFLOW


def get_plan(request, pk: int) -> YearlyPlan:
    return get_object_for_user_or_404(
        request.user,
        "lea.view_plan",
        # (the option lead: whom a submitted plan waits for, in the reminders box)
        services.visible_plans(request.user).select_related("apprenticeship__option__lead"),
        pk=pk,
    )


def _detail_url(plan) -> str:
    return reverse("lea:plan_detail", args=[plan.pk])


def _header(plan) -> dict:
    due = services.plan_due_date(plan)
    return {
        "plan": plan,
        "apprenticeship": plan.apprenticeship,
        "due": due,
        "late": services.plan_is_late(plan, due),
        "expectation": services.expectation_for(plan.study_year),
    }


def _render_detail(request, plan, status=200):
    versions = drafts.versions_with_changes(plan, YearlyPlan, YearlyPlan.CONTENT_FIELDS)
    context = {
        **_header(plan),
        "versions": versions,
        "latest": versions[0] if versions else None,
        "returned_version": next((v for v in versions if v.decision == "returned"), None)
        if plan.state == "returned"
        else None,
        "actions": transition_actions(request.user, PLAN_WORKFLOW, plan),
        "next_step": PLAN_WORKFLOW.next_step(plan),
        "can_edit": request.user.has_perm("lea.edit_plan", plan),
        "missing": services.missing_fields(plan) if plan.state in ("draft", "returned") else [],
        "trail": history_of(PLAN_WORKFLOW, plan),
    }
    return render(request, "lea/plans/detail.html", context, status=status)


@login_required
def plan_detail(request, pk: int):
    return _render_detail(request, get_plan(request, pk))


@login_required
def plan_edit(request, pk: int):
    plan = get_plan(request, pk)
    if not request.user.has_perm("lea.edit_plan", plan):
        messages.info(request, _("This description can no longer be changed here."))
        return redirect(_detail_url(plan))
    read_version = request.POST.get("version")
    return edit_draft(
        request,
        form_class=YearlyPlanForm,
        instance=plan,
        template="lea/plans/edit.html",
        success_url=_detail_url(plan),
        context={
            **_header(plan),
            # Shown when someone else saved since the form was read (called by the template).
            "their_changes": lambda: drafts.changes_since(
                plan, YearlyPlan, YearlyPlan.CONTENT_FIELDS, read_version
            ),
        },
    )


@require_POST
@login_required
def plan_transition(request, pk: int, transition: str):
    plan = get_plan(request, pk)
    return fire_from_request(
        request,
        PLAN_WORKFLOW,
        plan,
        transition,
        page=lambda status: _render_detail(request, get_plan(request, pk), status=status),
        success_url=_detail_url(plan),
    )


@login_required
def plans_to_review(request):
    if not request.user.has_perm("lea.view_option_board"):
        raise PermissionDenied
    plans = list(services.plans_to_review(request.user))
    services.annotate_due_dates(plans)
    detail_url = url_maker("lea:plan_detail")
    for plan in plans:
        plan.url = detail_url(plan.pk)
    return render(request, "lea/plans/to_review.html", {"plans": plans})


urlpatterns = [
    path("missions/a-valider/", plans_to_review, name="plans_to_review"),
    path("missions/<int:pk>/", plan_detail, name="plan_detail"),
    path("missions/<int:pk>/modifier/", plan_edit, name="plan_edit"),
    path("missions/<int:pk>/action/<str:transition>/", plan_transition, name="plan_transition"),
]
