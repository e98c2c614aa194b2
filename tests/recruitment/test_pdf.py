"""The recruitment PDFs (accord préalable, mission sheet, MidiSup's dossier): they render
and carry what the paper relies on (signature hash and code, the three years)."""

import datetime
import shutil
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from apprentissage.pdf import render_document, render_pdf
from apprentissage.signatures import SignerEvidence, sign_online, valid_signature
from apprentissage.validators import luhn_complete
from recruitment.enums import ExpectedLevel, MissionFamily, MissionSheetState
from recruitment.models import (
    YEARLY_COST_EUROS,
    AccordPrealable,
    Candidate,
    Dossier,
    MissionSheet,
    MissionSheetVersion,
)
from tests.factories import CohortFactory, UserFactory, option

pytestmark = pytest.mark.django_db

TEMPLATES = {
    "accord": "recruitment/pdf/accord.html",
    "missions": "recruitment/pdf/mission_sheet.html",
    "dossier": "recruitment/pdf/dossier.html",
}
COMPANY = "Aéro Tarn Industries"
MISSIONS = {
    1: "Cartographier la ligne d'assemblage.\nMesurer les temps de cycle.",
    2: "Piloter un chantier Lean sur le poste de peinture.",
    3: "Conduire le projet de nouvelle ligne, budget et planning compris.",
}


def make_dossier(*, signed: bool = True, validated: bool = True, tutor_eligible: bool = True) -> Dossier:
    cohort = CohortFactory()
    genindus = option("genindus")
    genindus.lead = UserFactory(first_name="Paul", last_name="Lefèvre")
    genindus.save()
    candidate = Candidate.objects.create(
        user=UserFactory(first_name="Camille", last_name="Durand"),
        cohort=cohort,
        option=genindus,
        birth_date=datetime.date(2004, 5, 17),
        diploma="but",
    )
    contact = UserFactory(first_name="Hélène", last_name="Martin")
    dossier = Dossier.objects.create(
        candidate=candidate,
        contact=contact,
        option=genindus,
        cohort=cohort,
        convention_signed_on=datetime.date(2026, 7, 2),
    )
    accord = AccordPrealable.objects.create(
        dossier=dossier,
        company_name=COMPANY,
        siret=luhn_complete("8123456780001"),
        address="12 avenue Pierre-Paul Riquet",
        postal_code="81000",
        city="Albi",
        opco="OPCO 2i",
        hr_first_name="Sophie",
        hr_last_name="Bernard",
        hr_email="rh@aerotarn.example.com",
        hr_phone="05 63 00 00 01",
        tutor_first_name="Marc",
        tutor_last_name="Garcia",
        tutor_email="marc.garcia@aerotarn.example.com",
        tutor_phone="05 63 00 00 02",
        tutor_job_title="Responsable méthodes",
        tutor_has_engineering_degree=tutor_eligible,
        tutor_years_as_engineer=6 if tutor_eligible else 2,
        start_date=datetime.date(2026, 9, 1),
        **{name: True for name in AccordPrealable.COMMITMENT_FIELDS},
    )
    sheet = MissionSheet.objects.create(
        dossier=dossier,
        state=MissionSheetState.VALIDATED if validated else MissionSheetState.SUBMITTED,
        year1_missions=MISSIONS[1],
        year1_family=MissionFamily.PRODUCTION,
        year1_level=ExpectedLevel.TECHNICIAN,
        year2_missions=MISSIONS[2],
        year2_family=MissionFamily.SUPPORT,
        year2_level=ExpectedLevel.ASSISTANT_ENGINEER,
        year3_missions=MISSIONS[3],
        year3_family=MissionFamily.STUDIES,
        year3_level=ExpectedLevel.JUNIOR_ENGINEER,
    )
    MissionSheetVersion.objects.create(
        sheet=sheet,
        number=1,
        content=sheet.content(),
        submitted_by=contact,
        **(
            {"decision": "validated", "decided_by": genindus.lead, "decided_at": timezone.now()}
            if validated
            else {}
        ),
    )
    if signed:
        sign_online(
            accord,
            signer=contact,
            purpose="company_signatory",
            evidence=SignerEvidence(
                typed_name=f"{contact.first_name} {contact.last_name}",
                ip_address="127.0.0.1",
                user_agent="test",
            ),
        )
    return dossier


def pdf_context(dossier: Dossier) -> dict:
    """The context `recruitment.views.midisup.dossier_pdf` builds."""
    sheet = dossier.mission_sheet
    return {
        "dossier": dossier,
        "accord": dossier.accord,
        "sheet": sheet,
        "validated_version": sheet.versions.filter(decision="validated").select_related("decided_by").first(),
        "signature": valid_signature(dossier.accord),
        "verification_url": "http://testserver" + reverse("signature_verification"),
        "yearly_cost": YEARLY_COST_EUROS,
    }


def pdf_text(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: cannot read the PDF's text")
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode("utf-8")


def spaced(text: str) -> str:
    """The text with any run of whitespace (line breaks, no-break spaces) as one space."""
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """The text without any whitespace (long hashes wrap across lines)."""
    return "".join(text.split())


@pytest.mark.parametrize("document", TEMPLATES)
def test_pdf_renders(document):
    """Each renders to a PDF of A4 pages (their render time is measured by `make bench`)."""
    context = pdf_context(make_dossier())
    assert render_pdf(TEMPLATES[document], context).startswith(b"%PDF")
    pages = render_document(TEMPLATES[document], context).pages
    assert pages and all((round(p.width), round(p.height)) == (794, 1123) for p in pages)


def test_accord_pdf_shows_the_signature_hash_and_code():
    dossier = make_dossier()
    signature = valid_signature(dossier.accord)
    text = pdf_text(render_pdf(TEMPLATES["accord"], pdf_context(dossier)))
    assert signature.content_sha256 in squeezed(text)
    assert signature.verification_code in text
    assert COMPANY in text


def test_unsigned_accord_with_ineligible_tutor():
    dossier = make_dossier(signed=False, tutor_eligible=False)
    with translation.override("en"):
        text = pdf_text(render_pdf(TEMPLATES["accord"], pdf_context(dossier)))
    assert "not signed yet" in text
    assert "NOT ELIGIBLE" in text
    assert "SHA-256" not in text


def test_commitments_are_written_out_not_only_ticked():
    dossier = make_dossier()
    AccordPrealable.objects.filter(pk=dossier.accord.pk).update(provides_quiet_office=False)
    dossier.refresh_from_db()
    dossier.accord.refresh_from_db()
    with translation.override("en"):
        text = pdf_text(render_pdf(TEMPLATES["accord"], pdf_context(dossier)))
    assert text.count("☒ yes") == 5  # four commitments and the tutor's engineering degree
    assert text.count("☐ no") == 1


def test_mission_sheet_pdf_shows_the_three_years():
    dossier = make_dossier()
    with translation.override("en"):
        text = spaced(pdf_text(render_pdf(TEMPLATES["missions"], pdf_context(dossier))))
    for missions in MISSIONS.values():
        for line in missions.splitlines():
            assert line in text
    assert "Validated by Paul LEFÈVRE on 24/11/2026" in text


def test_mission_sheet_not_validated_yet():
    dossier = make_dossier(validated=False)
    with translation.override("en"):
        text = pdf_text(render_pdf(TEMPLATES["missions"], pdf_context(dossier)))
    assert "Not validated yet." in text
    assert "Submitted to the option lead" in text


def test_dossier_pdf_summary_and_both_documents():
    dossier = make_dossier()
    with translation.override("fr"):
        text = pdf_text(render_pdf(TEMPLATES["dossier"], pdf_context(dossier)))
    assert "11 500 €" in spaced(text)
    assert "17/05/2004" in text
    assert "02/07/2026" in text  # training agreement signed on
    assert dossier.accord.siret in text
    assert MISSIONS[2] in spaced(text)
    assert valid_signature(dossier.accord).verification_code in text
