"""Who may do what in recruitment. Dossier predicates take (user, dossier); mission sheet
transitions are checked against the sheet's dossier."""

import rules
from django.db.models import OuterRef

from apprentissage.rules import can_manage, is_admin, is_midisup, leads_an_option, user_fact

from .enums import DossierState


def _dossier(obj):
    """Predicates accept a dossier or one of its documents (accord, mission sheet)."""
    return getattr(obj, "dossier", obj)


@rules.predicate
def is_candidate_of(user, obj) -> bool:
    dossier = _dossier(obj)
    return bool(dossier and user.is_authenticated and dossier.candidate.user_id == user.pk)


@rules.predicate
def is_contact_of(user, obj) -> bool:
    dossier = _dossier(obj)
    return bool(dossier and user.is_authenticated and dossier.contact_id == user.pk)


@rules.predicate
def is_option_lead_of_dossier(user, obj) -> bool:
    dossier = _dossier(obj)
    return bool(dossier and user.is_authenticated and dossier.option.lead_id == user.pk)


@rules.predicate
def is_handed_to_midisup(user, obj) -> bool:
    dossier = _dossier(obj)
    return bool(dossier) and dossier.state in [*DossierState.with_midisup(), DossierState.REGISTERED]


@rules.predicate
def is_open(user, obj) -> bool:
    dossier = _dossier(obj)
    return bool(dossier) and dossier.is_open


@rules.predicate
def accord_is_editable(user, obj) -> bool:
    dossier = _dossier(obj)
    return bool(dossier) and dossier.state == DossierState.COMPANY_INVITED


@rules.predicate
def mission_sheet_is_editable(user, obj) -> bool:
    dossier = _dossier(obj)
    sheet = getattr(dossier, "mission_sheet", None)
    return bool(sheet) and dossier.is_open and sheet.state in ("draft", "returned")


can_view_dossier = (
    is_candidate_of
    | is_contact_of
    | is_option_lead_of_dossier
    | can_manage
    | (is_midisup & is_handed_to_midisup)
)

rules.add_perm("recruitment.view_dossier", can_view_dossier)
rules.add_perm("recruitment.edit_accord", is_contact_of & accord_is_editable)
rules.add_perm("recruitment.edit_mission_sheet", is_contact_of & mission_sheet_is_editable)
rules.add_perm("recruitment.download_dossier_pdf", can_view_dossier)
rules.add_perm("recruitment.manage", can_manage)
rules.add_perm("recruitment.view_midisup_queue", is_midisup | is_admin)
rules.add_perm("recruitment.review_missions", is_option_lead_of_dossier)
rules.add_perm("recruitment.start_dossier", rules.is_authenticated)


def _candidacies():
    from .models import Candidate

    return Candidate.objects.filter(user=OuterRef("pk"))


# User facts: answered with every other one in one query per request (apprentissage.rules);
# `leads_an_option` is the core's.
is_a_candidate = user_fact("recruitment.is_a_candidate", _candidacies)


rules.add_perm("recruitment.review_mission_sheets", leads_an_option)
rules.add_perm("recruitment.view_my_recruitment", is_a_candidate)


def _contacted_dossiers():
    from .models import Dossier

    return Dossier.objects.filter(contact=OuterRef("pk"))


contacts_a_dossier = user_fact("recruitment.contacts_a_dossier", _contacted_dossiers)


# Company contacts and option leads have a list of the dossiers they deal with.
has_dossiers_to_follow = contacts_a_dossier | leads_an_option

rules.add_perm("recruitment.view_dossier_list", has_dossiers_to_follow)
