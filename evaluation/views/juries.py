"""Juries: the sessions, each session's page (completeness, actions, minutes, history) and the
deliberation grid (one line per apprentice, sortable and filterable, usable on a projector),
where scolarité enters the decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apprentissage.drafts import ConcurrentEdit
from apprentissage.models import Job
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.views.transitions import fire_from_request, transition_actions
from apprentissage.workflow import history_of
from evaluation import computation, juries
from evaluation.enums import JuryState
from evaluation.forms.juries import DecisionForm, JurySessionForm
from evaluation.jobs import TRANSCRIPTS_ZIP, start_transcripts_zip
from evaluation.models import JuryDecision, JurySession
from evaluation.workflows import JURY_WORKFLOW

# The UE columns of the grid, in this order (those a study year has).
UE_ORDER = ("SF", "TI", "CI", "OPT", "UW")
SORTS = {
    "name": lambda row: (row.enrolment.apprenticeship.apprentice.last_name.casefold(),),
    "average": lambda row: (row.result.average is None, -(row.result.average or 0)),
    "decision": lambda row: ((row.decision.code if row.decision else "") or "~",),
}


def _sessions_for(user):
    sessions = JurySession.objects.select_related("school_year", "option", "president")
    if user.has_perm("evaluation.manage_juries"):
        return sessions
    return sessions.filter(option__lead=user) | sessions.filter(option__isnull=True)


@login_required
def jury_list(request):
    if not request.user.has_perm("evaluation.view_juries"):
        raise PermissionDenied
    sessions = list(
        _sessions_for(request.user).order_by("-school_year__start_year", "study_year", "option__name")
    )
    return render(
        request,
        "evaluation/juries/list.html",
        {"sessions": sessions, "can_manage": request.user.has_perm("evaluation.manage_juries")},
    )


def _session(request, pk: int) -> JurySession:
    return get_object_for_user_or_404(
        request.user,
        "evaluation.view_jury",
        JurySession.objects.select_related("school_year", "option", "president"),
        pk=pk,
    )


@login_required
def jury_create(request):
    if not request.user.has_perm("evaluation.manage_juries"):
        raise PermissionDenied
    form = JurySessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, _("Jury session created."))
        return redirect("evaluation:jury_detail", session.pk)
    return render(request, "evaluation/juries/form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def jury_edit(request, pk: int):
    session = _session(request, pk)
    if not request.user.has_perm("evaluation.manage_juries"):
        raise PermissionDenied
    if session.state not in (JuryState.PREPARING, JuryState.DELIBERATING):
        messages.info(request, _("A closed session can no longer be changed; reopen it first."))
        return redirect("evaluation:jury_detail", session.pk)
    form = JurySessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Jury session saved."))
        return redirect("evaluation:jury_detail", session.pk)
    return render(
        request,
        "evaluation/juries/form.html",
        {"form": form, "session": session},
        status=400 if form.errors else 200,
    )


def _rows(request, session) -> list:
    """The session's rows the user may see: all for scolarité, their options' for a lead."""
    rows = juries.session_rows(session)
    if request.user.has_perm("evaluation.manage_juries"):
        return rows
    return [row for row in rows if row.enrolment.apprenticeship.option.lead_id == request.user.pk]


def _render_detail(request, session, status=200):
    rows = _rows(request, session)
    incomplete = juries.incomplete_rows(rows)
    context = {
        "session": session,
        "rows_count": len(rows),
        "incomplete": incomplete,
        "counts": sorted(juries.decision_counts(rows).items()),
        "actions": transition_actions(request.user, JURY_WORKFLOW, session),
        "next_step": JURY_WORKFLOW.next_step(session),
        "trail": history_of(JURY_WORKFLOW, session),
        "can_manage": request.user.has_perm("evaluation.manage_juries"),
    }
    return render(request, "evaluation/juries/detail.html", context, status=status)


@login_required
def jury_detail(request, pk: int):
    return _render_detail(request, _session(request, pk))


@require_POST
@login_required
def jury_transition(request, pk: int, transition: str):
    session = _session(request, pk)
    return fire_from_request(
        request,
        JURY_WORKFLOW,
        session,
        transition,
        page=lambda status: _render_detail(request, _session(request, pk), status=status),
        success_url=reverse("evaluation:jury_detail", args=[pk]),
    )


@login_required
def jury_grid(request, pk: int):
    session = _session(request, pk)
    rows = _rows(request, session)
    options = sorted({row.enrolment.apprenticeship.option.name for row in rows})
    chosen_option = request.GET.get("option", "")
    shown_decision = request.GET.get("decision", "")
    if chosen_option:
        rows = [r for r in rows if r.enrolment.apprenticeship.option.name == chosen_option]
    if shown_decision == "none":
        rows = [r for r in rows if not (r.decision and r.decision.code)]
    elif shown_decision:
        rows = [r for r in rows if r.decision and r.decision.code == shown_decision]
    sort = request.GET.get("sort", "name")
    key = SORTS.get(sort.lstrip("-"), SORTS["name"])
    rows.sort(key=key, reverse=sort.startswith("-"))
    columns = [code for code in UE_ORDER if any(row.ue(code) for row in rows)]
    editable = session.state == JuryState.DELIBERATING and request.user.has_perm("evaluation.manage_juries")
    lines = [_line(row, columns, editable) for row in rows]
    query = request.GET.copy()
    query.pop("sort", None)
    return render(
        request,
        "evaluation/juries/grid.html",
        {
            "session": session,
            "lines": lines,
            "columns": columns,
            "options": options,
            "chosen_option": chosen_option,
            "shown_decision": shown_decision,
            "decisions": JuryDecision._meta.get_field("code").choices,
            "sort": sort,
            "query": query.urlencode(),
            "editable": editable,
            "projector": request.GET.get("projector") == "1",
        },
    )


def _line(row, columns, editable) -> dict:
    decision = row.decision
    ues = []
    for code in columns:
        ue = row.ue(code)
        ues.append(
            {
                "average": computation.display(ue.average) if ue else "",
                "code": ue.decision.value if ue and ue.decision else "",
                "capitalised": bool(ue and ue.capitalised),
            }
        )
    form = None
    if editable and decision is not None:
        form = DecisionForm(
            initial={
                "code": decision.code,
                "outcome": decision.outcome,
                "reason": decision.reason,
                "version": decision.version,
            },
            prefix=f"d{decision.pk}",
        )
    return {
        "row": row,
        "name": str(row.enrolment.apprenticeship.apprentice),
        "option": row.enrolment.apprenticeship.option.name,
        "ues": ues,
        "average": computation.display(row.result.average),
        "ects": computation.display_credits_of(row.result.ects_earned, row.result.ects_total),
        "proposal": row.proposal.code.value if row.proposal.code else "",
        "proposal_reason": row.proposal.reason,
        "gaps": len(row.gaps),
        "decision": decision,
        "form": form,
    }


@require_POST
@login_required
def jury_decide(request, pk: int):
    decision = get_object_or_404(JuryDecision.objects.select_related("session"), pk=pk)
    if not request.user.has_perm("evaluation.view_jury", decision.session):
        raise Http404
    if not request.user.has_perm("evaluation.manage_juries"):
        raise PermissionDenied
    form = DecisionForm(request.POST, prefix=f"d{decision.pk}")
    back = (
        reverse("evaluation:jury_grid", args=[decision.session_id])
        + f"?{request.GET.urlencode()}#d{decision.pk}"
    )
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(
            request,
            _("Decision on %(person)s not saved: %(errors)s")
            % {"person": decision.enrolment.apprenticeship.apprentice, "errors": errors},
        )
        return redirect(back)
    try:
        juries.decide(decision, actor=request.user, **form.cleaned_data)
    except ConcurrentEdit as error:
        messages.error(request, str(error))
        return redirect(back)
    messages.success(
        request, _("Decision on %(person)s saved.") % {"person": decision.enrolment.apprenticeship.apprentice}
    )
    return redirect(back)


@require_POST
@login_required
def jury_refresh(request, pk: int):
    session = _session(request, pk)
    if not request.user.has_perm("evaluation.manage_juries"):
        raise PermissionDenied
    if session.state != JuryState.DELIBERATING:
        messages.error(request, _("Proposals are made while the jury deliberates."))
    else:
        changed = juries.refresh_proposals(session)
        messages.success(
            request,
            _("Proposals brought up to date (%(count)d changed); decisions entered by a person are kept.")
            % {"count": changed},
        )
    return redirect("evaluation:jury_grid", session.pk)


@login_required
def jury_minutes(request, pk: int):
    session = _session(request, pk)
    if not session.minutes:
        raise Http404
    return FileResponse(
        session.minutes.open("rb"),
        as_attachment=True,
        filename=f"proces-verbal-{session.school_year.start_year}-{session.study_year}A.pdf",
        content_type="application/pdf",
    )


@require_POST
@login_required
def transcripts_zip(request, pk: int):
    session = _session(request, pk)
    if not request.user.has_perm("evaluation.manage_juries"):
        raise PermissionDenied
    if session.state != JuryState.PUBLISHED:
        messages.error(request, _("Transcripts are made once the results are published."))
        return redirect("evaluation:jury_detail", session.pk)
    job = start_transcripts_zip(session, requested_by=request.user)
    return redirect("job_detail", pk=job.pk)


@login_required
def transcripts_zip_download(request, pk: int):
    """The ZIP a transcripts job made, for whoever started it (and scolarité)."""
    job = get_object_or_404(Job, pk=pk, kind=TRANSCRIPTS_ZIP)
    if job.created_by_id != request.user.pk and not request.user.has_perm("evaluation.manage_juries"):
        raise Http404
    path = job.result.get("file") if job.status == Job.Status.DONE else None
    if not path or not default_storage.exists(path):
        raise Http404
    return FileResponse(
        default_storage.open(path, "rb"),
        as_attachment=True,
        filename=f"releves-jury-{job.payload['session']}.zip",
        content_type="application/zip",
    )


urlpatterns = [
    path("jurys/", jury_list, name="jury_list"),
    path("jurys/nouveau/", jury_create, name="jury_create"),
    path("jurys/<int:pk>/", jury_detail, name="jury_detail"),
    path("jurys/<int:pk>/modifier/", jury_edit, name="jury_edit"),
    path("jurys/<int:pk>/action/<str:transition>/", jury_transition, name="jury_transition"),
    path("jurys/<int:pk>/deliberation/", jury_grid, name="jury_grid"),
    path("jurys/<int:pk>/propositions/", jury_refresh, name="jury_refresh"),
    path("jurys/<int:pk>/proces-verbal.pdf", jury_minutes, name="jury_minutes"),
    path("decisions/<int:pk>/", jury_decide, name="jury_decide"),
    path("jurys/<int:pk>/releves/", transcripts_zip, name="transcripts_zip"),
    path("releves/<int:pk>.zip", transcripts_zip_download, name="transcripts_zip_download"),
]
