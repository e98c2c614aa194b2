"""The accord préalable's signature: online (typed name) or on paper (scan), the freeze it
puts on the accord, the public verification page, and scolarité reopening (voiding)."""

import datetime
import html
import shutil
import subprocess

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apprentissage.drafts import save_draft
from apprentissage.models import Signature, TransitionLog, User
from apprentissage.signatures import (
    MAX_SCAN_BYTES,
    FrozenDocument,
    SignerEvidence,
    content_hash,
    is_frozen,
    valid_signature,
)
from apprentissage.workflow import TransitionNotAllowed
from recruitment import services
from recruitment.enums import DossierState
from recruitment.models import AccordPrealable, Dossier

from .. import pdfs
from ..conftest import PERSONAS
from .conftest import ACCORD_DATA, fill

PDF = pdfs.plain()  # a scan is parsed: a real (one blank page) PDF
REASON = "Le SIRET de l'établissement était celui du siège : à corriger."


@pytest.fixture
def contact(world) -> User:
    """World's company contact, with a name that has accents, a particle and a hyphen."""
    user = world["company_contact"]
    User.objects.filter(pk=user.pk).update(first_name="Hélène", last_name="Du Pré-Martin")
    user.refresh_from_db()
    return user


@pytest.fixture
def dossier(world, contact) -> Dossier:
    fill(world.dossier)
    return _reload(world.dossier)


def _reload(dossier) -> Dossier:
    return Dossier.objects.select_related("accord", "mission_sheet").get(pk=dossier.pk)


def _evidence(name: str) -> SignerEvidence:
    return SignerEvidence(typed_name=name, ip_address="192.0.2.8", user_agent="Mozilla/5.0 (tests)")


def _sign(dossier, contact, name="Hélène Du Pré-Martin") -> Dossier:
    services.fire(dossier, "sign_accord", actor=contact, evidence=_evidence(name))
    return _reload(dossier)


def _accord_row(dossier) -> dict:
    return AccordPrealable.objects.values().get(dossier=dossier.pk)


def _form_data(data: dict) -> dict:
    return {
        k: ("on" if v is True else "" if v is False else v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in data.items()
    }


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _verify(client, code: str):
    return client.get(reverse("signature_verification"), {"code": code})


# Online signature: what is recorded


def test_sign_accord_through_the_view_records_signer_ip_browser_and_hash(dossier, contact, login):
    # Arrange
    expected_hash = content_hash(dossier.accord)
    client = login(contact)

    # Act
    response = client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "sign_accord"]),
        {"typed_name": "Hélène Du Pré-Martin", "consent": "on"},
        REMOTE_ADDR="192.0.2.8",
        HTTP_USER_AGENT="Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0",
    )

    # Assert
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.document == dossier.accord
    assert (signature.method, signature.purpose, signature.signer, signature.signer_name) == (
        "online",
        "company_signatory",
        contact,
        "Hélène Du Pré-Martin",
    )
    assert signature.ip_address == "192.0.2.8"
    assert signature.user_agent == "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
    assert signature.content_sha256 == expected_hash == content_hash(_reload(dossier).accord)
    assert len(signature.content_sha256) == 64 and len(signature.verification_code) == 12
    assert _reload(dossier).state == DossierState.ACCORD_SIGNED


def test_sign_accord_records_the_connection_address_not_a_forged_forwarded_header(dossier, contact, login):
    # Arrange: no proxy in front of the portal (test settings)
    client = login(contact)

    # Act: the signer's browser sends its own X-Forwarded-For
    client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "sign_accord"]),
        {"typed_name": "Hélène Du Pré-Martin", "consent": "on"},
        REMOTE_ADDR="192.0.2.8",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )

    # Assert
    assert Signature.objects.get().ip_address == "192.0.2.8"


def test_behind_the_proxy_the_address_it_appended_is_recorded(dossier, contact, login, settings):
    settings.BEHIND_PROXY = True
    client = login(contact)

    client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "sign_accord"]),
        {"typed_name": "Hélène Du Pré-Martin", "consent": "on"},
        REMOTE_ADDR="10.0.0.2",  # the proxy
        HTTP_X_FORWARDED_FOR="203.0.113.66, 192.0.2.8",  # forged entry, then what the proxy saw
    )

    assert Signature.objects.get().ip_address == "192.0.2.8"


def test_sign_accord_without_consent_is_refused_and_signs_nothing(dossier, contact, login):
    client = login(contact)

    response = client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "sign_accord"]),
        {"typed_name": "Hélène Du Pré-Martin"},
    )

    assert response.status_code == 400
    assert Signature.objects.count() == 0
    assert _reload(dossier).state == DossierState.COMPANY_INVITED


@pytest.mark.parametrize(
    "typed",
    [
        "Hélène Du Pré-Martin",
        "helene du pre martin",
        "DU PRÉ-MARTIN Hélène",
        "  Hélène   du  Pré-Martin ",
        "Martin Hélène Pré Du",
    ],
)
def test_sign_accord_typed_name_tolerates_accents_case_and_order(dossier, contact, typed):
    # Act
    dossier = _sign(dossier, contact, typed)

    # Assert
    assert dossier.state == DossierState.ACCORD_SIGNED
    assert Signature.objects.get().signer_name == typed


@pytest.mark.parametrize(
    "typed",
    ["Hélène Martin", "Hélène Du Pré-Martin Dupont", "Jean Dupont", "", "Hélène"],
)
def test_sign_accord_with_a_wrong_name_signs_nothing(dossier, contact, typed):
    # Arrange
    before = _accord_row(dossier)

    # Act
    with pytest.raises(ValidationError) as raised:
        _sign(dossier, contact, typed)

    # Assert
    assert "Hélène Du Pré-Martin" in raised.value.messages[0]
    assert Signature.objects.count() == 0
    assert TransitionLog.objects.count() == 0
    dossier = _reload(dossier)
    assert (dossier.state, dossier.company, dossier.accord_signed_at) == (
        DossierState.COMPANY_INVITED,
        None,
        None,
    )
    assert _accord_row(dossier) == before


def test_sign_accord_view_with_a_wrong_name_shows_why_and_changes_nothing(dossier, contact, login):
    client = login(contact)

    response = client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "sign_accord"]),
        {"typed_name": "Jean Dupont", "consent": "on"},
    )

    assert response.status_code == 400
    assert "Hélène Du Pré-Martin" in _page(response)
    assert Signature.objects.count() == 0
    assert _reload(dossier).state == DossierState.COMPANY_INVITED


# Freeze


def test_save_accord_after_signing_raises_frozen_document_and_changes_nothing(dossier, contact):
    # Arrange
    dossier = _sign(dossier, contact)
    before = _accord_row(dossier)

    # Act
    with pytest.raises(FrozenDocument):
        save_draft(
            dossier.accord,
            data={"city": "Castres"},
            expected_version=dossier.accord.version,
            actor=contact,
        )

    # Assert
    assert _accord_row(dossier) == before
    assert is_frozen(dossier.accord)


@pytest.mark.parametrize("method", ["get", "post"])
def test_accord_edit_view_after_signing_redirects_with_a_message(dossier, contact, login, method):
    # Arrange
    dossier = _sign(dossier, contact)
    before = _accord_row(dossier)
    client = login(contact)
    url = reverse("recruitment:accord_edit", args=[dossier.pk])

    # Act
    if method == "get":
        response = client.get(url, follow=True)
    else:
        response = client.post(url, {"city": "Castres", "version": before["version"]}, follow=True)

    # Assert
    assert response.redirect_chain == [(reverse("recruitment:dossier_detail", args=[dossier.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "L'accord préalable ne peut plus être modifié ici."
    ]
    assert _accord_row(dossier) == before


def test_accord_edit_view_on_a_signed_accord_in_an_editable_state_is_still_refused(dossier, contact, login):
    # Arrange: a signature still valid although the dossier is back to company_invited
    # (arranged directly: the edit view's second guard, FrozenDocument, must hold on its own)
    dossier = _sign(dossier, contact)
    Dossier.objects.filter(pk=dossier.pk).update(state=DossierState.COMPANY_INVITED)
    before = _accord_row(dossier)
    client = login(contact)

    # Act
    response = client.post(
        reverse("recruitment:accord_edit", args=[dossier.pk]),
        {**_form_data(ACCORD_DATA), "city": "Castres", "version": before["version"]},
        follow=True,
    )

    # Assert
    assert response.redirect_chain == [(reverse("recruitment:dossier_detail", args=[dossier.pk]), 302)]
    assert "Ce document est signé : il ne peut plus être modifié." in [
        str(m) for m in response.context["messages"]
    ]
    assert _accord_row(dossier) == before


# Verification page


def test_verification_page_reports_valid_for_an_unchanged_document(dossier, contact, client):
    # Arrange
    dossier = _sign(dossier, contact)
    signature = Signature.objects.get()

    # Act: the code as someone would type it from the PDF
    code = signature.verification_code
    response = _verify(client, f" {code[:4].lower()} {code[4:8]} {code[8:]} ")

    # Assert
    assert response.status_code == 200
    result = response.context["result"]
    assert result.signature == signature and result.content_unchanged and result.signature.is_valid
    assert "Valide :" in _page(response)
    assert "Modifié :" not in _page(response)
    assert signature.content_sha256 in _page(response)


def test_verification_page_reports_changed_after_tampering_in_the_database(dossier, contact, client):
    # Arrange: someone changes the signed accord behind the portal's back
    dossier = _sign(dossier, contact)
    signature = Signature.objects.get()
    AccordPrealable.objects.filter(dossier=dossier).update(city="Castres")

    # Act
    response = _verify(client, signature.verification_code)

    # Assert
    result = response.context["result"]
    assert not result.content_unchanged
    assert result.current_sha256 != signature.content_sha256
    assert "Modifié :" in _page(response)
    assert "Valide :" not in _page(response)


def test_verification_page_with_an_unknown_code_says_so(client, db):
    response = _verify(client, "ZZZZZZZZZZZZ")

    assert response.context["result"] is None
    assert "Code inconnu :" in _page(response)


# Reopening


def test_reopen_accord_voids_the_signature_and_makes_the_accord_editable(dossier, contact, world, client):
    # Arrange
    dossier = _sign(dossier, contact)
    signature = Signature.objects.get()
    scolarite = world["scolarite"]

    # Act
    services.fire(dossier, "reopen_accord", actor=scolarite, comment=REASON)

    # Assert: the signature is kept, voided with who and why
    signature.refresh_from_db()
    assert Signature.objects.count() == 1
    assert (signature.voided_by, signature.void_reason) == (scolarite, REASON)
    assert signature.voided_at is not None and not signature.is_valid
    dossier = _reload(dossier)
    assert dossier.state == DossierState.COMPANY_INVITED
    assert not is_frozen(dossier.accord) and valid_signature(dossier.accord) is None
    log = TransitionLog.objects.get(transition="reopen_accord")
    assert (log.actor, log.comment, log.from_state) == (scolarite, REASON, DossierState.ACCORD_SIGNED)
    # the accord is editable again, by the service and by the page
    accord = save_draft(
        dossier.accord,
        data={"city": "Castres"},
        expected_version=dossier.accord.version,
        actor=contact,
    )
    assert (accord.city, accord.version) == ("Castres", 2)
    assert client.get(reverse("signature_verification")).status_code == 200
    response = _verify(client, signature.verification_code)
    assert "Signature annulée :" in _page(response)
    assert "Valide :" not in _page(response)


def test_reopened_accord_can_be_signed_again_with_a_new_code(dossier, contact, world, login):
    # Arrange
    dossier = _sign(dossier, contact)
    services.fire(dossier, "reopen_accord", actor=world["scolarite"], comment=REASON)
    client = login(contact)
    assert client.get(reverse("recruitment:accord_edit", args=[dossier.pk])).status_code == 200

    # Act
    dossier = _sign(dossier, contact)

    # Assert
    first, second = Signature.objects.order_by("pk")
    assert not first.is_valid and second.is_valid
    assert first.verification_code != second.verification_code
    assert valid_signature(dossier.accord) == second
    assert dossier.state == DossierState.ACCORD_SIGNED


@pytest.mark.parametrize("persona", PERSONAS)
def test_reopen_accord_is_allowed_to_scolarite_and_superuser_only(dossier, contact, world, persona):
    # Arrange
    dossier = _sign(dossier, contact)
    user = world[persona]

    # Act / Assert
    if persona in {"scolarite", "admin"}:
        services.fire(dossier, "reopen_accord", actor=user, comment=REASON)
        assert Signature.objects.get().voided_by == user
        assert _reload(dossier).state == DossierState.COMPANY_INVITED
    else:
        with pytest.raises(TransitionNotAllowed):
            services.fire(dossier, "reopen_accord", actor=user or AnonymousUser(), comment=REASON)
        assert Signature.objects.get().is_valid
        assert _reload(dossier).state == DossierState.ACCORD_SIGNED


# Paper signature


def _paper_post(client, dossier, scan):
    return client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "record_paper_signature"]),
        {"signer_name": "Hélène Du Pré-Martin", "signed_on": "2026-11-20", "scan": scan},
    )


def test_paper_signature_upload_by_scolarite_signs_and_freezes_the_accord(dossier, contact, world, login):
    # Arrange
    scolarite = world["scolarite"]
    expected_hash = content_hash(dossier.accord)
    client = login(scolarite)

    # Act
    response = _paper_post(client, dossier, SimpleUploadedFile("accord.pdf", PDF, "application/pdf"))

    # Assert
    assert response.status_code == 302
    dossier = _reload(dossier)
    assert dossier.state == DossierState.ACCORD_SIGNED
    signature = Signature.objects.get()
    assert (signature.method, signature.uploaded_by, signature.signer, signature.signer_name) == (
        "paper",
        scolarite,
        None,
        "Hélène Du Pré-Martin",
    )
    assert timezone.localtime(signature.signed_at).date() == datetime.date(2026, 11, 20)
    assert signature.content_sha256 == expected_hash
    assert signature.scan.read() == PDF
    with pytest.raises(FrozenDocument):
        save_draft(
            dossier.accord,
            data={"city": "Castres"},
            expected_version=dossier.accord.version,
            actor=contact,
        )
    assert dossier.accord.city == "Albi"


@pytest.mark.parametrize(
    ("scan", "message"),
    [
        (
            SimpleUploadedFile("accord.pdf", b"GIF89a\x01\x00\x01\x00", "application/pdf"),
            "Le scan doit être un fichier PDF.",
        ),
        (
            SimpleUploadedFile("accord.docx", b"PK\x03\x04word/document.xml", "application/msword"),
            "Le scan doit être un fichier PDF.",
        ),
        (
            SimpleUploadedFile("accord.pdf", b"%PDF-1.4\n" + b"0" * MAX_SCAN_BYTES, "application/pdf"),
            "Le scan est trop volumineux (10 Mo au maximum).",
        ),
    ],
    ids=["gif", "docx", "over-10MB"],
)
def test_paper_signature_with_a_bad_scan_is_refused_in_french(dossier, world, login, scan, message):
    # Arrange
    before = _accord_row(dossier)
    client = login(world["scolarite"])

    # Act
    response = _paper_post(client, dossier, scan)

    # Assert
    assert response.status_code == 400
    assert message in [str(m) for m in response.context["messages"]]
    assert message in _page(response)
    assert Signature.objects.count() == 0 and TransitionLog.objects.count() == 0
    assert _reload(dossier).state == DossierState.COMPANY_INVITED
    assert _accord_row(dossier) == before


# The PDF carries the verification code


def test_accord_pdf_carries_the_verification_code(dossier, contact, login, tmp_path):
    # Arrange
    dossier = _sign(dossier, contact)
    signature = Signature.objects.get()
    client = login(contact)

    # Act
    response = client.get(reverse("recruitment:dossier_pdf", args=[dossier.pk, "accord"]))

    # Assert
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed: the PDF's text cannot be read")
    path = tmp_path / "accord.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert signature.verification_code in text
    assert signature.content_sha256 in "".join(text.split())


def test_paper_signature_shows_its_signing_date_in_local_time(dossier, world):
    # Arrange: signed on paper on 20/11, recorded as local midnight (23:00 UTC the day before)
    services.fire(
        dossier,
        "record_paper_signature",
        actor=world["scolarite"],
        data={
            "scan": SimpleUploadedFile("accord.pdf", PDF, "application/pdf"),
            "signer_name": "Hélène Du Pré-Martin",
            "signed_on": datetime.date(2026, 11, 20),
        },
    )

    # Act
    shown = str(Signature.objects.get())

    # Assert
    assert shown.endswith("(20/11/2026)")
