"""Writes of recruitment. Each function is one transaction; side effects in docstrings."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from apprentissage.models import Cohort, Option
from apprentissage.notifications import notify
from apprentissage.services import InvitationPurpose, find_or_invite
from apprentissage.workflow import apply_transition

from .enums import DossierState, MissionSheetState
from .models import AccordPrealable, Candidate, Dossier, MissionSheet, OptionCapacity
from .selectors import places_left, waiting_list
from .workflows import DOSSIER_WORKFLOW, MISSION_SHEET_WORKFLOW


class AlreadyRecorded(ValueError):
    """The candidate is already recorded for this cohort (a double or concurrent submit)."""

    def __init__(self, candidate: Candidate):
        super().__init__(f"{candidate} is already recorded for cohort {candidate.cohort_id}")
        self.candidate = candidate


class DossierAlreadyOpen(Exception):
    """The candidate already has an open dossier (e.g. the same form sent twice)."""

    def __init__(self, dossier: Dossier):
        super().__init__(f"candidate already has an open dossier ({dossier.pk})")
        self.dossier = dossier


def record_candidate(
    *,
    recorded_by,
    email: str,
    first_name: str,
    last_name: str,
    entry_year: int,
    option: Option,
    birth_date: datetime.date,
    diploma: str,
    diploma_title: str = "",
    phone: str = "",
    file_score=None,
    interview_score=None,
    test_score=None,
    english_score=None,
) -> Candidate:
    """Record an admitted candidate (one transaction). Side effects: the person is invited if
    new; the cohort is created with the first candidate of its entry year. Raises
    `AlreadyRecorded` when the person already is a candidate of that cohort, also when a
    concurrent request recorded them a moment ago (its unique constraints decide: one
    request wins, the others change nothing)."""
    for attempt in (1, 2):  # a lost race on the person's address: the second finds them
        try:
            with transaction.atomic():
                cohort, _created = Cohort.objects.get_or_create(
                    entry_year=entry_year, defaults={"name": f"Promotion {entry_year + 3}"}
                )
                user, _created = find_or_invite(
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    phone=phone,
                    invited_by=recorded_by,
                )
                return Candidate.objects.create(
                    user=user,
                    cohort=cohort,
                    option=option,
                    birth_date=birth_date,
                    diploma=diploma,
                    diploma_title=diploma_title,
                    file_score=file_score,
                    interview_score=interview_score,
                    test_score=test_score,
                    english_score=english_score,
                    recorded_by=recorded_by,
                )
        except IntegrityError:
            existing = Candidate.objects.filter(
                user__email__iexact=email, cohort__entry_year=entry_year
            ).first()
            if existing is not None:
                raise AlreadyRecorded(existing) from None
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def accord_invitation(candidate: Candidate, company_name: str = "") -> InvitationPurpose:
    """What the invitation of a company contact named by a candidate is for, and its steps."""
    params = {"candidate": candidate.user, "option": candidate.option.name, "company": company_name}
    if company_name:
        intro = _(
            "%(candidate)s, admitted to the IMT Mines Albi apprentice engineer programme in the "
            "%(option)s option, names you as their contact at %(company)s, the company that plans to "
            "hire them. This invitation is for their accord préalable: the company's agreement to "
            "take them on as an apprentice."
        )
    else:
        intro = _(
            "%(candidate)s, admitted to the IMT Mines Albi apprentice engineer programme in the "
            "%(option)s option, names you as their contact at the company that plans to hire them. "
            "This invitation is for their accord préalable: the company's agreement to take them on "
            "as an apprentice."
        )
    return InvitationPurpose(
        subject=_("Accord préalable of %(candidate)s: your access to the apprenticeship portal") % params,
        intro=intro % params,
        steps=(
            _(
                "You fill in and sign the accord préalable on the portal: the company, the HR contact, "
                "the company tutor, the start date and the remote-learning commitments."
            ),
            _("You describe the missions planned for each of the three years in the mission sheet."),
            _("The school confirms receipt and reserves a place; the option lead validates the missions."),
            _(
                "MidiSup, which manages the apprenticeship contracts, then draws up the training "
                "agreement and the contract with the company."
            ),
        ),
    )


@transaction.atomic
def start_dossier(
    *,
    candidate: Candidate,
    contact_email: str,
    contact_first_name: str,
    contact_last_name: str,
    company_name: str = "",
) -> Dossier:
    """The candidate names their future employer's contact, who is invited to fill the
    accord préalable and the mission sheet. Side effects: invitation or notification.
    Raises `DossierAlreadyOpen` when the candidate has one already (a second click: the
    candidate's row is locked, so concurrent submits are answered one after the other)."""
    Candidate.objects.select_for_update().filter(pk=candidate.pk).first()
    existing = candidate.dossiers.filter(state__in=DossierState.open()).first()
    if existing is not None:
        raise DossierAlreadyOpen(existing)
    contact, invited = find_or_invite(
        email=contact_email,
        first_name=contact_first_name,
        last_name=contact_last_name,
        invited_by=candidate.user,
        purpose=accord_invitation(candidate, company_name),
    )
    dossier = Dossier.objects.create(
        candidate=candidate, contact=contact, option=candidate.option, cohort=candidate.cohort
    )
    AccordPrealable.objects.create(
        dossier=dossier,
        company_name=company_name,
        hr_first_name=contact.first_name,
        hr_last_name=contact.last_name,
        hr_email=contact.email,
        hr_phone=contact.phone,
    )
    MissionSheet.objects.create(dossier=dossier)
    if not invited:  # a new contact gets the invitation; the dossier waits on their home page
        notify(
            [contact],
            title=_("%(candidate)s asks you to fill their accord préalable") % {"candidate": candidate.user},
            url=reverse("recruitment:accord_edit", args=[dossier.pk]),
        )
    return dossier


def fire(dossier: Dossier, name: str, **kwargs) -> Dossier:
    """Fire a dossier transition (keyword arguments: see `apply_transition`)."""
    return apply_transition(DOSSIER_WORKFLOW, dossier, name, **kwargs)


def fire_on_sheet(sheet: MissionSheet, name: str, **kwargs) -> MissionSheet:
    return apply_transition(MISSION_SHEET_WORKFLOW, sheet, name, **kwargs)


def receipt_transition(dossier: Dossier) -> str:
    """Scolarité received the signed accord: reserve a place, or waitlist when full."""
    return "reserve_place" if places_left(dossier.option, dossier.cohort) > 0 else "waitlist"


def confirm_receipt(*, dossier: Dossier, actor) -> Dossier:
    return fire(dossier, receipt_transition(dossier), actor=actor)


def hand_over_if_ready(*, dossier: Dossier, actor) -> None:
    dossier.refresh_from_db()
    sheet = dossier.mission_sheet
    sheet.refresh_from_db()
    if dossier.state == DossierState.PLACE_RESERVED and sheet.state == MissionSheetState.VALIDATED:
        apply_transition(DOSSIER_WORKFLOW, dossier, "hand_to_midisup", actor=actor, by_system=True)


def promote_waiting_list(*, option: Option, cohort: Cohort, actor) -> list[Dossier]:
    """Give freed places to the waiting list, in arrival order."""
    promoted = []
    for dossier in waiting_list(option, cohort):
        if places_left(option, cohort) <= 0:
            break
        promoted.append(apply_transition(DOSSIER_WORKFLOW, dossier, "promote", actor=actor, by_system=True))
    return promoted


@transaction.atomic
def set_capacity(*, option: Option, cohort: Cohort, places: int, actor) -> OptionCapacity:
    capacity = OptionCapacity.objects.filter(option=option, cohort=cohort).first()
    if capacity is None:
        capacity = OptionCapacity.objects.create(option=option, cohort=cohort, places=places)
    elif capacity.places != places:  # an unchanged value writes no history entry
        capacity.places = places
        capacity.save(update_fields=["places"])
    promote_waiting_list(option=option, cohort=cohort, actor=actor)
    return capacity
