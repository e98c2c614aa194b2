"""The whole pipeline through the test client, from admission to a registered apprenticeship."""

import datetime
import re

from django.core import mail
from django.urls import reverse

from apprentissage.models import Apprenticeship, CompanyContact, CompanyTutor, Signature, TransitionLog, User
from recruitment.enums import DossierState, MissionSheetState
from recruitment.models import Candidate, Dossier

from .conftest import ACCORD_DATA, SHEET_DATA


def _form_data(data: dict) -> dict:
    return {
        k: ("on" if v is True else "" if v is False else v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in data.items()
    }


def test_happy_path_from_admission_to_registered_apprenticeship(
    world, login, client, django_capture_on_commit_callbacks
):
    cb = django_capture_on_commit_callbacks
    # 1. Scolarité records the admitted candidate: an invitation leaves.
    login(world["scolarite"])
    with cb(execute=True):
        response = client.post(
            reverse("recruitment:candidate_create"),
            {
                "email": "camille.durand@example.com",
                "first_name": "Camille",
                "last_name": "Durand",
                "birth_date": "2005-03-14",
                "option": "GenIndus",
                "entry_year": "2027",
                "diploma": "but",
                "file_score": "15",
                "interview_score": "16",
                "test_score": "13.5",
                "english_score": "14",
            },
        )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    candidate = Candidate.objects.get(user__email="camille.durand@example.com")
    assert candidate.is_eligible
    assert mail.outbox[-1].to == ["camille.durand@example.com"]

    # 2. The candidate invites their future employer's contact.
    login(candidate.user)
    assert client.get(reverse("recruitment:my_recruitment")).status_code == 200
    with cb(execute=True):
        response = client.post(
            reverse("recruitment:my_recruitment"),
            {
                "contact_first_name": "Hélène",
                "contact_last_name": "Ressources",
                "contact_email": "drh@aerotarn.example.com",
                "company_name": "Aéro Tarn Industries",
            },
        )
    dossier = Dossier.objects.get(candidate=candidate)
    assert response["Location"] == reverse("recruitment:dossier_detail", args=[dossier.pk])
    assert "drh@aerotarn.example.com" in [m.to[0] for m in mail.outbox]
    contact = User.objects.get(email="drh@aerotarn.example.com")

    # 3. The contact fills in the accord and the missions, submits the missions and signs.
    login(contact)
    accord_url = reverse("recruitment:accord_edit", args=[dossier.pk])
    assert client.get(accord_url).status_code == 200
    response = client.post(accord_url, {**_form_data(ACCORD_DATA), "version": 1})
    assert response.status_code == 302
    response = client.post(
        reverse("recruitment:missions_edit", args=[dossier.pk]), {**_form_data(SHEET_DATA), "version": 1}
    )
    assert response.status_code == 302
    with cb(execute=True):
        client.post(reverse("recruitment:sheet_transition", args=[dossier.pk, "submit"]))
        response = client.post(
            reverse("recruitment:dossier_transition", args=[dossier.pk, "sign_accord"]),
            {"typed_name": "hélène RESSOURCES", "consent": "on"},
            REMOTE_ADDR="192.0.2.8",
        )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.state == DossierState.ACCORD_SIGNED
    signature = Signature.objects.get()
    assert (signature.signer, signature.ip_address, signature.method) == (contact, "192.0.2.8", "online")
    assert dossier.company.siret == ACCORD_DATA["siret"]
    assert CompanyContact.objects.filter(user=contact, company=dossier.company, is_signatory=True).exists()

    # 4. Scolarité confirms receipt: a place is reserved (no capacity set).
    login(world["scolarite"])
    with cb(execute=True):
        client.post(reverse("recruitment:confirm_receipt", args=[dossier.pk]))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.PLACE_RESERVED

    # 5. The option lead sends the missions back; the company revises; the lead sees the change and validates.
    login(world["option_lead"])
    with cb(execute=True):
        client.post(
            reverse("recruitment:sheet_transition", args=[dossier.pk, "send_back"]),
            {"comment": "Précisez la dimension managériale en 3e année."},
        )
    assert (
        dossier.mission_sheet.__class__.objects.get(pk=dossier.mission_sheet.pk).state
        == MissionSheetState.RETURNED
    )
    login(contact)
    revised = {
        **SHEET_DATA,
        "year3_missions": "Conduite du projet de réimplantation, encadrement de 2 techniciens.",
    }
    client.post(
        reverse("recruitment:missions_edit", args=[dossier.pk]), {**_form_data(revised), "version": 2}
    )
    with cb(execute=True):
        client.post(reverse("recruitment:sheet_transition", args=[dossier.pk, "submit"]))
    login(world["option_lead"])
    review = client.get(reverse("recruitment:mission_review", args=[dossier.pk]))
    assert [c["added"] for c in review.context["changes"]] == [[revised["year3_missions"]]]
    with cb(execute=True):
        client.post(reverse("recruitment:sheet_transition", args=[dossier.pk, "validate"]))
    dossier.refresh_from_db()
    assert dossier.state == DossierState.WITH_MIDISUP  # place + validated missions: handed over
    assert dossier.mission_sheet.versions.count() == 2

    # 6. MidiSup downloads the file and records the contract milestones.
    login(world["midisup"])
    queue = client.get(reverse("recruitment:midisup_queue"))
    assert dossier in queue.context["dossiers"]
    pdf = client.get(reverse("recruitment:dossier_pdf", args=[dossier.pk, "dossier"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    export = client.get(reverse("recruitment:midisup_export"))
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    for step in ("sign_convention", "sign_contract", "send_to_opco", "register"):
        with cb(execute=True):
            response = client.post(
                reverse("recruitment:dossier_transition", args=[dossier.pk, step]), {"on_date": "2026-11-20"}
            )
        assert response.status_code == 302, step
    dossier.refresh_from_db()
    assert dossier.state == DossierState.REGISTERED
    assert dossier.convention_signed_on == datetime.date(2026, 11, 20)

    # 7. The apprenticeship exists, links everyone, and the tutor is invited.
    apprenticeship = Apprenticeship.objects.get(apprentice=candidate.user)
    assert apprenticeship == dossier.apprenticeship
    tutor = User.objects.get(email=ACCORD_DATA["tutor_email"])
    assert (apprenticeship.company, apprenticeship.company_tutor, apprenticeship.option) == (
        dossier.company,
        tutor,
        dossier.option,
    )
    assert CompanyTutor.objects.get(user=tutor).is_eligible
    assert any(m.to == [tutor.email] and re.search(r"/invitation/", m.body) for m in mail.outbox)
    login(candidate.user)
    assert client.get(reverse("home")).context["own_apprenticeships"] == [apprenticeship]
    login(contact)
    assert client.get(reverse("apprenticeship_detail", args=[apprenticeship.pk])).status_code == 200

    # Every step is in the audit trail.
    transitions = list(TransitionLog.objects.values_list("transition", flat=True))
    assert transitions == [
        "submit",
        "sign_accord",
        "reserve_place",
        "send_back",
        "submit",
        "validate",
        "hand_to_midisup",
        "sign_convention",
        "sign_contract",
        "send_to_opco",
        "register",
    ]
