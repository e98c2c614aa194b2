"""A fiche's page (header, TAPE sessions from the calendar, both parts in words, actions,
signature, history, reminders) in a constant number of queries, and its PDF."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from pypdf import PdfReader

from apprentissage.models import SchoolYear
from apprentissage.pdf import render_document
from apprentissage.signatures import valid_signature
from apprentissage.workflow import apply_transition
from lea.enums import CompetencyLevel, ReminderStep
from lea.enums import FicheState as S
from lea.models import Fiche, Reminder
from lea.views.fiches import fiche_context
from lea.workflows.fiches import FICHE_WORKFLOW
from planning.enums import WeekKind
from planning.models import TapeAttendance, TapeSession
from planning.services import set_week_kinds

from .fiche_helpers import evidence, make_fiche


def fr(text: str) -> str:
    with translation.override("fr"):
        return gettext(text)


def _company_weeks():
    """2A (world.own's study year) in the company from 5/10 to 27/11/2026."""
    school_year = SchoolYear.objects.get(start_year=2026)
    monday = datetime.date(2026, 10, 5)
    changes = []
    while monday <= datetime.date(2026, 11, 23):
        changes.append((2, monday, WeekKind.COMPANY))
        monday += datetime.timedelta(days=7)
    set_week_kinds(school_year=school_year, changes=changes, actor=None, description="test")


def _sessions(world, count: int) -> list[TapeSession]:
    """`count` TAPE sessions of 2A in the fiche's period (one a week), the first followed,
    the second missed with a reason, the others not answered."""
    school_year = SchoolYear.objects.get(start_year=2026)
    sessions = []
    for i in range(count):
        starts_at = timezone.make_aware(datetime.datetime(2026, 10, 6, 9, 0) + datetime.timedelta(days=7 * i))
        sessions.append(
            TapeSession.objects.create(
                school_year=school_year,
                study_year=2,
                starts_at=starts_at,
                ends_at=starts_at + datetime.timedelta(hours=3.5),
                title=f"Séance {i + 1}",
            )
        )
    if count >= 1:
        TapeAttendance.objects.create(session=sessions[0], apprenticeship=world.own, followed=True)
    if count >= 2:
        TapeAttendance.objects.create(
            session=sessions[1], apprenticeship=world.own, followed=False, reason="Réunion client"
        )
    return sessions


def _remind(fiche, world, step=ReminderStep.FIRST, by=None):
    return Reminder.objects.create(
        content_type=ContentType.objects.get_for_model(Fiche),
        object_id=fiche.pk,
        step=step,
        due_on=fiche.due_on,
        recipient=world["apprentice"],
        sent_by=by,
    )


def test_the_page_shows_everything_in_words(world, login):
    _company_weeks()
    _sessions(world, 3)
    # A session outside the period is not the fiche's
    TapeSession.objects.create(
        school_year=SchoolYear.objects.get(start_year=2026),
        study_year=2,
        starts_at=timezone.make_aware(datetime.datetime(2026, 9, 29, 9, 0)),
        ends_at=timezone.make_aware(datetime.datetime(2026, 9, 29, 12, 30)),
        title="Hors période",
    )
    fiche = make_fiche(world, S.COUNTERSIGNED)
    _remind(fiche, world)
    _remind(fiche, world, ReminderStep.MANUAL, by=world["school_tutor"])

    response = login(world["school_tutor"]).get(reverse("lea:fiche_detail", args=[fiche.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    own = world.own
    for text in (str(own.apprentice), str(own.company), str(own.company_tutor), str(own.school_tutor)):
        assert text in page
    assert own.option.name in page and "05/10/2026" in page and "27/11/2026" in page
    # TAPE sessions of the period with the attendance, from the calendar
    tape = [item["session"].title for item in response.context["tape"]]
    assert tape == ["Séance 1", "Séance 2", "Séance 3"]
    assert "Réunion client" in page and "Hors période" not in page
    # Ratings in words, both columns
    assert response.context["competencies"] == [
        {
            "block": "Compétences communes",
            "rows": [
                {
                    "label": "Concevoir une solution",
                    "self": fr(CompetencyLevel(2).label),
                    "tutor": fr(CompetencyLevel(2).label),
                },
                {
                    "label": "Conduire un projet",
                    "self": fr(CompetencyLevel(1).label),
                    "tutor": fr(CompetencyLevel(2).label),
                },
            ],
        }
    ]
    assert "Plan d&#x27;actions 5S" in page and "30 %" in page
    # The signature and its verification code; the school tutor's button
    signature = valid_signature(fiche)
    assert signature.verification_code in page
    assert reverse("lea:fiche_transition", args=[fiche.pk, "acknowledge"]) in page
    assert reverse("lea:fiche_transition", args=[fiche.pk, "reopen"]) not in page
    # The history and the reminders sent
    assert [log.transition for log in response.context["trail"]] == ["submit", "countersign"]
    assert [r.step for r in response.context["reminders"]] == [ReminderStep.FIRST, ReminderStep.MANUAL]
    assert str(world["school_tutor"]) in page[page.index('id="relances"') :]


def test_who_acts_next_and_by_when(world, login):
    fiche = make_fiche(world, S.SUBMITTED)
    context = login(world["apprentice"]).get(reverse("lea:fiche_detail", args=[fiche.pk])).context
    assert context["waiting_on"] == (world["company_tutor"], datetime.date(2026, 12, 4))
    draft = make_fiche(world, due_on=datetime.date(2026, 11, 20))
    context = login(world["apprentice"]).get(reverse("lea:fiche_detail", args=[draft.pk])).context
    assert context["waiting_on"] == (world["apprentice"], datetime.date(2026, 11, 20))
    assert context["late_since"] == datetime.date(2026, 11, 20)
    assert context["can_edit_apprentice"] and not context["can_edit_tutor"]


def _count_queries(client, fiche) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("lea:fiche_detail", args=[fiche.pk])).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_whatever_the_sessions_history_and_reminders(world, login):
    """Session, user, facts, the fiche, the calendar (≤ 4), signatures, history, reminders,
    content types: the same count for 1 or 8 sessions, 2 or 10 history rows, 0 or 6 reminders."""
    _company_weeks()
    _sessions(world, 1)
    few = make_fiche(world, S.COUNTERSIGNED)
    client = login(world["scolarite"])
    _count_queries(client, few)  # warm the caches (content types)
    small = _count_queries(client, few)

    TapeSession.objects.all().delete()
    _sessions(world, 8)
    many = make_fiche(world, S.COUNTERSIGNED)
    for _ in range(4):  # reopen and countersign again: more history, voided signatures
        apply_transition(FICHE_WORKFLOW, many, "reopen", actor=world["scolarite"], comment="Correction")
        tutor = world["company_tutor"]
        apply_transition(FICHE_WORKFLOW, many, "countersign", actor=tutor, evidence=evidence(tutor))
    for _ in range(6):
        _remind(many, world, ReminderStep.MANUAL, by=world["scolarite"])
    assert len(client.get(reverse("lea:fiche_detail", args=[many.pk])).context["tape"]) == 8

    assert _count_queries(client, many) == small


# --- The PDF ----------------------------------------------------------------------------------


def _weasyprint_or_skip():
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # Pango missing
        pytest.skip(f"WeasyPrint cannot run here: {error}")


def test_the_pdf_renders_with_the_verification_code(world, login, rf):
    _weasyprint_or_skip()
    fiche = make_fiche(world, S.ACKNOWLEDGED)
    response = login(world["apprentice"]).get(reverse("lea:fiche_pdf", args=[fiche.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    context = fiche_context(rf.get("/"), Fiche.objects.with_people().get(pk=fiche.pk))
    pages = render_document("pdf/lea/fiche.html", context).pages
    assert pages and all((round(p.width), round(p.height)) == (794, 1123) for p in pages)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert valid_signature(fiche).verification_code in text
    assert "Concevoir une solution" in text and "Audit de la ligne" in text
    assert str(world.own.apprentice) in text
