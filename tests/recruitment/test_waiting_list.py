"""Places per option and cohort (OptionCapacity), and the waiting list in arrival order:
when a place frees, the earliest-signed waitlisted dossier gets it, automatically."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from apprentissage.models import Notification, TransitionLog
from apprentissage.signatures import SignerEvidence
from apprentissage.workflow import TransitionBlocked
from recruitment import services
from recruitment.enums import DossierState
from recruitment.models import Candidate, Dossier, OptionCapacity
from recruitment.selectors import places_left, waiting_list
from tests.factories import CohortFactory, UserFactory

from .conftest import fill

REASON = "J'ai accepté une autre offre d'alternance."


def _reload(dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


def _new_dossier(world, name: str, *, option=None, cohort=None) -> Dossier:
    """Another admitted candidate with a complete accord and missions (GenIndus 2027 by default)."""
    candidate = Candidate.objects.create(
        user=UserFactory(email=f"{name.lower()}@example.com", first_name="Léa", last_name=name),
        cohort=cohort or world.dossier.cohort,
        option=option or world.dossier.option,
        birth_date=datetime.date(2005, 6, 1),
        diploma="bts",
    )
    dossier = services.start_dossier(
        candidate=candidate,
        contact_email=f"rh.{name.lower()}@example.com",
        contact_first_name="Paul",
        contact_last_name=f"Rh{name}",
    )
    fill(dossier)
    return dossier


def _sign(dossier) -> Dossier:
    contact = dossier.contact
    services.fire(
        dossier,
        "sign_accord",
        actor=contact,
        evidence=SignerEvidence(f"{contact.first_name} {contact.last_name}", "192.0.2.8", "tests"),
    )
    return _reload(dossier)


def _confirm(dossier, world) -> Dossier:
    return services.confirm_receipt(dossier=_reload(dossier), actor=world["scolarite"])


@pytest.fixture
def genindus(world):
    return world.dossier.option, world.dossier.cohort


@pytest.fixture
def full_option(world, genindus):
    """One place in GenIndus 2027: the candidate persona's dossier (signed first) holds it;
    C then B are waitlisted, though B signed before C (and was created after it)."""
    option, cohort = genindus
    services.set_capacity(option=option, cohort=cohort, places=1, actor=world["scolarite"])
    fill(world.dossier)
    a = world.dossier
    c = _new_dossier(world, "Cazals")
    b = _new_dossier(world, "Bertin")
    a, b, c = _sign(a), _sign(b), _sign(c)
    assert a.accord_signed_at < b.accord_signed_at < c.accord_signed_at and c.pk < b.pk
    for dossier in (a, c, b):  # confirmation order differs from signing order
        _confirm(dossier, world)
    a, b, c = _reload(a), _reload(b), _reload(c)
    assert [a.state, b.state, c.state] == [
        DossierState.PLACE_RESERVED,
        DossierState.WAITLISTED,
        DossierState.WAITLISTED,
    ]
    return a, b, c


def test_confirm_receipt_with_one_place_reserves_the_first_and_waitlists_the_second(world, genindus):
    # Arrange
    option, cohort = genindus
    OptionCapacity.objects.create(option=option, cohort=cohort, places=1)
    fill(world.dossier)
    first, second = _sign(world.dossier), _sign(_new_dossier(world, "Bertin"))

    # Act
    first, second = _confirm(first, world), _confirm(second, world)

    # Assert
    assert (first.state, second.state) == (DossierState.PLACE_RESERVED, DossierState.WAITLISTED)
    assert places_left(option, cohort) == 0
    assert list(waiting_list(option, cohort)) == [second]
    assert list(TransitionLog.objects.values_list("transition", flat=True)) == [
        "sign_accord",
        "sign_accord",
        "reserve_place",
        "waitlist",
    ]


def test_confirm_receipt_view_waitlists_when_the_option_is_full(world, genindus, login):
    # Arrange
    option, cohort = genindus
    OptionCapacity.objects.create(option=option, cohort=cohort, places=0)
    fill(world.dossier)
    dossier = _sign(world.dossier)
    client = login(world["scolarite"])

    # Act
    response = client.post(reverse("recruitment:confirm_receipt", args=[dossier.pk]))

    # Assert
    assert response.status_code == 302
    assert _reload(dossier).state == DossierState.WAITLISTED


def test_withdrawal_of_a_dossier_holding_a_place_promotes_the_earliest_signed(
    world, full_option, django_capture_on_commit_callbacks
):
    # Arrange
    a, b, c = full_option
    candidate = world["candidate"]
    known = set(Notification.objects.values_list("pk", flat=True))

    # Act: the candidate withdraws, with a reason
    with django_capture_on_commit_callbacks(execute=True):
        services.fire(a, "withdraw", actor=candidate, comment=REASON)

    # Assert: B (signed before C) got the place, automatically
    a, b, c = _reload(a), _reload(b), _reload(c)
    assert (a.state, b.state, c.state) == (
        DossierState.WITHDRAWN,
        DossierState.PLACE_RESERVED,
        DossierState.WAITLISTED,
    )
    promote = TransitionLog.objects.get(transition="promote")
    assert (promote.object_id, promote.from_state, promote.to_state, promote.actor) == (
        b.pk,
        DossierState.WAITLISTED,
        DossierState.PLACE_RESERVED,
        candidate,
    )
    assert TransitionLog.objects.get(transition="withdraw").comment == REASON
    title = f"Place réservée dans l'option GenIndus : {b}"
    new = Notification.objects.exclude(pk__in=known)
    assert list(new.filter(recipient=b.candidate.user).values_list("title", flat=True)) == [title]
    assert not new.filter(recipient=c.candidate.user).exists()
    assert [m.to for m in mail.outbox if title in m.subject + m.body].count([b.candidate.user.email]) == 1


def test_withdrawal_without_a_reason_is_blocked_and_keeps_the_place(world, full_option):
    a, b, _c = full_option

    with pytest.raises(TransitionBlocked):
        services.fire(a, "withdraw", actor=world["candidate"], comment="")

    assert (_reload(a).state, _reload(b).state) == (DossierState.PLACE_RESERVED, DossierState.WAITLISTED)
    assert not TransitionLog.objects.filter(transition="promote").exists()


def test_cancelling_a_dossier_holding_a_place_promotes_the_first_waitlisted(world, full_option):
    # Arrange
    a, b, c = full_option

    # Act
    services.fire(a, "cancel", actor=world["scolarite"], comment="L'entreprise a fermé son site d'Albi.")

    # Assert
    assert [_reload(d).state for d in (a, b, c)] == [
        DossierState.CANCELLED,
        DossierState.PLACE_RESERVED,
        DossierState.WAITLISTED,
    ]
    assert TransitionLog.objects.get(transition="promote").object_id == b.pk


def test_second_freed_place_goes_to_the_next_in_line(world, full_option):
    # Arrange: B got A's place
    a, b, c = full_option
    services.fire(a, "withdraw", actor=world["candidate"], comment=REASON)

    # Act
    services.fire(_reload(b), "cancel", actor=b.contact, comment="Le poste est supprimé.")

    # Assert
    assert _reload(c).state == DossierState.PLACE_RESERVED
    assert list(
        TransitionLog.objects.filter(transition="promote").order_by("pk").values_list("object_id", flat=True)
    ) == [b.pk, c.pk]


def test_reopening_a_reserved_accord_frees_its_place_for_the_waiting_list(world, full_option):
    a, b, _c = full_option

    services.fire(a, "reopen_accord", actor=world["scolarite"], comment="SIRET du siège, pas de l'usine.")

    assert (_reload(a).state, _reload(b).state) == (DossierState.COMPANY_INVITED, DossierState.PLACE_RESERVED)


def test_withdrawing_a_waitlisted_dossier_promotes_nobody(world, full_option):
    a, b, c = full_option

    services.fire(c, "withdraw", actor=c.candidate.user, comment=REASON)

    assert [_reload(d).state for d in (a, b, c)] == [
        DossierState.PLACE_RESERVED,
        DossierState.WAITLISTED,
        DossierState.WITHDRAWN,
    ]
    assert not TransitionLog.objects.filter(transition="promote").exists()


def test_promoted_dossier_with_validated_missions_goes_straight_to_midisup(world, full_option):
    # Arrange: B's missions are validated while it waits
    a, b, _c = full_option
    services.fire_on_sheet(b.mission_sheet, "submit", actor=b.contact)
    services.fire_on_sheet(b.mission_sheet, "validate", actor=world["option_lead"])
    assert _reload(b).state == DossierState.WAITLISTED

    # Act
    services.fire(a, "withdraw", actor=world["candidate"], comment=REASON)

    # Assert
    assert _reload(b).state == DossierState.WITH_MIDISUP
    logs = TransitionLog.objects.filter(object_id=b.pk, transition__in=["promote", "hand_to_midisup"])
    assert list(logs.order_by("pk").values_list("transition", flat=True)) == ["promote", "hand_to_midisup"]


def test_raising_the_capacity_promotes_in_arrival_order(world, genindus, full_option):
    # Arrange
    option, cohort = genindus
    _a, b, c = full_option

    # Act / Assert: one more place, B first
    services.set_capacity(option=option, cohort=cohort, places=2, actor=world["scolarite"])
    assert (_reload(b).state, _reload(c).state) == (DossierState.PLACE_RESERVED, DossierState.WAITLISTED)

    # Act / Assert: another one, C
    services.set_capacity(option=option, cohort=cohort, places=3, actor=world["scolarite"])
    assert _reload(c).state == DossierState.PLACE_RESERVED
    assert {log.actor for log in TransitionLog.objects.filter(transition="promote")} == {world["scolarite"]}
    assert places_left(option, cohort) == 0


def test_capacity_page_raising_places_promotes_the_waiting_list(world, genindus, full_option, login):
    # Arrange
    option, cohort = genindus
    _a, b, _c = full_option
    client = login(world["scolarite"])

    # Act
    response = client.post(
        reverse("recruitment:capacity_list"), {"option": option.pk, "cohort": cohort.pk, "places": 2}
    )

    # Assert
    assert response.status_code == 302
    assert OptionCapacity.objects.get(option=option, cohort=cohort).places == 2
    assert _reload(b).state == DossierState.PLACE_RESERVED


def test_lowering_the_capacity_takes_no_place_back(world, genindus, full_option):
    option, cohort = genindus
    a, _b, _c = full_option

    services.set_capacity(option=option, cohort=cohort, places=0, actor=world["scolarite"])

    assert _reload(a).state == DossierState.PLACE_RESERVED
    assert places_left(option, cohort) == -1


def test_no_capacity_means_no_limit(world, genindus):
    # Arrange
    option, cohort = genindus
    fill(world.dossier)
    dossiers = [_sign(world.dossier), *[_sign(_new_dossier(world, n)) for n in ("Bertin", "Cazals")]]

    # Act
    confirmed = [_confirm(d, world) for d in dossiers]

    # Assert
    assert [d.state for d in confirmed] == [DossierState.PLACE_RESERVED] * 3
    assert places_left(option, cohort) == float("inf")
    assert not OptionCapacity.objects.exists()


def test_capacity_counts_per_option_and_cohort(world, genindus):
    # Arrange: GenIndus 2027 is full
    option, cohort = genindus
    OptionCapacity.objects.create(option=option, cohort=cohort, places=1)
    fill(world.dossier)
    _confirm(_sign(world.dossier), world)
    next_cohort = _new_dossier(world, "Bertin", cohort=CohortFactory(entry_year=2028))
    other_option = world.other_dossier
    fill(other_option)

    # Act
    next_cohort = _confirm(_sign(next_cohort), world)
    other_option = _confirm(_sign(other_option), world)

    # Assert
    assert next_cohort.state == other_option.state == DossierState.PLACE_RESERVED


def test_reserve_place_by_hand_when_full_is_blocked(world, genindus):
    # Arrange
    option, cohort = genindus
    OptionCapacity.objects.create(option=option, cohort=cohort, places=1)
    fill(world.dossier)
    _confirm(_sign(world.dossier), world)
    late = _sign(_new_dossier(world, "Bertin"))
    logs = TransitionLog.objects.count()

    # Act
    with pytest.raises(TransitionBlocked) as raised:
        services.fire(late, "reserve_place", actor=world["scolarite"])

    # Assert
    assert option.name in str(raised.value)
    assert _reload(late).state == DossierState.ACCORD_SIGNED
    assert TransitionLog.objects.count() == logs


def test_waitlist_by_hand_with_places_left_is_blocked(world, genindus):
    option, cohort = genindus
    OptionCapacity.objects.create(option=option, cohort=cohort, places=5)
    fill(world.dossier)
    dossier = _sign(world.dossier)

    with pytest.raises(TransitionBlocked):
        services.fire(dossier, "waitlist", actor=world["scolarite"])

    assert _reload(dossier).state == DossierState.ACCORD_SIGNED
