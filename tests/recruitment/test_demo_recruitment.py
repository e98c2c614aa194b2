"""`make demo`'s recruitment data: the next cohort in every state, driven through the real
transitions, with a candidate login and a company login that have something to do."""

import datetime
from collections import Counter

from django.contrib.auth import authenticate
from django.utils import timezone

from apprentissage import demo
from apprentissage.models import Notification, SchoolYear, Signature, TransitionLog, User
from recruitment.enums import DossierState, MissionSheetState
from recruitment.models import Candidate, Dossier, MissionSheet
from recruitment.selectors import places_left
from recruitment.workflows import DOSSIER_WORKFLOW

from ..demo_once import load_demo

COUNTED = (Candidate, Dossier, Signature, TransitionLog, Notification)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_running_twice_changes_no_counts(demo_data):
    before = _counts()
    assert all(before.values())  # the module's demo is there
    load_demo()
    assert _counts() == before


def test_every_state_has_a_dossier_of_the_next_cohort(demo_data):
    next_year = SchoolYear.objects.current().start_year + 1
    states = Counter(Dossier.objects.filter(cohort__entry_year=next_year).values_list("state", flat=True))
    assert set(states) == set(DossierState.values)
    assert 12 <= sum(states.values()) <= 16
    assert set(Dossier.objects.values_list("option__code", flat=True)) == {
        "energies",
        "genindus",
        "materiaux",
        "pharmagro",
    }


def test_the_candidate_login_is_admitted_without_a_dossier(demo_data):
    candidate = Candidate.objects.select_related("option").get(user__email="candidat@example.com")
    assert candidate.option.code == "genindus"
    assert candidate.is_eligible
    assert not candidate.dossiers.exists()
    assert authenticate(email="candidat@example.com", password="demo") == candidate.user


def test_the_company_login_can_sign_a_complete_accord(demo_data):
    contact = authenticate(email="entreprise@example.com", password="demo")
    assert contact is not None
    dossier = Dossier.objects.select_related("accord", "mission_sheet").get(
        contact=contact, state=DossierState.COMPANY_INVITED
    )
    accord = dossier.accord
    assert accord.missing_fields() == []
    aero_tarn = contact.company_contacts.get(is_hr_contact=True, is_signatory=True).company
    assert aero_tarn.name == "Aéro Tarn Industries"
    assert accord.siret == aero_tarn.siret
    assert dossier.mission_sheet.state == MissionSheetState.DRAFT
    assert dossier.mission_sheet.missing_fields() == []
    assert "sign_accord" in [t.name for t in DOSSIER_WORKFLOW.available(contact, dossier)]


def test_the_new_logins_are_listed(demo_data):
    logins = [email for email, _label in demo.DEMO_LOGINS]
    assert {"candidat@example.com", "entreprise@example.com"} <= set(logins)


def test_the_pipeline_has_work_for_each_role_and_real_audit_trails(demo_data):
    # Matériaux is full: its waiting dossier waits for a place.
    waiting = Dossier.objects.get(state=DossierState.WAITLISTED)
    assert waiting.option.code == "materiaux"
    assert places_left(waiting.option, waiting.cohort) == 0
    # The GenIndus option lead has a sheet to review; another lead sent one back.
    assert MissionSheet.objects.filter(
        state=MissionSheetState.SUBMITTED, dossier__option__lead__email="responsable.option@example.com"
    ).exists()
    returned = MissionSheet.objects.get(state=MissionSheetState.RETURNED)
    assert returned.versions.get().remarks
    # Registered: an apprenticeship for a new person, with the accord's tutor.
    registered = Dossier.objects.get(state=DossierState.REGISTERED)
    assert registered.apprenticeship.apprentice == registered.candidate.user
    assert registered.apprenticeship.company_tutor.email == registered.accord.tutor_email
    # Each signed accord is signed online by the dossier's contact.
    signed = Dossier.objects.filter(accord_signed_at__isnull=False)
    accords = Signature.objects.filter(content_type__app_label="recruitment")  # the LEA signs too
    assert signed.count() == accords.count() > 0
    for dossier in signed:
        assert accords.get(object_id=dossier.accord.pk).signer == dossier.contact
    # Closed with a reason.
    for state in (DossierState.WITHDRAWN, DossierState.CANCELLED):
        log = TransitionLog.objects.get(to_state=state)
        assert log.comment


def test_some_open_dossiers_have_not_moved_for_a_week(demo_data):
    ages = [d.days_since_last_move() for d in Dossier.objects.filter(state__in=DossierState.open())]
    assert any(age > 7 for age in ages)
    assert any(age < 7 for age in ages)
    # The audit trail is dated like the dossiers, in the past.
    assert not TransitionLog.objects.filter(at__gte=timezone.now() - datetime.timedelta(days=1)).exists()


def test_an_ineligible_candidate_and_others_without_company(demo_data):
    without = Candidate.objects.filter(dossiers__isnull=True)
    assert without.count() >= 4
    assert [c for c in without if not c.is_eligible]
    assert User.objects.filter(email__startswith="candidat.", email__endswith="@example.com").count() >= 15
