"""Reads of recruitment, filtered to what the user may see."""

from django.db.models import Count, Q, QuerySet

from apprentissage import rules as access
from apprentissage.models import Cohort, Option

from .enums import DossierState, MissionSheetState
from .models import Candidate, Dossier, MissionSheet, OptionCapacity


def with_related(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return qs.select_related(
        "candidate__user",
        "candidate__cohort",
        "contact",
        "company",
        "option__lead",
        "cohort",
        "accord",
        "mission_sheet",
    )


# What the lists of dossiers show (board, dossier list, MidiSup queue): four of `with_related`'s
# eight joins, and of them only the columns shown. PostgreSQL spends ~20 ms planning the ten
# joins of `with_related`, and Python builds eight objects per row.
LIST_JOINS = ("candidate__user", "company", "option", "accord")
LIST_COLUMNS = (
    "state",
    "state_changed_at",
    *(f"candidate__user__{field}" for field in ("first_name", "last_name", "email")),
    "company__name",
    "company__siret",
    "option__name",
    *(f"accord__{field}" for field in ("company_name", "hr_first_name", "hr_last_name", "hr_email")),
)
# What an export of dossiers writes (staff.export_rows): every column of these.
EXPORT_JOINS = ("candidate__user", "option", "cohort", "accord")


def as_list_rows(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    """`dossiers` with only what a list of them shows (any other field is a query per row:
    add it to LIST_COLUMNS first)."""
    return dossiers.select_related(None).select_related(*LIST_JOINS).only(*LIST_COLUMNS)


def for_export(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    return dossiers.select_related(None).select_related(*EXPORT_JOINS)


def visible_dossiers(user) -> QuerySet[Dossier]:
    """The same relationships as `can_view_dossier`, as a queryset."""
    qs = with_related(Dossier.objects.all())
    if not user.is_authenticated:
        return qs.none()
    if access.is_scolarite(user) or access.is_admin(user):
        return qs
    q = Q(candidate__user=user) | Q(contact=user) | Q(option__lead=user)
    if access.is_midisup(user):
        q |= Q(state__in=[*DossierState.with_midisup(), DossierState.REGISTERED])
    return qs.filter(q)


def places_left(option: Option, cohort: Cohort, *, lock: bool = False) -> float:
    """Places still free. With `lock` (inside a transaction), the capacity row stays locked
    until commit, so two reservations of the last place cannot both succeed."""
    capacities = OptionCapacity.objects.filter(option=option, cohort=cohort)
    if lock:
        capacities = capacities.select_for_update()
    capacity = capacities.values_list("places", flat=True).first()
    if capacity is None:
        return float("inf")  # no capacity set: no limit
    taken = Dossier.objects.filter(
        option=option, cohort=cohort, state__in=DossierState.holding_a_place()
    ).count()
    return capacity - taken


def waiting_list(option: Option, cohort: Cohort) -> QuerySet[Dossier]:
    """Arrival order: when the accord préalable was signed."""
    return with_related(
        Dossier.objects.filter(option=option, cohort=cohort, state=DossierState.WAITLISTED)
    ).order_by("accord_signed_at", "pk")


def capacities(cohort: Cohort) -> list[dict]:
    """Per option: places, taken, waiting — three queries whatever the number of dossiers."""
    places = dict(OptionCapacity.objects.filter(cohort=cohort).values_list("option_id", "places"))
    counts = (
        Dossier.objects.filter(cohort=cohort)
        .values("option_id")
        .annotate(
            taken=Count("pk", filter=Q(state__in=DossierState.holding_a_place())),
            waiting=Count("pk", filter=Q(state=DossierState.WAITLISTED)),
        )
    )
    by_option = {row["option_id"]: row for row in counts}
    return [
        {
            "option": option,
            "places": places.get(option.pk),
            "taken": by_option.get(option.pk, {}).get("taken", 0),
            "waiting": by_option.get(option.pk, {}).get("waiting", 0),
        }
        for option in Option.objects.all()
    ]


def board_counts(dossiers: QuerySet[Dossier]) -> dict:
    """Dossiers per state per option, in one query."""
    table: dict[str, dict[int, int]] = {}
    for row in dossiers.order_by().values("state", "option_id").annotate(n=Count("pk")):
        table.setdefault(row["state"], {})[row["option_id"]] = row["n"]
    options = list(Option.objects.all())
    rows = [
        {
            "state": state,
            "label": label,
            "cells": [table.get(state, {}).get(option.pk, 0) for option in options],
            "total": sum(table.get(state, {}).values()),
        }
        for state, label in DossierState.choices
    ]
    return {"options": options, "rows": rows}


def midisup_queue() -> QuerySet[Dossier]:
    return with_related(Dossier.objects.filter(state__in=DossierState.with_midisup())).order_by(
        "state_changed_at"
    )


def sheets_to_review(user) -> QuerySet[MissionSheet]:
    return MissionSheet.objects.filter(
        state=MissionSheetState.SUBMITTED, dossier__option__lead=user
    ).select_related("dossier__candidate__user", "dossier__option", "dossier__accord", "dossier__company")


def candidate_profile(user) -> Candidate | None:
    return (
        Candidate.objects.filter(user=user)
        .select_related("cohort", "option")
        .order_by("-cohort__entry_year")
        .first()
    )


def open_dossier_of(candidate: Candidate) -> Dossier | None:
    return with_related(candidate.dossiers.filter(state__in=DossierState.open())).first()
