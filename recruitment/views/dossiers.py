"""A dossier's page, its two documents (accord préalable, mission sheet), and the views
that fire their transitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.signatures import signatures_of, valid_signature
from apprentissage.views.drafts import edit_draft
from apprentissage.views.transitions import fire_from_request, refuse, transition_actions
from apprentissage.workflow import history_of

from .. import progress, services
from ..enums import DossierState
from ..forms import AccordForm, MissionSheetForm
from ..selectors import visible_dossiers
from ..workflows import DOSSIER_WORKFLOW, MISSION_SHEET_WORKFLOW

RECEIPT = {"reserve_place", "waitlist"}


def get_dossier(request, pk):
    """The dossier `pk` if the user may see it, else 404 (every dossier page starts here)."""
    return get_object_for_user_or_404(
        request.user, "recruitment.view_dossier", visible_dossiers(request.user), pk=pk
    )


def _render_detail(request, dossier, status=200):
    sheet = dossier.mission_sheet
    accord = dossier.accord
    trail = sorted(
        [*history_of(DOSSIER_WORKFLOW, dossier), *history_of(MISSION_SHEET_WORKFLOW, sheet)],
        key=lambda log: (log.at, log.pk),
    )
    # Scolarité "confirms receipt" of a signed accord (one button); the portal then reserves a
    # place or waitlists: the workflow says who may, and those two are not offered apart.
    receiving = dossier.state == DossierState.ACCORD_SIGNED
    offered = {t.name for t in DOSSIER_WORKFLOW.available(request.user, dossier)}
    can_receive = receiving and bool(RECEIPT & offered)
    context = {
        "dossier": dossier,
        "accord": accord,
        "sheet": sheet,
        "steps": progress.steps(dossier),
        "percent": progress.percent_done(dossier),
        "next_step": progress.next_step(dossier),
        "signature": valid_signature(accord),
        "signatures": list(signatures_of(accord)),
        "versions": list(sheet.versions.select_related("submitted_by", "decided_by")),
        "dossier_actions": transition_actions(
            request.user, DOSSIER_WORKFLOW, dossier, hidden=RECEIPT if receiving else ()
        ),
        "sheet_actions": transition_actions(request.user, MISSION_SHEET_WORKFLOW, sheet),
        "trail": trail,
        "can_edit_accord": request.user.has_perm("recruitment.edit_accord", dossier),
        "can_edit_sheet": request.user.has_perm("recruitment.edit_mission_sheet", dossier),
        "can_receive": can_receive,
    }
    return render(request, "recruitment/dossier_detail.html", context, status=status)


def _page(request, pk):
    """The dossier's page as it is now, with a status (a refused transition shows it again)."""
    return lambda status: _render_detail(request, get_dossier(request, pk), status=status)


def _detail_url(dossier) -> str:
    return reverse("recruitment:dossier_detail", args=[dossier.pk])


@login_required
def dossier_detail(request, pk: int):
    return _render_detail(request, get_dossier(request, pk))


@login_required
def accord_scan(request, pk: int, signature_pk: int):
    """The signed scan of a paper signature of the dossier's accord (voided ones too), for
    whoever may see the dossier; never from /media/: a download with its type enforced."""
    dossier = get_dossier(request, pk)
    signature = next(
        (s for s in signatures_of(dossier.accord) if s.pk == signature_pk and s.method == "paper" and s.scan),
        None,
    )
    if signature is None:
        raise Http404
    response = FileResponse(
        signature.scan.open("rb"),
        as_attachment=True,
        filename=f"accord-signe-{dossier.pk}-{signature.verification_code}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
def accord_edit(request, pk: int):
    dossier = get_dossier(request, pk)
    if not request.user.has_perm("recruitment.edit_accord", dossier):
        messages.info(request, _("The accord préalable can no longer be changed here."))
        return redirect(_detail_url(dossier))
    return edit_draft(
        request,
        form_class=AccordForm,
        instance=dossier.accord,
        template="recruitment/accord_form.html",
        success_url=_detail_url(dossier),
        context={"dossier": dossier},
    )


@login_required
def missions_edit(request, pk: int):
    dossier = get_dossier(request, pk)
    if not request.user.has_perm("recruitment.edit_mission_sheet", dossier):
        messages.info(request, _("The mission sheet can no longer be changed here."))
        return redirect(_detail_url(dossier))
    return edit_draft(
        request,
        form_class=MissionSheetForm,
        instance=dossier.mission_sheet,
        template="recruitment/mission_sheet_form.html",
        success_url=_detail_url(dossier),
        context={"dossier": dossier},
    )


@require_POST
@login_required
def dossier_transition(request, pk: int, name: str):
    dossier = get_dossier(request, pk)
    return fire_from_request(
        request, DOSSIER_WORKFLOW, dossier, name, page=_page(request, pk), success_url=_detail_url(dossier)
    )


@require_POST
@login_required
def sheet_transition(request, pk: int, name: str):
    dossier = get_dossier(request, pk)
    return fire_from_request(
        request,
        MISSION_SHEET_WORKFLOW,
        dossier.mission_sheet,
        name,
        page=_page(request, pk),
        success_url=_detail_url(dossier),
    )


@require_POST
@login_required
def confirm_receipt(request, pk: int):
    """Scolarité received the signed accord: reserve a place, or waitlist when the option is full."""
    dossier = get_dossier(request, pk)
    if not request.user.has_perm("recruitment.manage"):
        return refuse(request, _("You may not do this on this document."), 403, _page(request, pk))
    return fire_from_request(
        request,
        DOSSIER_WORKFLOW,
        dossier,
        services.receipt_transition(dossier),
        page=_page(request, pk),
        success_url=_detail_url(dossier),
        success_message=lambda d: _("Receipt confirmed: %(state)s.") % {"state": d.get_state_display()},
    )
