"""A fiche de liaison's page, each party's section (a shared draft, saved by hand and every
minute by static/js/autosave.js), its transitions and its PDF."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apprentissage.drafts import ConcurrentEdit, save_draft
from apprentissage.pdf import pdf_response
from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.signatures import FrozenDocument, signatures_of
from apprentissage.views.drafts import edit_draft
from apprentissage.views.transitions import fire_from_request, transition_actions
from apprentissage.workflow import history_of
from planning.selectors import calendar_of

from .. import fiche_effects
from ..enums import BehaviourCriterion, FicheState
from ..forms.fiches import FicheApprenticeForm, FicheTutorForm, behaviour_label, level_label
from ..models import Fiche
from ..workflows.fiches import FICHE_WORKFLOW

AUTOSAVE = "autosave"  # the POST field autosave.js adds: the answer is JSON, not a page


def get_fiche(request, pk: int) -> Fiche:
    """The fiche `pk` if the user may read it, else 404 (every fiche page starts here)."""
    return get_object_for_user_or_404(
        request.user,
        "lea.view_fiche",
        # (who acknowledged it: the page and the PDF name them)
        Fiche.objects.with_people().select_related("acknowledged_by"),
        pk=pk,
    )


def _detail_url(fiche) -> str:
    return reverse("lea:fiche_detail", args=[fiche.pk])


def tape_sessions(fiche: Fiche) -> list[dict]:
    """The TAPE sessions of the fiche's company period with the apprentice's answer, from
    the calendar (four queries whatever their number)."""
    calendar = calendar_of(fiche.apprenticeship, [fiche.school_year], with_answers=True)
    return [
        {"session": session, "answer": calendar.answer(session)}
        for session in calendar.sessions(fiche.school_year)
        if fiche.period_start <= timezone.localdate(session.starts_at) <= fiche.period_end
    ]


def competency_rows(fiche: Fiche) -> list[dict]:
    """The framework by block, each competency with both ratings in words."""
    blocks: dict[str, list[dict]] = {}
    for c in fiche.framework or []:
        blocks.setdefault(c.get("block") or "", []).append(
            {
                "label": c["label"],
                "self": level_label((fiche.self_ratings or {}).get(c["code"])),
                "tutor": level_label((fiche.tutor_ratings or {}).get(c["code"])),
            }
        )
    return [{"block": block, "rows": rows} for block, rows in blocks.items()]


def behaviour_rows(fiche: Fiche) -> list[dict]:
    ratings = fiche.behaviour_ratings or {}
    return [{"label": c.label, "value": behaviour_label(ratings, c.value)} for c in BehaviourCriterion]


def fiche_context(request, fiche: Fiche) -> dict:
    """What the page and the PDF show (a constant number of queries)."""
    signatures = list(signatures_of(fiche))
    return {
        **_header_context(fiche),
        "signature": next((s for s in reversed(signatures) if s.voided_at is None), None),
        "signatures": signatures,
        "verification_url": request.build_absolute_uri(reverse("signature_verification")),
    }


def _header_context(fiche: Fiche) -> dict:
    """What the section forms' pages show above the form (the header, the TAPE sessions,
    the apprentice's part): the fiche's context without its signatures."""
    return {
        "fiche": fiche,
        "apprenticeship": fiche.apprenticeship,
        "next_step": FICHE_WORKFLOW.next_step(fiche),
        "waiting_on": fiche_effects.waiting_on(fiche),
        "late_since": fiche.late_since(timezone.localdate()),
        "send_back": fiche_effects.send_back_remark(fiche),
        "tape": tape_sessions(fiche),
        "competencies": competency_rows(fiche),
        "behaviour": behaviour_rows(fiche),
        "activities": fiche.activities or [],
    }


def _render_detail(request, fiche, status=200):
    user = request.user
    context = {
        **fiche_context(request, fiche),
        "actions": transition_actions(user, FICHE_WORKFLOW, fiche),
        "trail": history_of(FICHE_WORKFLOW, fiche),
        "can_edit_apprentice": user.has_perm("lea.edit_fiche_apprentice", fiche),
        "can_edit_tutor": user.has_perm("lea.edit_fiche_tutor", fiche),
    }
    return render(request, "lea/fiches/detail.html", context, status=status)


@login_required
def fiche_detail(request, pk: int):
    return _render_detail(request, get_fiche(request, pk))


def _cannot_edit_message(fiche) -> str:
    if fiche.state in FicheState.done():
        return _(
            "This fiche is countersigned: it can no longer be changed (the registrar's office can reopen it)."
        )
    return _("This part of the fiche cannot be changed now (%(state)s).") % {
        "state": fiche.get_state_display()
    }


def _autosave(request, form_class, fiche) -> JsonResponse:
    """The periodic draft save: JSON for autosave.js (200 saved with the new version, 400
    not saved because of an error in the form, 409 someone saved since or it is frozen)."""
    form = form_class(request.POST, instance=fiche)
    if not form.is_valid():
        return JsonResponse(
            {"message": _("Not saved automatically: correct the fields in error, then save.")}, status=400
        )
    try:
        save_draft(
            fiche, data=form.draft_data(), expected_version=form.cleaned_data["version"], actor=request.user
        )
    except (ConcurrentEdit, FrozenDocument) as error:
        return JsonResponse({"message": str(error)}, status=409)
    return JsonResponse(
        {
            "version": fiche.version,
            "message": _("Draft saved automatically at %(time)s.")
            % {"time": time_format(timezone.localtime(fiche.updated_at), "TIME_FORMAT")},
        }
    )


def _edit_section(request, pk: int, *, perm: str, form_class, title: str, after_post=None):
    """A section's page for whoever may write it now (the others: to the fiche's page with
    the reason, nothing saved); `after_post(fiche)` runs after each of their POSTs."""
    fiche = get_fiche(request, pk)
    if not request.user.has_perm(perm, fiche):
        message = _cannot_edit_message(fiche)
        if request.method == "POST" and AUTOSAVE in request.POST:
            return JsonResponse({"message": message}, status=409)
        messages.error(request, message)
        return redirect(_detail_url(fiche))
    if request.method == "POST" and AUTOSAVE in request.POST:
        response = _autosave(request, form_class, fiche)
    else:
        response = edit_draft(
            request,
            form_class=form_class,
            instance=fiche,
            template="lea/fiches/edit.html",
            success_url=_detail_url(fiche),
            context={"title": title, **_header_context(fiche)},
        )
    if request.method == "POST" and after_post:
        after_post(fiche)
    return response


@login_required
def fiche_edit(request, pk: int):
    """The apprentice's section."""
    return _edit_section(
        request, pk, perm="lea.edit_fiche_apprentice", form_class=FicheApprenticeForm, title=_("My part")
    )


@login_required
def fiche_tutor_edit(request, pk: int):
    """The company tutor's section; a concern saved is told to the school tutor at once."""
    return _edit_section(
        request,
        pk,
        perm="lea.edit_fiche_tutor",
        form_class=FicheTutorForm,
        title=_("The company tutor's part"),
        after_post=fiche_effects.tell_concern_once,
    )


@require_POST
@login_required
def fiche_transition(request, pk: int, transition: str):
    fiche = get_fiche(request, pk)
    return fire_from_request(
        request,
        FICHE_WORKFLOW,
        fiche,
        transition,
        page=lambda status: _render_detail(request, get_fiche(request, pk), status=status),
        success_url=_detail_url(fiche),
    )


@login_required
def fiche_pdf(request, pk: int):
    fiche = get_fiche(request, pk)
    return pdf_response(
        "pdf/lea/fiche.html",
        fiche_context(request, fiche),
        filename=f"fiche-de-liaison-{slugify(fiche.apprenticeship.apprentice.last_name)}"
        f"-{fiche.school_year.start_year}-{fiche.number}.pdf",
    )


urlpatterns = [
    path("fiches/<int:pk>/", fiche_detail, name="fiche_detail"),
    path("fiches/<int:pk>/apprenti/", fiche_edit, name="fiche_edit"),
    path("fiches/<int:pk>/tuteur/", fiche_tutor_edit, name="fiche_tutor_edit"),
    path("fiches/<int:pk>/action/<str:transition>/", fiche_transition, name="fiche_transition"),
    path("fiches/<int:pk>/pdf/", fiche_pdf, name="fiche_pdf"),
]
