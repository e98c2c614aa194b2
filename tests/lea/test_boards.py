"""The boards of those who follow many apprentices: the school tutor's, the option lead's,
scolarité's completion table and late items; each in a constant number of queries."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apprentissage.models import SchoolYear
from lea.enums import FicheState, PlanState, ProjectState, ReminderStep, RiskStatus, VisitState
from lea.models import Reminder, VisitAction
from tests import factories as f

PARIS = datetime.timezone(datetime.timedelta(hours=1))


def _followed(world, n, **kwargs):
    """`n` apprenticeships of `world`'s school tutor in GenIndus, each with a late fiche with a
    concern, a reported visit (amber) with an open action, a planned visit, a late plan and a
    project."""
    made = []
    for _ in range(n):
        a = f.ApprenticeshipFactory(school_tutor=world["school_tutor"], option=world.own.option, **kwargs)
        f.FicheFactory(
            apprenticeship=a, number=1, due_on=datetime.date(2026, 11, 20), concern=True, concern_reason="x"
        )
        held = f.VisitFactory(
            apprenticeship=a,
            state=VisitState.REPORTED,
            risk=RiskStatus.AMBER,
            starts_at=datetime.datetime(2026, 10, 6, 14, tzinfo=PARIS),
        )
        VisitAction.objects.create(
            visit=held, description="Former à la sécurité", owner_role="company_tutor", due_on="2026-12-01"
        )
        f.VisitFactory(apprenticeship=a)
        f.YearlyPlanFactory(apprenticeship=a)
        f.ProjectDossierFactory(apprenticeship=a)
        made.append(a)
    return made


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries), response


def test_the_school_tutor_sees_their_apprentices_with_their_follow_up(world, login):
    fiche = f.FicheFactory(
        apprenticeship=world.own,
        number=1,
        state=FicheState.COUNTERSIGNED,
        concern=True,
        concern_reason="Retards",
        period_start=datetime.date(2026, 10, 5),
    )
    late = f.FicheFactory(
        apprenticeship=world.own,
        number=2,
        period_start=datetime.date(2026, 9, 1),
        period_end=datetime.date(2026, 10, 2),
        return_on=datetime.date(2026, 10, 5),
        due_on=datetime.date(2026, 10, 9),
    )
    held = f.VisitFactory(
        apprenticeship=world.own,
        state=VisitState.REPORTED,
        risk=RiskStatus.RED,
        starts_at=datetime.datetime(2026, 10, 6, 14, tzinfo=PARIS),
    )
    VisitAction.objects.create(visit=held, description="A", owner_role="apprentice", due_on="2026-12-01")
    VisitAction.objects.create(
        visit=held, description="B", owner_role="apprentice", due_on="2026-12-01", done_at=timezone.now()
    )
    planned = f.VisitFactory(apprenticeship=world.own)
    f.FicheFactory(apprenticeship=world.other, number=1)

    response = login(world["school_tutor"]).get(reverse("lea:school_tutor_board"))

    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row.apprenticeship == world.own
    assert row.latest_fiche.pk == fiche.pk  # the period most recently started
    assert (row.late_count, row.concerns, row.open_actions) == (1, 1, 1)
    assert row.last_visit.pk == held.pk and row.next_visit.pk == planned.pk
    assert row.risk == RiskStatus.RED and row.risk_label == str(RiskStatus.RED.label)
    assert row.act_url == reverse("lea:fiche_detail", args=[late.pk])  # the late item first
    body = response.content.decode()
    assert str(RiskStatus.RED.label) in body  # the risk in words, not colour only
    assert reverse("lea:booklet", args=[world.own.pk]) in body


def test_scolarite_sees_every_apprentice_and_filters_by_school_tutor(world, login):
    response = login(world["scolarite"]).get(reverse("lea:school_tutor_board"))
    assert {r.apprenticeship for r in response.context["rows"]} == {world.own, world.other}
    filtered = login(world["scolarite"]).get(
        reverse("lea:school_tutor_board"), {"school_tutor": world["school_tutor"].pk}
    )
    assert [r.apprenticeship for r in filtered.context["rows"]] == [world.own]


def test_the_board_is_sorted_by_the_column_asked(world, login):
    _calm, risky = _followed(world, 2)
    f.VisitFactory(
        apprenticeship=risky,
        state=VisitState.REPORTED,
        risk=RiskStatus.RED,
        starts_at=datetime.datetime(2026, 11, 2, 14, tzinfo=PARIS),
    )
    client = login(world["school_tutor"])
    rows = client.get(reverse("lea:school_tutor_board"), {"sort": "-risk"}).context["rows"]
    assert rows[0].apprenticeship == risky and rows[-1].apprenticeship == world.own  # no visit: no risk
    rows = client.get(reverse("lea:school_tutor_board"), {"sort": "risk"}).context["rows"]
    assert rows[0].apprenticeship == world.own
    unknown = client.get(reverse("lea:school_tutor_board"), {"sort": "password"})
    assert unknown.context["sort"] == "name"


@pytest.mark.parametrize("url_name", ["lea:school_tutor_board", "lea:option_board"])
@pytest.mark.parametrize("sort", ["name", "-next_return"])
def test_a_board_runs_a_constant_number_of_queries(world, login, url_name, sort):
    client = login(world["option_lead"] if url_name == "lea:option_board" else world["school_tutor"])
    url = reverse(url_name) + f"?sort={sort}"
    _followed(world, 5)
    _queries(client, url)  # warms the per-process caches
    few, response = _queries(client, url)
    assert len(response.context["rows"]) == 6
    _followed(world, 45)
    many, response = _queries(client, url)
    assert response.context["page"].paginator.count == 51 and len(response.context["rows"]) == 50
    assert many == few
    last = client.get(url + "&page=2").context["rows"]
    assert len(last) == 1 and last[0].act_url and last[0].next_return is None  # no calendar planned


def test_the_option_lead_sees_the_option_and_the_descriptions_to_validate(world, login):
    plan = f.YearlyPlanFactory(apprenticeship=world.own, state=PlanState.SUBMITTED)
    f.YearlyPlanFactory(apprenticeship=world.other, state=PlanState.SUBMITTED)
    f.YearlyPlanFactory(
        apprenticeship=world.own,
        school_year=SchoolYear.objects.get(start_year=2025),
        state=PlanState.VALIDATED,
    )

    response = login(world["option_lead"]).get(reverse("lea:option_board"))

    assert [p.pk for p in response.context["plans"]] == [plan.pk] and not response.context["more_plans"]
    assert [r.apprenticeship for r in response.context["rows"]] == [world.own]
    assert reverse("lea:plan_detail", args=[plan.pk]) in response.content.decode()


def test_completion_counts_per_option_and_study_year(world, login):
    f.FicheFactory(apprenticeship=world.own, number=1, due_on=datetime.date(2026, 11, 20))  # late
    f.FicheFactory(
        apprenticeship=world.own,
        number=2,
        due_on=datetime.date(2026, 11, 6),
        state=FicheState.COUNTERSIGNED,
        submitted_at=timezone.now(),
    )
    f.FicheFactory(apprenticeship=world.own, number=3, due_on=datetime.date(2027, 1, 22))  # not due yet
    f.FicheFactory(
        apprenticeship=world.own, number=4, state=FicheState.CANCELLED, due_on=datetime.date(2026, 11, 1)
    )
    f.VisitFactory(apprenticeship=world.own, state=VisitState.REPORTED)
    f.VisitFactory(apprenticeship=world.own)  # planned, not held
    f.ProjectDossierFactory(apprenticeship=world.own, state=ProjectState.VALIDATED)
    f.YearlyPlanFactory(apprenticeship=world.own, state=PlanState.VALIDATED)

    response = login(world["scolarite"]).get(reverse("lea:completion"))

    rows = {(r.option.code, r.study_year): r for r in response.context["table"]}
    genindus = rows[("genindus", 2)]
    assert (genindus.apprentices, genindus.fiches_due, genindus.fiches_submitted) == (1, 2, 1)
    assert (genindus.fiches_countersigned, genindus.fiches_late) == (1, 1)
    assert (genindus.visits_held, genindus.subjects_validated, genindus.plans_validated) == (1, 1, 1)
    assert rows[("energies", 2)].fiches_due == 0
    older = login(world["scolarite"]).get(
        reverse("lea:completion"), {"school_year": SchoolYear.objects.get(start_year=2025).pk}
    )
    assert {r.study_year for r in older.context["table"]} == {1}


def test_completion_and_late_items_run_a_constant_number_of_queries(world, login):
    client = login(world["scolarite"])
    _followed(world, 5)
    for url in (reverse("lea:completion"), reverse("lea:late_items")):
        _queries(client, url)
    few = [_queries(client, url)[0] for url in (reverse("lea:completion"), reverse("lea:late_items"))]
    _followed(world, 45)
    many = [_queries(client, url)[0] for url in (reverse("lea:completion"), reverse("lea:late_items"))]
    assert many == few


def test_late_items_list_what_is_late_with_a_reminder_button_and_the_last_reminder(world, login):
    fiche = f.FicheFactory(apprenticeship=world.own, number=1, due_on=datetime.date(2026, 11, 20))
    submitted = f.FicheFactory(
        apprenticeship=world.own,
        number=2,
        state=FicheState.SUBMITTED,
        tutor_due_on=datetime.date(2026, 11, 23),
    )
    f.FicheFactory(apprenticeship=world.own, number=3, due_on=datetime.date(2026, 12, 4))  # not late
    plan = f.YearlyPlanFactory(apprenticeship=world.own)  # due 15/11/2026
    f.ProjectDossierFactory(apprenticeship=world.own)  # due 31/01/2027
    Reminder.objects.create(
        content_type=ContentType.objects.get_for_model(fiche),
        object_id=fiche.pk,
        step=ReminderStep.FIRST,
        due_on=fiche.due_on,
        recipient=world["apprentice"],
        sent_at=datetime.datetime(2026, 11, 23, 7, tzinfo=PARIS),
    )

    response = login(world["scolarite"]).get(reverse("lea:late_items"))

    items = {(i.kind, i.pk): i for i in response.context["items"]}
    assert set(items) == {("fiche", fiche.pk), ("fiche", submitted.pk), ("plan", plan.pk)}
    assert items[("fiche", fiche.pk)].last_reminded == datetime.datetime(2026, 11, 23, 7, tzinfo=PARIS)
    assert items[("fiche", submitted.pk)].last_reminded is None
    assert items[("fiche", submitted.pk)].due_on == datetime.date(2026, 11, 23)
    body = response.content.decode()
    assert reverse("lea:send_reminder", args=["fiche", fiche.pk]) in body
    assert reverse("lea:send_reminder", args=["plan", plan.pk]) in body
    assert 'name="next" value="/livret/suivi/retards/"' in body


def test_menus_lead_each_role_to_its_board(world, login):
    from apprentissage.menus import entries_for

    def urls(persona):
        return {link.url for link in entries_for(world[persona])}

    assert reverse("lea:my_booklet") in urls("apprentice")
    assert reverse("lea:school_tutor_board") in urls("school_tutor")
    assert reverse("lea:option_board") in urls("option_lead")
    assert reverse("lea:completion") in urls("scolarite")
    assert not {reverse("lea:completion"), reverse("lea:option_board")} & urls("school_tutor")
    assert not {reverse("lea:my_booklet"), reverse("lea:school_tutor_board")} & urls("company_tutor")


def test_the_next_return_to_school_comes_from_each_apprentices_calendar(world, login):
    from planning.enums import WeekKind
    from tests.planning.conftest import plan as plan_calendar

    year = SchoolYear.objects.get(start_year=2026)
    plan_calendar(year, 2, {49: WeekKind.SCHOOL}, actor=world["scolarite"])  # own: 2A
    first_year = f.ApprenticeshipFactory(
        school_tutor=world["school_tutor"], option=world.own.option, cohort=f.CohortFactory(entry_year=2026)
    )
    plan_calendar(year, 1, {51: WeekKind.SCHOOL}, actor=world["scolarite"])

    for sort in ("name", "next_return"):
        rows = (
            login(world["school_tutor"])
            .get(reverse("lea:school_tutor_board"), {"sort": sort})
            .context["rows"]
        )
        returns = {row.apprenticeship: row.next_return for row in rows}
        assert returns == {world.own: datetime.date(2026, 11, 30), first_year: datetime.date(2026, 12, 14)}


def test_the_option_board_lists_the_oldest_descriptions_and_links_to_the_rest(world, login):
    for _ in range(21):
        f.YearlyPlanFactory(
            apprenticeship=f.ApprenticeshipFactory(option=world.own.option), state=PlanState.SUBMITTED
        )
    response = login(world["option_lead"]).get(reverse("lea:option_board"))
    assert len(response.context["plans"]) == 20 and response.context["more_plans"]
    assert reverse("lea:plans_to_review") in response.content.decode()


def test_the_one_click_goes_to_the_most_pressing_item():
    """A late item, else a concern, else a fiche to acknowledge, else a report to write, else a
    visit to plan; the booklet when nothing waits."""
    from lea.boards import BoardRow, FicheInfo, LateInfo, VisitInfo, _what_to_act_on

    now = datetime.datetime(2026, 11, 24, 12, tzinfo=PARIS)
    row = BoardRow(
        7,
        ("", ""),
        latest_fiche=FicheInfo(11, 3, FicheState.COUNTERSIGNED),
        concern_fiche=12,
        next_visit=VisitInfo(13, now - datetime.timedelta(days=1)),
        late_items=[LateInfo("plan", 14)],
    )

    def click():
        return _what_to_act_on(row, now)[0]

    assert click() == reverse("lea:plan_detail", args=[14])
    row.late_items = []
    assert click() == reverse("lea:fiche_detail", args=[12])  # the concern
    row.concern_fiche = None
    assert click() == reverse("lea:fiche_detail", args=[11])  # to acknowledge
    row.latest_fiche = FicheInfo(11, 3, FicheState.ACKNOWLEDGED)
    assert click() == reverse("lea:visit_detail", args=[13])  # held: its report to write
    row.next_visit = None
    assert click() == reverse("lea:visit_plan", args=[7])
    row.next_visit = VisitInfo(13, now + datetime.timedelta(days=1))
    assert click() == reverse("lea:booklet", args=[7])
