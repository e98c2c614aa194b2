"""What a new user stumbled on in recruitment (issue 8, §3): the invited company contact's
role, their e-mail, drafts that keep them on the form, and the accord's form itself."""

import pytest
from django.urls import reverse

from apprentissage.enums import Role
from apprentissage.selectors import roles_of
from recruitment import services
from recruitment.enums import DossierState
from recruitment.models import AccordPrealable, Dossier, MissionSheet

from .conftest import ACCORD_DATA, SHEET_DATA
from .test_drafts import _form_data

NO_ROLE = "Aucun rôle n'est encore associé à votre compte"


def test_invited_contact_of_a_dossier_holds_the_company_contact_role(world, login):
    # Arrange: the contact named by a candidate, invited, no company linked until the accord is signed
    contact = world.other_dossier.contact
    assert not contact.company_contacts.exists()

    # Act
    response = login(contact).get(reverse("home"))

    # Assert
    assert roles_of(contact) == [Role.COMPANY_CONTACT]
    assert response.context["roles"] == [Role.COMPANY_CONTACT]
    assert response.context["todos"]
    assert NO_ROLE not in response.content.decode()


# Saving a draft keeps the person on the form

DRAFT_FORMS = [
    ("accord_edit", {**_form_data(ACCORD_DATA), "city": "Castres"}),
    ("missions_edit", {**_form_data(SHEET_DATA), "year1_missions": "Usinage"}),
]


@pytest.mark.parametrize(("url_name", "data"), DRAFT_FORMS, ids=["accord", "mission_sheet"])
def test_saving_a_draft_stays_on_the_form_with_the_message(world, login, url_name, data):
    url = reverse(f"recruitment:{url_name}", args=[world.dossier.pk])
    client = login(world["company_contact"])

    response = client.post(url, {**data, "version": 1}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    assert [str(m) for m in response.context["messages"]] == ["Brouillon enregistré."]
    form = response.context["form"]
    field = "city" if url_name == "accord_edit" else "year1_missions"
    assert (form["version"].value(), form[field].value()) == (2, data[field])


@pytest.mark.parametrize(("url_name", "data"), DRAFT_FORMS, ids=["accord", "mission_sheet"])
def test_saving_a_draft_with_the_return_button_goes_back_to_the_dossier(world, login, url_name, data):
    url = reverse(f"recruitment:{url_name}", args=[world.dossier.pk])
    client = login(world["company_contact"])
    page = client.get(url).content.decode()
    assert 'name="save_and_return"' in page and 'name="save"' in page

    response = client.post(url, {**data, "version": 1, "save_and_return": "1"})

    assert response.status_code == 302
    assert response["Location"] == reverse("recruitment:dossier_detail", args=[world.dossier.pk])


# The accord's form: the eligibility warning, the fields needed to sign


def test_saving_an_accord_without_a_tutor_gives_no_eligibility_warning(world, login):
    url = reverse("recruitment:accord_edit", args=[world.dossier.pk])
    data = {**_form_data(ACCORD_DATA), "version": 1}
    for name in ("tutor_first_name", "tutor_last_name", "tutor_email", "tutor_phone", "tutor_job_title"):
        data[name] = ""
    data.update(tutor_has_engineering_degree="", tutor_years_as_engineer="0")

    response = login(world["company_contact"]).post(url, data, follow=True)

    assert [str(m) for m in response.context["messages"]] == ["Brouillon enregistré."]


def _blocks(page: str) -> dict[str, str]:
    """Each field's wrapper as crispy renders it, by field name."""
    parts = page.split('id="div_id_')[1:]
    return {part.split('"', 1)[0]: part for part in parts}


@pytest.mark.parametrize(
    ("url_name", "required", "optional"),
    [
        (
            "accord_edit",
            [*AccordPrealable.REQUIRED_FIELDS, *AccordPrealable.COMMITMENT_FIELDS],
            ["opco", "hr_phone", "tutor_phone", "tutor_has_engineering_degree", "tutor_years_as_engineer"],
        ),
        ("missions_edit", list(MissionSheet.CONTENT_FIELDS), []),
    ],
    ids=["accord", "mission_sheet"],
)
def test_fields_needed_to_sign_or_submit_are_marked_in_words_with_a_legend(
    world, login, url_name, required, optional
):
    response = login(world["company_contact"]).get(
        reverse(f"recruitment:{url_name}", args=[world.dossier.pk])
    )

    page = response.content.decode()
    blocks = _blocks(page)
    marker = 'class="required-to-sign'
    assert [name for name in required if marker not in blocks[name]] == []
    assert [name for name in optional if marker in blocks[name]] == []
    assert 'id="required-legend"' in page
    assert page.count(marker) == len(required)


# The invitation e-mail says what it is for


def test_invitation_of_a_company_contact_says_it_is_for_the_accord_of_the_named_candidate(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    # Arrange: the candidate of world.dossier withdrew; a fresh dossier with a new contact
    candidate = world.dossier.candidate
    Dossier.objects.filter(pk=world.dossier.pk).update(state=DossierState.WITHDRAWN)
    mailoutbox.clear()

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        services.start_dossier(
            candidate=candidate,
            contact_email="drh@verrerie.example.com",
            contact_first_name="Anne",
            contact_last_name="Verrier",
            company_name="Verrerie d'Albi",
        )

    # Assert: one e-mail, to the contact, naming the candidate, the option and the 4 steps
    [message] = mailoutbox
    assert message.to == ["drh@verrerie.example.com"]
    person, option = str(candidate.user), candidate.option.name
    html = message.alternatives[0][0]
    for text in (message.subject, message.body, html):
        assert person in text
    for text in (message.body, html):
        assert option in text
        assert "Verrerie d'Albi" in text or "Verrerie d&#x27;Albi" in text
    assert html.count("<li>") == 4
    assert [line[:3] for line in message.body.splitlines() if line[:2] in {"1.", "2.", "3.", "4."}] == [
        "1. ",
        "2. ",
        "3. ",
        "4. ",
    ]


def test_invitation_without_a_purpose_lists_no_steps(world, mailoutbox, django_capture_on_commit_callbacks):
    candidate = world.dossier.candidate
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.record_candidate(
            recorded_by=world["scolarite"],
            email="nouveau@example.com",
            first_name="Noé",
            last_name="Nouveau",
            entry_year=2027,
            option=candidate.option,
            birth_date=candidate.birth_date,
            diploma="but",
        )

    # Assert: the new candidate's own invitation, without the accord's numbered steps
    [message] = mailoutbox
    assert message.to == ["nouveau@example.com"]
    assert "<li>" not in message.alternatives[0][0]
    assert str(candidate.user) not in message.body
    assert [line for line in message.body.splitlines() if line[:2] in {"1.", "2.", "3.", "4."}] == []
