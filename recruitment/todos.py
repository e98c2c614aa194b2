"""Recruitment's items on the home page's to-do list (counts: constant queries)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apprentissage import rules as access
from apprentissage.dashboard import TodoItem, role_provider, todo_provider
from apprentissage.enums import Role

from .enums import DossierState, MissionSheetState
from .models import Candidate, Dossier, MissionSheet


@todo_provider
def candidate_todos(user):
    if not user.is_authenticated:
        return []
    candidate = (
        Candidate.objects.filter(user=user)
        .annotate(open_dossiers=Count("dossiers", filter=Q(dossiers__state__in=DossierState.open())))
        .order_by("-cohort__entry_year")
        .first()
    )
    if candidate is None or candidate.open_dossiers or user.apprenticeships.exists():
        return []
    return [
        TodoItem(
            title=_("Invite your future employer to fill in the accord préalable"),
            url=reverse("recruitment:my_recruitment"),
        )
    ]


@todo_provider
def company_contact_todos(user):
    """One item per open dossier where the company has something to do (one query)."""
    if not user.is_authenticated:
        return []
    dossiers = (
        Dossier.objects.filter(contact=user, state__in=DossierState.open())
        .select_related("candidate__user", "mission_sheet")
        .order_by("created_at")[:20]
    )
    items = []
    for dossier in dossiers:
        url = reverse("recruitment:dossier_detail", args=[dossier.pk])
        person = dossier.candidate.user
        if dossier.state == DossierState.COMPANY_INVITED:
            items.append(
                TodoItem(
                    title=_("Accord préalable of %(person)s: fill it in and sign it") % {"person": person},
                    url=url,
                )
            )
        sheet_state = dossier.mission_sheet.state
        if sheet_state == MissionSheetState.DRAFT:
            items.append(
                TodoItem(
                    title=_("Missions of %(person)s: describe them and submit the sheet")
                    % {"person": person},
                    url=url,
                )
            )
        elif sheet_state == MissionSheetState.RETURNED:
            items.append(
                TodoItem(
                    title=_("Missions of %(person)s: sent back with remarks, revise the sheet")
                    % {"person": person},
                    url=url,
                )
            )
    return items


@todo_provider
def option_lead_todos(user):
    if not user.is_authenticated:
        return []
    waiting = MissionSheet.objects.filter(
        state=MissionSheetState.SUBMITTED, dossier__option__lead=user
    ).count()
    if not waiting:
        return []
    return [
        TodoItem(
            title=ngettext(
                "%(count)d mission sheet to validate", "%(count)d mission sheets to validate", waiting
            )
            % {"count": waiting},
            url=reverse("recruitment:review_list"),
            count=waiting,
        )
    ]


@todo_provider
def scolarite_todos(user):
    if not access.can_manage_people(user):
        return []
    counts = Dossier.objects.aggregate(
        received=Count("pk", filter=Q(state=DossierState.ACCORD_SIGNED)),
        waiting=Count("pk", filter=Q(state=DossierState.WAITLISTED)),
    )
    items = []
    if counts["received"]:
        items.append(
            TodoItem(
                title=ngettext(
                    "%(count)d signed accord préalable to confirm",
                    "%(count)d signed accords préalables to confirm",
                    counts["received"],
                )
                % {"count": counts["received"]},
                url=reverse("recruitment:board") + f"?state={DossierState.ACCORD_SIGNED}",
                count=counts["received"],
            )
        )
    if counts["waiting"]:
        items.append(
            TodoItem(
                title=ngettext(
                    "%(count)d dossier on a waiting list",
                    "%(count)d dossiers on a waiting list",
                    counts["waiting"],
                )
                % {"count": counts["waiting"]},
                url=reverse("recruitment:capacity_list"),
                count=counts["waiting"],
            )
        )
    return items


@todo_provider
def midisup_todos(user):
    if not access.is_midisup(user):
        return []
    count = Dossier.objects.filter(state__in=DossierState.with_midisup()).count()
    if not count:
        return []
    return [
        TodoItem(
            title=ngettext("%(count)d contract in progress", "%(count)d contracts in progress", count)
            % {"count": count},
            url=reverse("recruitment:midisup_queue"),
            count=count,
        )
    ]


@role_provider
def candidate_role(user):
    """An admitted candidate who is not an apprentice yet."""
    candidacies = Candidate.objects.filter(user=user).exclude(user__apprenticeships__isnull=False)
    if user.is_authenticated and candidacies.exists():
        return [Role.CANDIDATE]
    return []
