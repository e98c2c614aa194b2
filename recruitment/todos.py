"""Recruitment's to-dos that no workflow declares (the documents' own to-dos come from
`workflows.py`), and the roles recruitment knows: the candidate, and the company contact
of a dossier (invited by a candidate: no company is linked until the accord is signed)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from apprentissage.dashboard import TodoItem, role_provider, todo_provider
from apprentissage.enums import Role
from apprentissage.rules import is_an_apprentice

from .enums import DossierState
from .models import Candidate
from .rules import contacts_a_dossier, is_a_candidate


@todo_provider
def candidate_todos(user):
    if not is_a_candidate(user):  # a user fact: no query of its own
        return []
    candidate = (
        Candidate.objects.filter(user=user)
        .annotate(open_dossiers=Count("dossiers", filter=Q(dossiers__state__in=DossierState.open())))
        .order_by("-cohort__entry_year")
        .first()
    )
    if candidate is None or candidate.open_dossiers or is_an_apprentice(user):
        return []
    return [
        TodoItem(
            title=_("Invite your future employer to fill in the accord préalable"),
            url=reverse("recruitment:my_recruitment"),
        )
    ]


@role_provider
def candidate_role(user):
    """An admitted candidate who is not an apprentice yet."""
    if is_a_candidate(user) and not is_an_apprentice(user):  # user facts: no query of their own
        return [Role.CANDIDATE]
    return []


@role_provider
def dossier_contact_role(user):
    """The company contact named on a dossier (a user fact: no query of its own)."""
    return [Role.COMPANY_CONTACT] if contacts_a_dossier(user) else []
