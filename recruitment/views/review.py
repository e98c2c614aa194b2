"""The option lead's side: mission sheets to validate, with what changed since last time."""

import difflib

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from apprentissage.permissions import get_object_for_user_or_404

from ..forms import CommentForm
from ..models import MissionSheet
from ..selectors import sheets_to_review, visible_dossiers
from ..workflows import MISSION_SHEET_WORKFLOW


@login_required
@permission_required("recruitment.review_mission_sheets", raise_exception=True)
def review_list(request):
    return render(request, "recruitment/review_list.html", {"sheets": list(sheets_to_review(request.user))})


def changes_between(previous: dict | None, current: dict) -> list[dict]:
    """Field by field: what the company changed since the previous submission."""
    labels = {name: MissionSheet._meta.get_field(name).verbose_name for name in MissionSheet.CONTENT_FIELDS}
    changes = []
    for name in MissionSheet.CONTENT_FIELDS:
        before = (previous or {}).get(name, "")
        after = current.get(name, "")
        if previous is not None and before != after:
            diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
            changes.append(
                {
                    "label": labels[name],
                    "removed": [line[2:] for line in diff if line.startswith("- ")],
                    "added": [line[2:] for line in diff if line.startswith("+ ")],
                }
            )
    return changes


@login_required
def mission_review(request, pk: int):
    dossier = get_object_for_user_or_404(
        request.user, "recruitment.view_dossier", visible_dossiers(request.user), pk=pk
    )
    if not request.user.has_perm("recruitment.review_missions", dossier):
        raise PermissionDenied
    sheet = dossier.mission_sheet
    versions = list(sheet.versions.select_related("submitted_by", "decided_by"))
    latest = versions[0] if versions else None
    previous = versions[1] if len(versions) > 1 else None
    return render(
        request,
        "recruitment/mission_review.html",
        {
            "dossier": dossier,
            "sheet": sheet,
            "versions": versions,
            "latest": latest,
            "previous": previous,
            "changes": changes_between(previous.content if previous else None, latest.content)
            if latest
            else [],
            "actions": MISSION_SHEET_WORKFLOW.available(request.user, sheet),
            "comment_form": CommentForm(),
        },
    )
