"""Reports of the Unité Entreprise: the apprentice uploads a PDF (checked, size-limited, late
after the deadline, every version kept), downloads go through a permission-checked view, the
school tutor grades it with a comment under optimistic locking."""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apprentissage.drafts import ConcurrentEdit
from apprentissage.models import Notification
from evaluation import company_unit as uw
from evaluation.computation import Special
from evaluation.enums import JuryState
from evaluation.models import ComponentGrade, JurySession, ReportFile
from tests import pdfs

from . import company_unit_helpers as h


@pytest.fixture
def report(world):
    enrolment, components = h.own(world)
    return h.slot(enrolment, components[h.REPORT[2]])


def _upload(slot, content=None, name="rapport.pdf"):
    return uw.upload_report(
        slot=slot, upload=h.pdf_upload(content, name), actor=slot.apprenticeship.apprentice
    )


class TestUpload:
    def test_the_report_becomes_the_current_file_and_the_school_tutor_is_told(self, report):
        content = pdfs.plain()
        stored = _upload(report, content, name="Mon rapport d'ingénierie.pdf")
        assert stored.current and not stored.late
        assert stored.size == len(content)
        assert stored.sha256 == hashlib.sha256(content).hexdigest()
        assert stored.original_name == "Mon rapport d'ingénierie.pdf"
        assert stored.file.read() == content
        assert not stored.file.name.endswith("ingénierie.pdf")  # stored under a name of ours
        told = Notification.objects.get(recipient=report.apprenticeship.school_tutor)
        assert told.url == reverse("evaluation:report_grade", args=[report.enrolment.pk, report.component.pk])

    def test_a_new_upload_keeps_the_previous_one(self, report):
        first = _upload(report)
        second = _upload(report, pdfs.with_scanner_padding())
        first.refresh_from_db()
        assert not first.current and second.current
        assert ReportFile.objects.filter(enrolment=report.enrolment).count() == 2
        assert first.file.read() == pdfs.plain()

    @pytest.mark.parametrize(
        ("due_on", "late"),
        [(None, False), (datetime.date(2026, 11, 24), False), (datetime.date(2026, 11, 23), True)],
        ids=["no deadline", "on the last day", "the day after"],
    )
    def test_an_upload_after_the_deadline_is_late(self, report, due_on, late):
        report.component.due_on = due_on
        report.component.save()
        assert _upload(report).late is late

    def test_changing_the_deadline_updates_the_late_flags(self, report, world):
        report.component.due_on = datetime.date(2026, 11, 1)
        report.component.save()
        stored = _upload(report)
        assert stored.late
        assert (
            uw.set_due_dates(dates={report.component: datetime.date(2026, 12, 1)}, actor=world["scolarite"])
            == 1
        )
        stored.refresh_from_db()
        assert not stored.late
        assert (
            uw.set_due_dates(dates={report.component: datetime.date(2026, 12, 1)}, actor=world["scolarite"])
            == 0
        )

    @pytest.mark.parametrize(
        ("content", "code"),
        [
            (b"\x89PNG\r\n\x1a\n not a pdf", "not_pdf"),
            (b"PK\x03\x04 a Word file renamed", "not_pdf"),
            (pdfs.also_a_zip(), "disguised"),
            (pdfs.with_zip_after_the_end(), "disguised"),
            (pdfs.also_html(), "disguised"),
            (pdfs.html_before_the_pdf(), "not_pdf"),
            (pdfs.with_javascript(), "active"),
            (pdfs.with_hidden_open_action_javascript(), "active"),
            (pdfs.with_page_automatic_action(), "active"),
            (pdfs.with_embedded_file(), "active"),
            (pdfs.encrypted(), "encrypted"),
            (b"%PDF-1.7\nnot really\n%%EOF\n", "unreadable"),
        ],
        ids=[
            "png",
            "docx",
            "also a zip",
            "zip after the end",
            "also html",
            "html before",
            "javascript",
            "hidden javascript",
            "automatic action",
            "embedded file",
            "encrypted",
            "broken",
        ],
    )
    def test_what_is_not_a_plain_pdf_is_refused_and_nothing_is_stored(self, report, content, code):
        told = Notification.objects.count()
        with pytest.raises(ValidationError) as refused:
            _upload(report, content)
        assert refused.value.code == code
        assert not ReportFile.objects.exists()
        assert Notification.objects.count() == told

    def test_a_plain_pdf_with_image_bytes_that_look_like_names_is_accepted(self, report):
        assert _upload(report, pdfs.with_image_bytes_that_look_like_names()).current

    def test_a_file_over_the_size_limit_is_refused(self, report, settings):
        settings.EVALUATION_REPORT_MAX_BYTES = len(pdfs.plain()) - 1
        with pytest.raises(ValidationError) as refused:
            _upload(report)
        assert refused.value.code == "too_large"
        settings.EVALUATION_REPORT_MAX_BYTES = len(pdfs.plain())
        assert _upload(report).current

    def test_nothing_is_uploaded_once_the_jury_has_deliberated(self, report, world):
        enrolment = report.enrolment
        JurySession.objects.create(
            school_year=enrolment.school_year,
            study_year=enrolment.study_year,
            meets_on=datetime.date(2027, 7, 1),
            president=world["scolarite"],
            state=JuryState.CLOSED,
        )
        with pytest.raises(uw.GradesLocked):
            _upload(report)
        assert not ReportFile.objects.exists()


class TestUploadPage:
    def test_the_apprentice_uploads_and_is_sent_back_to_their_page(self, report, world, login):
        client = login(world["apprentice"])
        url = reverse("evaluation:report_upload", args=[report.enrolment.pk, report.component.pk])
        assert client.get(url).status_code == 200
        response = client.post(url, {"file": h.pdf_upload()})
        assert response.status_code == 302
        assert response["Location"] == reverse("evaluation:company_unit", args=[report.enrolment.pk])
        assert ReportFile.objects.get().uploaded_by == world["apprentice"]

    def test_a_disguised_file_is_refused_with_a_message(self, report, world, login):
        client = login(world["apprentice"])
        url = reverse("evaluation:report_upload", args=[report.enrolment.pk, report.component.pk])
        response = client.post(url, {"file": h.pdf_upload(b"GIF89a an image")})
        assert response.status_code == 400
        assert response.context["form"].has_error("file", "not_pdf")
        assert not ReportFile.objects.exists()

    def test_an_oversized_file_is_refused_with_a_message(self, report, world, login, settings):
        settings.EVALUATION_REPORT_MAX_BYTES = 100
        client = login(world["apprentice"])
        url = reverse("evaluation:report_upload", args=[report.enrolment.pk, report.component.pk])
        response = client.post(url, {"file": h.pdf_upload()})
        assert response.status_code == 400
        assert response.context["form"].has_error("file", "too_large")
        assert not ReportFile.objects.exists()

    def test_no_file_is_refused(self, report, world, login):
        client = login(world["apprentice"])
        url = reverse("evaluation:report_upload", args=[report.enrolment.pk, report.component.pk])
        assert client.post(url, {}).status_code == 400


class TestDownload:
    def test_the_file_is_an_attachment_of_its_type(self, report, world, login):
        stored = _upload(report)
        response = login(world["school_tutor"]).get(reverse("evaluation:report_download", args=[stored.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == pdfs.plain()

    def test_a_replaced_version_is_still_downloaded(self, report, world, login):
        first = _upload(report)
        _upload(report)
        response = login(world["apprentice"]).get(reverse("evaluation:report_download", args=[first.pk]))
        assert response.status_code == 200


class TestGrade:
    def test_the_school_tutor_grades_then_changes_the_grade(self, report, world):
        tutor = world["school_tutor"]
        grade = uw.grade_component(
            slot=report, entered=Decimal("12.5"), comment="Bien.", expected_version=0, actor=tutor
        )
        assert (grade.value, grade.comment, grade.version, grade.updated_by) == (
            Decimal("12.5"),
            "Bien.",
            1,
            tutor,
        )
        grade = uw.grade_component(
            slot=report, entered=Special.ABS, comment="", expected_version=1, actor=tutor
        )
        assert (grade.value, grade.special, grade.version) == (None, "ABS", 2)
        assert grade.history.count() == 2

    def test_a_stale_form_changes_nothing(self, report, world):
        tutor = world["school_tutor"]
        uw.grade_component(slot=report, entered=Decimal(12), comment="", expected_version=0, actor=tutor)
        with pytest.raises(ConcurrentEdit):
            uw.grade_component(
                slot=report, entered=Decimal(8), comment="", expected_version=0, actor=world["scolarite"]
            )
        assert ComponentGrade.objects.get().value == 12

    def test_the_page_accepts_a_comma_and_refuses_bad_grades(self, report, world, login):
        client = login(world["school_tutor"])
        url = reverse("evaluation:report_grade", args=[report.enrolment.pk, report.component.pk])
        for bad in ("21", "abc", "-1", "12,555", ""):
            response = client.post(url, {"grade": bad, "comment": "", "version": 0})
            assert response.status_code == 400, bad
            assert not ComponentGrade.objects.exists()
        assert client.post(url, {"grade": "14,5", "comment": "Clair", "version": 0}).status_code == 302
        assert ComponentGrade.objects.get().value == Decimal("14.5")

    def test_two_tutors_on_the_same_grade_never_overwrite_each_other(self, report, world, login):
        client = login(world["school_tutor"])
        url = reverse("evaluation:report_grade", args=[report.enrolment.pk, report.component.pk])
        uw.grade_component(
            slot=report,
            entered=Decimal(15),
            comment="Scolarité",
            expected_version=0,
            actor=world["scolarite"],
        )
        response = client.post(url, {"grade": "9", "comment": "", "version": 0})
        assert response.status_code == 409
        assert ComponentGrade.objects.get().value == 15
