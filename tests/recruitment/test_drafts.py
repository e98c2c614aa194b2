"""The shared drafts (accord préalable, mission sheet): optimistic locking between two
sessions, and every form's bad input answered in French next to the right field."""

import datetime
import html

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from apprentissage.drafts import ConcurrentEdit, save_draft
from apprentissage.models import TransitionLog
from apprentissage.signatures import FrozenDocument
from apprentissage.workflow import TransitionBlocked
from recruitment import services
from recruitment.forms import CandidateForm, StartDossierForm
from recruitment.models import AccordPrealable, Candidate, Dossier, MissionSheet, MissionSheetVersion
from tests.factories import UserFactory

from .conftest import ACCORD_DATA, SHEET_DATA

CONCURRENT_EDIT = (
    "Une autre personne a enregistré ce document pendant que vous le modifiiez. "
    "Rechargez la page pour voir ses modifications, puis refaites les vôtres."
)


def _form_data(data: dict) -> dict:
    return {
        k: ("on" if v is True else "" if v is False else v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in data.items()
    }


def _session(user) -> Client:
    """One browser session of `user` (a second one is a second Client)."""
    client = Client()
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[1])
    return client


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _field_block(response, name: str) -> str:
    """The HTML of one field's wrapper (label, input and its error), as crispy renders it."""
    page = _page(response)
    start = page.index(f'id="div_id_{name}"')
    return page[start : page.index('<div id="div_id_', start + 1)]


def _accord(dossier) -> dict:
    return AccordPrealable.objects.values().get(dossier=dossier.pk)


def _sheet(dossier) -> dict:
    return MissionSheet.objects.values().get(dossier=dossier.pk)


@pytest.fixture
def contact(world):
    return world["company_contact"]


@pytest.fixture
def dossier(world):
    return world.dossier


# Optimistic locking


@pytest.mark.parametrize(
    ("url_name", "data", "read", "field"),
    [
        ("accord_edit", ACCORD_DATA, _accord, "city"),
        ("missions_edit", SHEET_DATA, _sheet, "year1_missions"),
    ],
    ids=["accord", "mission_sheet"],
)
def test_draft_saved_from_a_stale_form_is_refused_with_409(dossier, contact, url_name, data, read, field):
    # Arrange: the contact opens the form in two browser sessions (both at version 1)
    url = reverse(f"recruitment:{url_name}", args=[dossier.pk])
    first, second = _session(contact), _session(contact)
    for session in (first, second):
        assert session.get(url).context["form"]["version"].value() == 1
    response = first.post(url, {**_form_data(data), field: "Première session", "version": 1})
    assert response.status_code == 302
    saved = read(dossier)
    assert (saved["version"], saved[field], saved["updated_by_id"]) == (2, "Première session", contact.pk)

    # Act: the second session saves what it read at version 1
    response = second.post(url, {**_form_data(data), field: "Seconde session", "version": 1})

    # Assert
    assert response.status_code == 409
    assert response.context["form"].non_field_errors() == [CONCURRENT_EDIT]
    assert CONCURRENT_EDIT in _page(response)
    assert read(dossier) == saved  # the first session's data is intact


@pytest.mark.parametrize("document", ["accord", "mission_sheet"])
def test_draft_save_writes_a_history_row_by_its_author(dossier, contact, document):
    # Arrange
    draft = getattr(dossier, document)
    field = "city" if document == "accord" else "year1_missions"
    rows = draft.history.count()

    # Act
    save_draft(draft, data={field: "Castres"}, expected_version=1, actor=contact)

    # Assert
    latest = draft.history.latest()
    assert draft.history.count() == rows + 1
    assert (latest.history_user, latest.version, getattr(latest, field)) == (contact, 2, "Castres")


def test_draft_saved_from_its_page_is_in_the_history_with_its_author(dossier, contact, login):
    response = login(contact).post(
        reverse("recruitment:missions_edit", args=[dossier.pk]), {**_form_data(SHEET_DATA), "version": 1}
    )

    assert response.status_code == 302
    latest = MissionSheet.objects.get(dossier=dossier).history.latest()
    assert (latest.history_user, latest.year1_missions) == (contact, SHEET_DATA["year1_missions"])


def test_save_accord_with_a_stale_version_raises_concurrent_edit(dossier, contact):
    # Arrange
    accord = dossier.accord
    save_draft(accord, data={"city": "Albi"}, expected_version=1, actor=contact)
    before = _accord(dossier)

    # Act
    with pytest.raises(ConcurrentEdit):
        save_draft(accord, data={"city": "Castres"}, expected_version=1, actor=contact)

    # Assert
    assert _accord(dossier) == before
    assert (before["version"], before["city"]) == (2, "Albi")


def test_save_mission_sheet_once_submitted_is_refused(dossier, contact):
    # Arrange
    MissionSheet.objects.filter(dossier=dossier).update(**SHEET_DATA)
    services.fire_on_sheet(dossier.mission_sheet, "submit", actor=contact)
    sheet = MissionSheet.objects.get(dossier=dossier)
    before = _sheet(dossier)

    # Act
    with pytest.raises(FrozenDocument):
        save_draft(sheet, data={"year1_missions": "Autre"}, expected_version=sheet.version, actor=contact)

    # Assert
    assert _sheet(dossier) == before


# The accord form


def _post_accord(client, dossier, **changes):
    return client.post(
        reverse("recruitment:accord_edit", args=[dossier.pk]),
        {**_form_data(ACCORD_DATA), "version": 1, **changes},
    )


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        (
            "73282932000075",
            "Ce numéro SIRET n'est pas valide (sa clé de contrôle ne correspond pas) : "
            "vérifiez qu'il ne contient pas de faute de frappe.",
        ),
        ("7328293200007", "Un numéro SIRET comporte exactement 14 chiffres."),
        ("7328293200007A", "Un numéro SIRET comporte exactement 14 chiffres."),
    ],
    ids=["checksum", "13-digits", "letter"],
)
def test_accord_form_with_an_invalid_siret_shows_a_french_error_next_to_the_field(
    dossier, contact, login, siret, message
):
    # Arrange
    before = _accord(dossier)

    # Act
    response = _post_accord(login(contact), dossier, siret=siret)

    # Assert
    assert response.status_code == 200
    assert response.context["form"].errors == {"siret": [message]}
    assert message in _field_block(response, "siret")
    assert _accord(dossier) == before


def test_accord_form_accepts_a_siret_typed_with_spaces(dossier, contact, login):
    # The SIRET as printed on a Kbis: 3 + 3 + 3 + 5 digits
    response = _post_accord(login(contact), dossier, siret="732 829 320 00074")

    assert response.status_code == 302
    assert _accord(dossier)["siret"] == "73282932000074"


@pytest.mark.parametrize(
    ("start", "valid"),
    [
        (datetime.date(2025, 11, 23), False),  # 366 days before 24/11/2026
        (datetime.date(2024, 9, 1), False),
        (datetime.date(2025, 11, 24), True),  # exactly a year ago
        (datetime.date(2027, 9, 1), True),
    ],
)
def test_accord_form_start_date_more_than_a_year_ago_is_refused(dossier, contact, login, start, valid):
    # Arrange
    before = _accord(dossier)

    # Act
    response = _post_accord(login(contact), dossier, start_date=start.isoformat())

    # Assert
    if valid:
        assert response.status_code == 302
        assert _accord(dossier)["start_date"] == start
    else:
        message = "Cette date de début remonte à plus d'un an : vérifiez l'année."
        assert response.status_code == 200
        assert response.context["form"].errors == {"start_date": [message]}
        assert message in _field_block(response, "start_date")
        assert _accord(dossier) == before


def test_accord_form_warns_when_the_tutor_is_not_eligible_but_saves(dossier, contact, login):
    client = login(contact)

    response = client.post(
        reverse("recruitment:accord_edit", args=[dossier.pk]),
        {
            **_form_data(ACCORD_DATA),
            "version": 1,
            "tutor_has_engineering_degree": "",
            "tutor_years_as_engineer": "2",
        },
        follow=True,
    )

    warning = (
        "Le tuteur désigné n'est pas titulaire d'un diplôme d'ingénieur et n'a pas plus de 3 ans "
        "d'expérience en tant qu'ingénieur : le responsable d'option en sera informé."
    )
    assert [str(m) for m in response.context["messages"]] == [warning, "Brouillon enregistré."]
    saved = _accord(dossier)
    assert (saved["tutor_has_engineering_degree"], saved["tutor_years_as_engineer"], saved["version"]) == (
        False,
        2,
        2,
    )


# The mission sheet


def test_mission_sheet_submit_with_a_missing_year_is_blocked_listing_the_missing_fields(dossier, contact):
    # Arrange: year 3 left empty
    MissionSheet.objects.filter(dossier=dossier).update(
        **{**SHEET_DATA, "year3_missions": "  ", "year3_family": ""}
    )
    sheet = MissionSheet.objects.get(dossier=dossier)

    # Act
    with pytest.raises(TransitionBlocked) as raised:
        services.fire_on_sheet(sheet, "submit", actor=contact)

    # Assert
    assert str(raised.value) == (
        "La fiche des missions est incomplète : missions de 3e année, famille de missions, 3e année."
    )
    sheet.refresh_from_db()
    assert sheet.state == "draft"
    assert not MissionSheetVersion.objects.exists() and not TransitionLog.objects.exists()


def test_mission_sheet_submit_view_with_a_missing_year_answers_409_with_the_list(dossier, contact, login):
    # Arrange: only year 1 written
    MissionSheet.objects.filter(dossier=dossier).update(
        year1_missions=SHEET_DATA["year1_missions"], year1_family=SHEET_DATA["year1_family"]
    )

    # Act
    response = login(contact).post(reverse("recruitment:sheet_transition", args=[dossier.pk, "submit"]))

    # Assert
    assert response.status_code == 409
    missing = [
        str(MissionSheet._meta.get_field(f"year{y}_{part}").verbose_name)
        for y in (2, 3)
        for part in ("missions", "family")
    ]
    [message] = [str(m) for m in response.context["messages"]]
    assert all(label in message for label in missing)
    assert str(MissionSheet._meta.get_field("year1_missions").verbose_name) not in message
    assert message in _page(response)
    assert MissionSheet.objects.get(dossier=dossier).state == "draft"


# Starting a dossier


@pytest.mark.parametrize("email", ["candidat@example.com", "  CANDIDAT@Example.com "])
def test_start_dossier_form_with_the_candidates_own_email_is_refused(world, email):
    candidate = Candidate.objects.get(user=world["candidate"])

    form = StartDossierForm(
        data={"contact_first_name": "Jean", "contact_last_name": "Dupont", "contact_email": email},
        candidate=candidate,
    )

    assert form.errors == {"contact_email": ["Saisissez l'adresse de votre employeur, et non la vôtre."]}


def test_start_dossier_page_with_the_candidates_own_email_creates_nothing(world, login):
    # Arrange: an admitted candidate still looking for a company
    candidate = Candidate.objects.create(
        user=UserFactory(email="lucie.fabre@example.com"),
        cohort=world.dossier.cohort,
        option=world.dossier.option,
        birth_date=datetime.date(2005, 3, 14),
        diploma="but",
    )
    dossiers = Dossier.objects.count()

    # Act
    response = login(candidate.user).post(
        reverse("recruitment:my_recruitment"),
        {
            "contact_first_name": "Jean",
            "contact_last_name": "Dupont",
            "contact_email": "lucie.fabre@example.com",
        },
    )

    # Assert
    assert response.status_code == 200
    assert "Saisissez l'adresse de votre employeur, et non la vôtre." in _field_block(
        response, "contact_email"
    )
    assert Dossier.objects.count() == dossiers


# The candidate form


def _candidate_data(**changes) -> dict:
    return {
        "email": "lucie.fabre@example.com",
        "first_name": "Lucie",
        "last_name": "Fabre",
        "birth_date": "14/03/2005",
        "option": "GenIndus",
        "entry_year": "2027",
        "diploma": "but",
        "file_score": "15",
        **changes,
    }


def test_candidate_form_with_good_data_is_valid(world):
    form = CandidateForm(data=_candidate_data())

    assert form.is_valid(), form.errors
    assert form.cleaned_data["birth_date"] == datetime.date(2005, 3, 14)


@pytest.mark.parametrize("email", ["candidat@example.com", "Candidat@EXAMPLE.com"])
def test_candidate_form_with_a_candidate_already_recorded_for_the_cohort_is_refused(world, email):
    form = CandidateForm(data=_candidate_data(email=email))

    assert form.errors == {"email": ["Ce candidat est déjà enregistré pour cette promotion."]}


def test_candidate_form_same_person_for_another_cohort_is_accepted(world):
    form = CandidateForm(data=_candidate_data(email="candidat@example.com", entry_year="2028"))

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"file_score": "25"},
            {"file_score": ["Assurez-vous que cette valeur est inférieure ou égale à 20."]},
        ),
        (
            {"test_score": "-1"},
            {"test_score": ["Assurez-vous que cette valeur est supérieure ou égale à 0."]},
        ),
        ({"birth_date": "31/02/2005"}, {"birth_date": ["Saisissez une date valide."]}),
        ({"birth_date": "14 mars 2005"}, {"birth_date": ["Saisissez une date valide."]}),
        ({"email": "lucie.fabre"}, {"email": ["Saisissez une adresse de courriel valide."]}),
        (
            {"option": "Chimie"},
            {"option": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]},
        ),
    ],
    ids=["score-25", "score-negative", "31-february", "date-in-words", "email", "option"],
)
def test_candidate_form_bad_input_gets_a_french_error_on_its_field(world, changes, errors):
    form = CandidateForm(data=_candidate_data(**changes))

    assert form.errors == errors


def test_candidate_form_accepts_a_score_with_a_decimal_comma(world):
    # The import template's own example reads "13,5", as a French spreadsheet writes it.
    form = CandidateForm(data=_candidate_data(test_score="13,5"))

    assert form.is_valid(), form.errors
    assert str(form.cleaned_data["test_score"]) == "13.5"


def test_candidate_create_page_shows_errors_and_records_nothing(world, login):
    candidates = Candidate.objects.count()

    response = login(world["scolarite"]).post(
        reverse("recruitment:candidate_create"), _candidate_data(file_score="25", birth_date="31/02/2005")
    )

    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est inférieure ou égale à 20." in _field_block(
        response, "file_score"
    )
    assert "Saisissez une date valide." in _field_block(response, "birth_date")
    assert Candidate.objects.count() == candidates
    assert not Candidate.objects.filter(user__email="lucie.fabre@example.com").exists()
