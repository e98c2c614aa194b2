"""The LEA's XLSX exports: scolarité's completion table and one apprentice's follow-up
evidence (for the school tutor, the option lead and scolarité), formula-safe."""

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apprentissage.models import SchoolYear, TransitionLog
from lea.enums import FicheState, ReminderStep, RiskStatus, VisitState
from lea.models import Reminder, VisitAction
from tests import factories as f

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content)).active


def test_completion_xlsx_has_a_row_per_option_and_study_year(world, login):
    f.FicheFactory(apprenticeship=world.own, number=1, due_on=datetime.date(2026, 11, 20))
    response = login(world["scolarite"]).get(reverse("lea:completion_xlsx"))
    sheet = _sheet(response)
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(rows[0]) == 10
    genindus = next(r for r in rows[1:] if r[0] == world.own.option.name and r[1] == "2A")
    assert genindus[2:7] == [1, 1, 0, 0, 1]  # apprentices, due, submitted, countersigned, late
    assert "2026-2027" in response["Content-Disposition"]


def test_completion_xlsx_of_another_school_year(world, login):
    year = SchoolYear.objects.get(start_year=2025)
    response = login(world["scolarite"]).get(reverse("lea:completion_xlsx"), {"school_year": year.pk})
    assert "2025-2026" in response["Content-Disposition"]
    assert {row[1].value for row in _sheet(response).iter_rows(min_row=2)} == {"1A"}


def test_the_evidence_export_lists_every_dated_follow_up_action(world, login):
    fiche = f.FicheFactory(
        apprenticeship=world.own,
        number=1,
        state=FicheState.ACKNOWLEDGED,
        submitted_at=datetime.datetime(2026, 11, 2, 9, tzinfo=PARIS),
        countersigned_at=datetime.datetime(2026, 11, 5, 9, tzinfo=PARIS),
        acknowledged_at=datetime.datetime(2026, 11, 9, 9, tzinfo=PARIS),
        acknowledged_by=world["school_tutor"],
        concern=True,
        concern_reason='=HYPERLINK("http://evil.example")',
        school_comment="Appel au tuteur le 9/11, plan d'action convenu",
    )
    visit = f.VisitFactory(
        apprenticeship=world.own,
        state=VisitState.REPORTED,
        risk=RiskStatus.AMBER,
        starts_at=datetime.datetime(2026, 10, 6, 14, tzinfo=PARIS),
        reported_at=datetime.datetime(2026, 10, 7, 9, tzinfo=PARIS),
    )
    VisitAction.objects.create(
        visit=visit,
        description="Former à la sécurité",
        owner_role="company_tutor",
        due_on="2026-11-01",
        done_at=datetime.datetime(2026, 10, 30, 9, tzinfo=PARIS),
    )
    Reminder.objects.create(
        content_type=ContentType.objects.get_for_model(fiche),
        object_id=fiche.pk,
        step=ReminderStep.FIRST,
        due_on=fiche.due_on,
        recipient=world["apprentice"],
        sent_at=datetime.datetime(2026, 11, 1, 7, tzinfo=PARIS),
    )
    TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(fiche),
        object_id=fiche.pk,
        transition="submit",
        from_state="draft",
        to_state="submitted",
        actor=world["apprentice"],
        at=datetime.datetime(2026, 11, 2, 9, tzinfo=PARIS),
    )
    f.FicheFactory(apprenticeship=world.other, number=1, concern=True, concern_reason="Autre apprenti")

    sheet = _sheet(login(world["school_tutor"]).get(reverse("lea:evidence_export", args=[world.own.pk])))

    rows = list(sheet.iter_rows(min_row=2))
    texts = " | ".join(str(c.value) for row in rows for c in row)
    dates = [row[0].value for row in rows]
    assert dates == sorted(dates)  # oldest first
    # fiche submitted, countersigned, concern, acknowledged; visit held, report signed; action
    # due, action done; the reminder; the transition
    assert len(rows) == 10
    assert "Appel au tuteur le 9/11" in texts and "Former à la sécurité" in texts
    # the transition's states in words (the workflow's label when the area registers it)
    assert f"({FicheState.DRAFT.label} → {FicheState.SUBMITTED.label})" in texts
    assert "Autre apprenti" not in texts
    concern = next(row for row in rows if str(row[4].value).startswith("=HYPERLINK"))
    assert concern[4].data_type == "s"  # a text, never a formula
    assert timezone.is_naive(dates[0])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("school_tutor", 200),
        ("option_lead", 200),
        ("scolarite", 200),
        ("apprentice", 404),
        ("company_tutor", 404),
    ],
)
def test_who_may_export_the_evidence(world, login, persona, status):
    assert (
        login(world[persona]).get(reverse("lea:evidence_export", args=[world.own.pk])).status_code == status
    )


def test_the_evidence_names_a_visit_by_its_day_in_france(world, login):
    # 00:30 in Toulouse on 7 October is still 6 October in UTC, where the database keeps it.
    f.VisitFactory(
        apprenticeship=world.own,
        starts_at=datetime.datetime(
            2026, 10, 7, 0, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
        ),
    )

    sheet = _sheet(login(world["school_tutor"]).get(reverse("lea:evidence_export", args=[world.own.pk])))

    assert {row[1].value for row in sheet.iter_rows(min_row=2)} == {"Visite en entreprise du 07/10/2026"}
