"""A dossier's page, its two documents (accord préalable, mission sheet), and the one view
that fires any transition."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apprentissage.permissions import get_object_for_user_or_404
from apprentissage.signatures import FrozenDocument, SignerEvidence, signatures_of, valid_signature
from apprentissage.workflow import TransitionError, history_of

from .. import progress, services
from ..enums import DossierState
from ..forms import AccordForm, CommentForm, MilestoneForm, MissionSheetForm, PaperSignatureForm, SignForm
from ..selectors import visible_dossiers
from ..workflows import DOSSIER_WORKFLOW, MISSION_SHEET_WORKFLOW

RECEIPT = {"reserve_place", "waitlist"}

# Which form each transition needs (the others need none).
TRANSITION_FORMS = {
    "sign_accord": SignForm,
    "record_paper_signature": PaperSignatureForm,
    "sign_convention": MilestoneForm,
    "sign_contract": MilestoneForm,
    "send_to_opco": MilestoneForm,
    "register": MilestoneForm,
    "reopen_accord": CommentForm,
    "withdraw": CommentForm,
    "cancel": CommentForm,
    "send_back": CommentForm,
}


def _get_dossier(request, pk):
    return get_object_for_user_or_404(
        request.user, "recruitment.view_dossier", visible_dossiers(request.user), pk=pk
    )


def _actions(user, workflow, obj, hidden=()) -> dict:
    """The transitions `user` may fire, with their forms: the next steps, and the rare
    destructive ones (cancel, withdraw, reopen) apart."""
    actions = [
        {"transition": t, "form": TRANSITION_FORMS[t.name]() if t.name in TRANSITION_FORMS else None}
        for t in workflow.available(user, obj)
        if t.name not in hidden
    ]
    return {
        "next": [a for a in actions if a["transition"].style != "danger"],
        "other": [a for a in actions if a["transition"].style == "danger"],
    }


def _render_detail(request, dossier, status=200):
    sheet = dossier.mission_sheet
    accord = dossier.accord
    trail = sorted(
        [*history_of(DOSSIER_WORKFLOW, dossier), *history_of(MISSION_SHEET_WORKFLOW, sheet)],
        key=lambda log: (log.at, log.pk),
    )
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
        # Scolarité "confirms receipt"; the portal then reserves a place or waitlists.
        "dossier_actions": _actions(
            request.user,
            DOSSIER_WORKFLOW,
            dossier,
            hidden=RECEIPT if dossier.state == DossierState.ACCORD_SIGNED else (),
        ),
        "sheet_actions": _actions(request.user, MISSION_SHEET_WORKFLOW, sheet),
        "trail": trail,
        "can_edit_accord": request.user.has_perm("recruitment.edit_accord", dossier),
        "can_edit_sheet": request.user.has_perm("recruitment.edit_mission_sheet", dossier),
        "can_receive": request.user.has_perm("recruitment.manage")
        and dossier.state == DossierState.ACCORD_SIGNED,
    }
    return render(request, "recruitment/dossier_detail.html", context, status=status)


@login_required
def dossier_detail(request, pk: int):
    return _render_detail(request, _get_dossier(request, pk))


@login_required
def accord_edit(request, pk: int):
    dossier = _get_dossier(request, pk)
    if not request.user.has_perm("recruitment.edit_accord", dossier):
        messages.info(request, _("The accord préalable can no longer be changed here."))
        return redirect("recruitment:dossier_detail", pk=dossier.pk)
    return _edit_draft(
        request,
        dossier,
        AccordForm,
        dossier.accord,
        services.save_accord,
        "accord",
        "recruitment/accord_form.html",
    )


@login_required
def missions_edit(request, pk: int):
    dossier = _get_dossier(request, pk)
    if not request.user.has_perm("recruitment.edit_mission_sheet", dossier):
        messages.info(request, _("The mission sheet can no longer be changed here."))
        return redirect("recruitment:dossier_detail", pk=dossier.pk)
    return _edit_draft(
        request,
        dossier,
        MissionSheetForm,
        dossier.mission_sheet,
        services.save_mission_sheet,
        "sheet",
        "recruitment/mission_sheet_form.html",
    )


def _edit_draft(request, dossier, form_class, instance, save, argument, template):
    form = form_class(request.POST or None, instance=instance)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            save(
                **{argument: instance},
                data=form.draft_data(),
                expected_version=form.cleaned_data["version"],
                actor=request.user,
            )
        except services.ConcurrentEdit as error:
            form.add_error(None, str(error))
            status = 409
        except FrozenDocument as error:
            messages.error(request, str(error))
            return redirect("recruitment:dossier_detail", pk=dossier.pk)
        else:
            for warning in getattr(form, "warnings", []):
                messages.warning(request, warning)
            messages.success(request, _("Draft saved."))
            return redirect("recruitment:dossier_detail", pk=dossier.pk)
    return render(request, template, {"dossier": dossier, "form": form}, status=status)


@require_POST
@login_required
def dossier_transition(request, pk: int, name: str):
    dossier = _get_dossier(request, pk)
    return _fire(request, dossier, name, services.fire, dossier, DOSSIER_WORKFLOW)


@require_POST
@login_required
def sheet_transition(request, pk: int, name: str):
    dossier = _get_dossier(request, pk)
    return _fire(
        request, dossier, name, services.fire_on_sheet, dossier.mission_sheet, MISSION_SHEET_WORKFLOW
    )


@require_POST
@login_required
def confirm_receipt(request, pk: int):
    dossier = _get_dossier(request, pk)
    if not request.user.has_perm("recruitment.manage"):
        return _refuse(request, dossier, _("You may not do this on this document."), 403)
    try:
        dossier = services.confirm_receipt(dossier=dossier, actor=request.user)
    except TransitionError as error:
        return _refuse(request, dossier, str(error), error.status_code)
    messages.success(request, _("Receipt confirmed: %(state)s.") % {"state": dossier.get_state_display()})
    return redirect("recruitment:dossier_detail", pk=dossier.pk)


def _fire(request, dossier, name, fire, obj, workflow):
    try:
        transition = workflow.get(name)
    except TransitionError as error:
        return _refuse(request, dossier, str(error), 404)
    form_class = TRANSITION_FORMS.get(name)
    kwargs = {}
    comment = ""
    if form_class:
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
            return _refuse(request, dossier, errors, 400)
        data = form.cleaned_data
        comment = data.get("comment", "")
        if name == "sign_accord":
            kwargs["evidence"] = SignerEvidence.from_request(request, data["typed_name"])
        elif name == "record_paper_signature":
            kwargs.update(scan=data["scan"], signer_name=data["signer_name"], signed_on=data["signed_on"])
        elif "on_date" in data:
            kwargs["on_date"] = data["on_date"]
    try:
        fire(obj, name, actor=request.user, comment=comment, **kwargs)
    except ValidationError as error:
        return _refuse(request, dossier, " ".join(error.messages), 400)
    except TransitionError as error:
        return _refuse(request, dossier, str(error), error.status_code)
    messages.success(request, _("Done: %(action)s.") % {"action": transition.label})
    return redirect("recruitment:dossier_detail", pk=dossier.pk)


def _refuse(request, dossier, message, status):
    """The same page, unchanged, with the reason and the right status code."""
    messages.error(request, message)
    dossier.refresh_from_db()
    return _render_detail(request, _get_dossier(request, dossier.pk), status=status)
