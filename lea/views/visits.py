"""Company visits: plan one (the invitation goes to the apprentice and the company tutor),
change or cancel it, write and sign its report, comment on it, mark its agreed actions done;
its page, its .ics and its PDF; the apprentices missing a visit the school's rules ask for."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apprentissage.drafts import ConcurrentEdit
from apprentissage.models import Apprenticeship, SchoolYear
from apprentissage.pdf import pdf_response
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.signatures import FrozenDocument, signatures_of
from apprentissage.versions import cached_fragment
from apprentissage.views.drafts import SAVE_AND_RETURN
from apprentissage.views.transitions import fire_from_request, refuse, transition_actions
from apprentissage.workflow import history_of
from lea import visits as services
from lea.boards import BOARD_MODELS, url_maker
from lea.forms.visits import ActionFormSet, CommentForm, EditVisitForm, PlanVisitForm, ReportForm
from lea.models import VisitAction
from lea.models.visits import REPORT_FIELDS
from lea.workflows.visits import VISIT_WORKFLOW


def get_visit(request, pk):
    """The visit `pk` if the user may read it, else 404 (every visit page starts here)."""
    return get_object_for_user_or_404(
        request.user, "lea.view_visit", services.visible_visits(request.user), pk=pk
    )


def _detail_url(visit) -> str:
    return reverse("lea:visit_detail", args=[visit.pk])


def _report_rows(visit) -> list[dict]:
    rows = []
    for name in REPORT_FIELDS:
        value = getattr(visit, name)
        if name == "risk":
            value = visit.get_risk_display()
        rows.append({"name": name, "label": visit._meta.get_field(name).verbose_name, "value": value})
    return rows


def _report_context(request, visit) -> dict:
    """What the page and the PDF both show: the visit, its report, actions, comments and
    signature."""
    # Every signature in one query; the valid one is the latest not voided (`valid_signature`).
    signatures = list(signatures_of(visit).order_by("pk"))
    return {
        "visit": visit,
        "apprenticeship": visit.apprenticeship,
        "report_rows": _report_rows(visit),
        "actions": list(visit.actions.select_related("owner", "done_by")),
        "comments": list(visit.comments.select_related("author")),
        "signature": next((s for s in reversed(signatures) if s.voided_at is None), None),
        "signatures": signatures,
        "verification_url": request.build_absolute_uri(reverse("signature_verification")),
    }


def _detail_context(request, visit) -> dict:
    """The report's context, with what the page adds: who may do what, the trail."""
    user = request.user
    context = _report_context(request, visit)
    for action in context["actions"]:
        action.may_mark_done = user.has_perm("lea.mark_action_done", action)
    return {
        **context,
        "trail": history_of(VISIT_WORKFLOW, visit),
        "schedule_history": services.schedule_history(visit),
        "next_step": VISIT_WORKFLOW.next_step(visit),
        "visit_actions": transition_actions(user, VISIT_WORKFLOW, visit),
        "blocked": services.why_not_signable(visit) if visit.state == "planned" else None,
        "can_edit": user.has_perm("lea.edit_visit", visit),
        "can_write_report": user.has_perm("lea.write_visit_report", visit),
        "can_comment": user.has_perm("lea.comment_visit", visit),
        "comment_form": CommentForm(),
    }


def _render_detail(request, visit, status=200):
    return render(request, "lea/visits/detail.html", _detail_context(request, visit), status=status)


def _page(request, pk):
    return lambda status: _render_detail(request, get_visit(request, pk), status=status)


@login_required
def visit_plan(request, pk: int):
    apprenticeship = get_object_for_user_or_404(
        request.user, "lea.plan_visit", Apprenticeship.objects.with_people(), pk=pk
    )
    form = PlanVisitForm(request.POST or None, apprenticeship=apprenticeship)
    if request.method == "POST" and form.is_valid():
        visit = services.plan_visit(apprenticeship=apprenticeship, data=form.visit_data(), actor=request.user)
        messages.success(request, _("The visit is planned; the invitation has been sent."))
        return redirect(_detail_url(visit))
    visits = services.visits_with_people().filter(apprenticeship=apprenticeship).order_by("-starts_at")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "lea/visits/plan.html",
        {"apprenticeship": apprenticeship, "form": form, "visits": list(visits)},
        status=status,
    )


@login_required
def visit_detail(request, pk: int):
    return _render_detail(request, get_visit(request, pk))


@login_required
def visit_edit(request, pk: int):
    visit = get_visit(request, pk)
    if not request.user.has_perm("lea.edit_visit", visit):
        messages.info(request, _("This visit can no longer be changed."))
        return redirect(_detail_url(visit))
    form = EditVisitForm(request.POST or None, instance=visit)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_visit(
                    visit=visit,
                    data=form.draft_data(),
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except ConcurrentEdit as error:
                form.add_error(None, str(error))
                status = 409
            except (services.VisitNotPlanned, FrozenDocument) as error:
                messages.error(request, str(error))
                return redirect(_detail_url(visit))
            else:
                messages.success(request, _("The visit has been changed."))
                return redirect(_detail_url(visit))
        else:
            status = 400
    return render(request, "lea/visits/edit.html", {"visit": visit, "form": form}, status=status)


@login_required
def visit_report(request, pk: int):
    """The report's draft and its agreed actions, saved together (see `services.save_report`)."""
    visit = get_visit(request, pk)
    if not request.user.has_perm("lea.write_visit_report", visit):
        messages.info(request, _("The report of this visit can no longer be written here."))
        return redirect(_detail_url(visit))
    form = ReportForm(request.POST or None, instance=visit)
    formset = ActionFormSet(
        request.POST or None, instance=visit, prefix="actions", form_kwargs={"visit": visit}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            try:
                services.save_report(
                    visit=visit,
                    data=form.draft_data(),
                    actions_formset=formset,
                    expected_version=form.cleaned_data["version"],
                    actor=request.user,
                )
            except ConcurrentEdit as error:
                form.add_error(None, str(error))
                status = 409
            except (services.VisitNotPlanned, FrozenDocument) as error:
                messages.error(request, str(error))
                return redirect(_detail_url(visit))
            else:
                messages.success(request, _("Draft saved."))
                if SAVE_AND_RETURN in request.POST:
                    return redirect(_detail_url(visit))
                return redirect(request.get_full_path())
        else:
            status = 400
    return render(
        request,
        "lea/visits/report.html",
        {"visit": visit, "form": form, "formset": formset, "save_and_return": SAVE_AND_RETURN},
        status=status,
    )


@require_POST
@login_required
def visit_transition(request, pk: int, transition: str):
    visit = get_visit(request, pk)
    return fire_from_request(
        request, VISIT_WORKFLOW, visit, transition, page=_page(request, pk), success_url=_detail_url(visit)
    )


@require_POST
@login_required
def visit_comment(request, pk: int):
    visit = get_visit(request, pk)
    if not request.user.has_perm("lea.comment_visit", visit):
        return refuse(request, _("You may not comment on this report."), 403, _page(request, pk))
    form = CommentForm(request.POST)
    if not form.is_valid():
        errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return refuse(request, errors, 400, _page(request, pk))
    services.add_comment(visit=visit, author=request.user, body=form.cleaned_data["body"])
    messages.success(request, _("Your comment has been added to the report."))
    return redirect(_detail_url(visit) + "#commentaires")


@login_required
def visit_ics(request, pk: int):
    """The visit as a calendar file, to add it by hand (METHOD:PUBLISH, the invitation's UID)."""
    visit = get_visit(request, pk)
    response = HttpResponse(
        services.visit_calendar(visit, "PUBLISH"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="visite-{visit.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def visit_pdf(request, pk: int):
    visit = get_visit(request, pk)
    context = _report_context(request, visit)
    return pdf_response("pdf/lea/visit.html", context, filename=f"visite-{visit.pk}.pdf")


@require_POST
@login_required
def action_done(request, pk: int):
    action = get_object_or_404(
        VisitAction.objects.select_related("visit__apprenticeship"),
        pk=pk,
        visit__in=services.visible_visits(request.user),
    )
    visit = action.visit
    if not request.user.has_perm("lea.mark_action_done", action):
        return refuse(
            request,
            _("Only the owner of the action or the school tutor may mark it done."),
            403,
            _page(request, visit.pk),
        )
    if services.mark_action_done(action=action, actor=request.user):
        messages.success(request, _("Action marked done."))
    else:
        messages.info(request, _("This action was already marked done."))
    return redirect(_detail_url(visit) + "#actions")


MISSING_PAGE_SIZE = 50


@login_required
def missing_visits(request):
    """The apprentices missing a visit the school's rules ask for (this school year), 50 a
    page: who misses what is worked out on a few columns for all, the rest for the page's."""
    if not request.user.has_perm("lea.view_missing_visits"):
        raise PermissionDenied

    def build():
        school_year = SchoolYear.objects.current()
        today = timezone.localdate()
        rows = []
        if school_year:
            rows = services.missing_visit_rows(
                services.apprenticeships_for_visit_rules(request.user), school_year, today
            )
        page = Paginator(rows, MISSING_PAGE_SIZE).get_page(request.GET.get("page"))
        gaps = services.gaps_of_rows(page.object_list, school_year, today) if rows else []
        plan_url = url_maker("lea:visit_plan")
        for gap in gaps:
            gap.plan_url = plan_url(gap.apprenticeship.pk)
        context = {"school_year": school_year, "gaps": gaps, "page": page, "query": ""}
        return render_to_string("lea/visits/_missing_content.html", context)

    content = cached_fragment(
        request, "lea:missing_visits", depends_on=BOARD_MODELS, vary=sorted(request.GET.lists()), build=build
    )
    return render(request, "lea/visits/missing.html", {"content": content})


urlpatterns = [
    path("apprentissages/<int:pk>/visites/planifier/", visit_plan, name="visit_plan"),
    path("visites/<int:pk>/", visit_detail, name="visit_detail"),
    path("visites/<int:pk>/modifier/", visit_edit, name="visit_edit"),
    path("visites/<int:pk>/compte-rendu/", visit_report, name="visit_report"),
    path("visites/<int:pk>/action/<str:transition>/", visit_transition, name="visit_transition"),
    path("visites/<int:pk>/commenter/", visit_comment, name="visit_comment"),
    path("visites/<int:pk>/invitation.ics", visit_ics, name="visit_ics"),
    path("visites/<int:pk>/pdf/", visit_pdf, name="visit_pdf"),
    path("actions/<int:pk>/fait/", action_done, name="action_done"),
    path("visites/manquantes/", missing_visits, name="missing_visits"),
]
