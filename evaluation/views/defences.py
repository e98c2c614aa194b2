"""Defences (soutenances): scolarité's schedule of a school year (per study year, what is wrong
shown on each line), a defence scheduled, changed or cancelled (with a reason), and its
calendar file for the apprentice, its jury and scolarité."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from apprentissage.drafts import ConcurrentEdit
from apprentissage.permissions import get_object_for_user_or_404
from evaluation import defences as services
from evaluation.company_unit import enrolments_with_people
from evaluation.enums import DefenceState
from evaluation.forms.company_unit import DefenceForm, ReasonForm, YearFilterForm

PAGE_SIZE = 50


def _require_manager(request) -> None:
    if not request.user.has_perm("evaluation.manage_defences"):
        raise PermissionDenied


def _list_url(defence_or_enrolment) -> str:
    enrolment = getattr(defence_or_enrolment, "enrolment", defence_or_enrolment)
    return (
        reverse("evaluation:defence_list")
        + f"?annee={enrolment.school_year.start_year}&etude={enrolment.study_year}"
    )


def _scheduled(request, pk: int):
    _require_manager(request)
    return get_object_or_404(services.defences_with_people(), pk=pk)


@login_required
def defence_list(request):
    _require_manager(request)
    filters = YearFilterForm(request.GET or None)
    school_year = filters.school_year()
    study_year = filters.study_year()
    rows, cancelled = services.schedule_rows(school_year, study_year) if school_year else ([], [])
    # What needs checking first, then everyone in order; a page of PAGE_SIZE at a time.
    ordered = [row for row in rows if row.warnings] + [row for row in rows if not row.warnings]
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "school_year": school_year,
        "study_year": study_year,
        "rows": rows,
        "page": page,
        "query": query.urlencode(),
        "cancelled": cancelled,
        "scheduled_count": sum(1 for row in rows if row.defence),
        "warning_count": sum(1 for row in rows if row.warnings),
    }
    return render(request, "evaluation/defences/list.html", context)


def _apply(request, form, save) -> tuple[object, int]:
    """Run `save()` when the form is valid; the refusals shown on the form."""
    if not form.is_valid():
        return None, 400
    try:
        return save(), 200
    except services.DefenceRefused as refused:
        for problem in refused.problems:
            form.add_error(None, problem)
        return None, 400
    except ConcurrentEdit as error:
        form.add_error(None, str(error))
        return None, 409


@login_required
def defence_schedule(request, pk: int):
    _require_manager(request)
    enrolment = get_object_or_404(enrolments_with_people(), pk=pk)
    component = services.project_component(enrolment)
    if component is None:
        raise Http404
    if existing := services.active_defence(enrolment, component):
        return redirect("evaluation:defence_edit", existing.pk)
    form = DefenceForm(request.POST or None, enrolment=enrolment)
    status = 200
    if request.method == "POST":
        defence, status = _apply(
            request,
            form,
            lambda: services.schedule_defence(
                enrolment=enrolment, component=component, data=form.defence_data(), actor=request.user
            ),
        )
        if defence:
            messages.success(request, _("The defence is scheduled; the convocations have been sent."))
            return redirect(_list_url(enrolment))
    context = {
        "enrolment": enrolment,
        "component": component,
        "form": form,
        "defence": None,
        "weeks": services.defence_weeks(enrolment),
    }
    return render(request, "evaluation/defences/form.html", context, status=status)


@login_required
def defence_edit(request, pk: int):
    defence = _scheduled(request, pk)
    if defence.state != DefenceState.SCHEDULED:
        messages.info(request, _("This defence is no longer scheduled: it can no longer be changed."))
        return redirect(_list_url(defence))
    form = DefenceForm(request.POST or None, enrolment=defence.enrolment, defence=defence)
    status = 200
    if request.method == "POST":
        try:
            changed, status = _apply(
                request,
                form,
                lambda: services.update_defence(
                    defence=defence,
                    data=form.defence_data(),
                    expected_sequence=form.cleaned_data.get("sequence") or 0,
                    actor=request.user,
                ),
            )
        except services.DefenceNotScheduled as error:
            messages.error(request, str(error))
            return redirect(_list_url(defence))
        if changed:
            messages.success(request, _("The defence is changed; the updated invitations have been sent."))
            return redirect(_list_url(defence))
    context = {
        "enrolment": defence.enrolment,
        "component": defence.component,
        "form": form,
        "defence": defence,
    }
    return render(request, "evaluation/defences/form.html", context, status=status)


@login_required
def defence_cancel(request, pk: int):
    defence = _scheduled(request, pk)
    if defence.state != DefenceState.SCHEDULED:
        messages.info(request, _("This defence is no longer scheduled."))
        return redirect(_list_url(defence))
    form = ReasonForm(
        request.POST or None,
        label=_("Reason for cancelling"),
        button=_("Cancel the defence"),
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.cancel_defence(
                    defence=defence, reason=form.cleaned_data["reason"], actor=request.user
                )
            except services.DefenceNotScheduled as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The defence is cancelled; everyone has been told."))
            return redirect(_list_url(defence))
        status = 400
    return render(
        request, "evaluation/defences/cancel.html", {"defence": defence, "form": form}, status=status
    )


@login_required
def defence_ics(request, pk: int):
    """The defence as a calendar file, to add it by hand (METHOD:PUBLISH, the invitation's UID)."""
    defence = get_object_for_user_or_404(
        request.user, "evaluation.view_defence", services.visible_defences(request.user), pk=pk
    )
    response = HttpResponse(
        services.defence_calendar(defence, "PUBLISH"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="soutenance-{defence.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


urlpatterns = [
    path("soutenances/", defence_list, name="defence_list"),
    path("soutenances/planifier/<int:pk>/", defence_schedule, name="defence_schedule"),
    path("soutenances/<int:pk>/modifier/", defence_edit, name="defence_edit"),
    path("soutenances/<int:pk>/annuler/", defence_cancel, name="defence_cancel"),
    path("soutenances/<int:pk>/invitation.ics", defence_ics, name="defence_ics"),
]
