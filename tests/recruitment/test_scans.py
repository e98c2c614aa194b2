"""Paper-signature scans: parsed as PDF documents, refused when they can act (JavaScript,
automatic actions, embedded files), are encrypted or are also another file (polyglots),
and served only through a download that checks who asks — never from /media/."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import Resolver404, clear_url_caches, resolve, reverse
from django.utils.translation import gettext

from apprentissage.models import Signature, TransitionLog
from apprentissage.signatures import validate_scan
from recruitment import services
from recruitment.enums import DossierState

from .. import pdfs
from .conftest import fill

ACTIVE = "The scan contains JavaScript or automatic actions: send a plain scan."
EMBEDDED = "The scan contains embedded files: send a plain scan."
AFTER_END = "The scan holds data after the end of the PDF document: send the file the scanner produced."
POLYGLOT = "The scan is also another kind of file (ZIP or HTML): it is refused."
ENCRYPTED = "The scan is protected (encrypted PDF): send it without a password or protection."
UNREADABLE = "The scan is not a readable PDF file."
NOT_PDF = "The scan must be a PDF file."

REFUSED = {
    "javascript": (pdfs.with_javascript, ACTIVE),
    "open-action-javascript-hidden-by-escapes": (pdfs.with_hidden_open_action_javascript, ACTIVE),
    "page-automatic-action": (pdfs.with_page_automatic_action, ACTIVE),
    "embedded-file": (pdfs.with_embedded_file, EMBEDDED),
    "encrypted": (pdfs.encrypted, ENCRYPTED),
    "zip-after-the-end": (pdfs.with_zip_after_the_end, AFTER_END),
    "also-a-zip": (pdfs.also_a_zip, POLYGLOT),
    "also-html": (pdfs.also_html, POLYGLOT),
    "html-before-the-pdf": (pdfs.html_before_the_pdf, NOT_PDF),
    "no-end-marker": (lambda: pdfs.plain().replace(b"%%EOF", b""), AFTER_END),
    "pdf-header-only": (lambda: b"%PDF-1.7\n" + b"garbage\n" * 10 + b"%%EOF\n", UNREADABLE),
}


def _upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("accord-signe.pdf", data, "application/pdf")


@pytest.mark.parametrize(("make", "message"), REFUSED.values(), ids=REFUSED.keys())
def test_a_hostile_or_broken_scan_is_refused_with_its_reason(make, message):
    with pytest.raises(ValidationError) as refused:
        validate_scan(_upload(make()))

    assert refused.value.messages == [gettext(message)]


@pytest.mark.parametrize(
    "make",
    [pdfs.plain, pdfs.with_image_bytes_that_look_like_names, pdfs.with_scanner_padding],
    ids=["plain", "image-bytes-spelling-names", "scanner-padding"],
)
def test_a_plain_scan_is_accepted(make):
    validate_scan(_upload(make()))


def test_the_portals_own_pdf_is_accepted_as_a_scan(world):
    from apprentissage.pdf import render_pdf

    data = render_pdf(
        "recruitment/pdf/accord.html", {"dossier": world.dossier, "accord": world.dossier.accord}
    )

    validate_scan(_upload(data))


@pytest.fixture
def dossier(world):
    fill(world.dossier)
    world.dossier.refresh_from_db()
    return world.dossier


def _paper_post(client, dossier, data: bytes):
    return client.post(
        reverse("recruitment:dossier_transition", args=[dossier.pk, "record_paper_signature"]),
        {"signer_name": "Hélène Du Pré-Martin", "signed_on": "2026-11-20", "scan": _upload(data)},
    )


@pytest.mark.parametrize("kind", ["javascript", "embedded-file", "also-a-zip", "encrypted"])
def test_a_hostile_scan_uploaded_by_scolarite_signs_nothing(dossier, world, login, kind):
    make, message = REFUSED[kind]

    response = _paper_post(login(world["scolarite"]), dossier, make())

    assert response.status_code == 400
    assert gettext(message) in [str(m) for m in response.context["messages"]]
    assert not Signature.objects.exists() and not TransitionLog.objects.exists()
    dossier.refresh_from_db()
    assert dossier.state == DossierState.COMPANY_INVITED


def _paper_signed(dossier, world) -> Signature:
    services.fire(
        dossier,
        "record_paper_signature",
        actor=world["scolarite"],
        data={"scan": _upload(pdfs.plain()), "signer_name": "Hélène Du Pré-Martin", "signed_on": None},
    )
    return Signature.objects.get()


@pytest.mark.parametrize("persona", ["scolarite", "company_contact", "candidate", "option_lead", "admin"])
def test_the_scan_downloads_for_whoever_sees_the_dossier(dossier, world, login, persona):
    signature = _paper_signed(dossier, world)
    client = login(world[persona])
    url = reverse("recruitment:accord_scan", args=[dossier.pk, signature.pk])

    page = client.get(reverse("recruitment:dossier_detail", args=[dossier.pk]))
    response = client.get(url)

    assert f'href="{url}"' in page.content.decode()
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == pdfs.plain()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("persona", ["outsider", "midisup", "company_tutor", "apprentice"])
def test_the_scan_is_not_found_for_others(dossier, world, login, persona):
    signature = _paper_signed(dossier, world)

    response = login(world[persona]).get(reverse("recruitment:accord_scan", args=[dossier.pk, signature.pk]))

    assert response.status_code == 404


def test_an_online_signature_has_no_scan_to_download(dossier, world, login):
    from apprentissage.signatures import SignerEvidence

    contact = world["company_contact"]
    evidence = SignerEvidence(
        typed_name=f"{contact.first_name} {contact.last_name}", ip_address=None, user_agent=""
    )
    services.fire(dossier, "sign_accord", actor=contact, evidence=evidence)
    signature = Signature.objects.get()

    response = login(world["scolarite"]).get(
        reverse("recruitment:accord_scan", args=[dossier.pk, signature.pk])
    )

    assert response.status_code == 404


def test_media_files_are_not_served_even_in_debug_mode():
    import apprentissage.urls

    try:
        with override_settings(DEBUG=True):
            importlib.reload(apprentissage.urls)
            clear_url_caches()
            with pytest.raises(Resolver404):
                resolve("/media/signatures/2026/ABCD1234.pdf")
    finally:
        importlib.reload(apprentissage.urls)
        clear_url_caches()
