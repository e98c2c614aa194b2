"""The option lead's side: mission sheets to validate, with what changed since last time."""

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from apprentissage.drafts import changes_between
from apprentissage.views.transitions import transition_actions

from ..models import MissionSheet
from ..selectors import sheets_to_review
from ..workflows import MISSION_SHEET_WORKFLOW
from .dossiers import get_dossier


@login_required
@permission_required("recruitment.review_mission_sheets", raise_exception=True)
def review_list(request):
    return render(request, "recruitment/review_list.html", {"sheets": list(sheets_to_review(request.user))})


@login_required
def mission_review(request, pk: int):
    dossier = get_dossier(request, pk)
    if not request.user.has_perm("recruitment.review_missions", dossier):
        raise PermissionDenied
    sheet = dossier.mission_sheet
    versions = list(sheet.versions.select_related("submitted_by", "decided_by"))
    latest, previous = [*versions, None, None][:2]
    return render(
        request,
        "recruitment/mission_review.html",
        {
            "dossier": dossier,
            "sheet": sheet,
            "versions": versions,
            "latest": latest,
            "previous": previous,
            "changes": changes_between(
                MissionSheet, MissionSheet.CONTENT_FIELDS, previous and previous.content, latest.content
            )
            if latest
            else [],
            "actions": transition_actions(request.user, MISSION_SHEET_WORKFLOW, sheet),
        },
    )
