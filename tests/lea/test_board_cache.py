"""The boards' content is cached (apprentissage.versions.cached_fragment) and rebuilt as soon
as what it shows changes: nobody reads a board older than their own last change."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lea.enums import FicheState, ReminderStep, RiskStatus, VisitState
from lea.models import Reminder, VisitAction
from tests import factories as f

PARIS = datetime.timezone(datetime.timedelta(hours=1))
BOARD = reverse("lea:school_tutor_board")


@pytest.fixture(autouse=True)
def _cached(settings):
    settings.FRAGMENT_CACHE_SECONDS = 300


def _get(client, url=BOARD):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_board_read_again_comes_from_the_cache_in_a_few_queries(world, login):
    f.FicheFactory(apprenticeship=world.own, number=1, state=FicheState.SUBMITTED)
    client = login(world["school_tutor"])

    first, built = _get(client)
    again, cached = _get(client)

    assert _content(again) == _content(first)
    # The session, the user and their groups, the data version: not the board's queries.
    assert cached < built and cached <= 6


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda fiche, action: _set(fiche, state=FicheState.COUNTERSIGNED), id="fiche saved"),
        pytest.param(
            lambda fiche, action: _set(action, done_at=datetime.datetime.now(PARIS)), id="action done"
        ),
        pytest.param(lambda fiche, action: _set(action.visit, risk=RiskStatus.RED), id="visit saved"),
        pytest.param(lambda fiche, action: action.delete(), id="action deleted"),
        pytest.param(
            lambda fiche, action: _set(fiche.apprenticeship.company, name="Renommée SA"), id="company renamed"
        ),
    ],
)
def test_a_change_to_what_a_board_shows_rebuilds_it_at_once(world, login, change):
    fiche = f.FicheFactory(
        apprenticeship=world.own,
        number=1,
        state=FicheState.SUBMITTED,
        period_start=datetime.date(2026, 10, 5),
    )
    visit = f.VisitFactory(
        apprenticeship=world.own,
        state=VisitState.REPORTED,
        risk=RiskStatus.AMBER,
        starts_at=datetime.datetime(2026, 10, 6, 14, tzinfo=PARIS),
    )
    action = VisitAction.objects.create(
        visit=visit, description="Former", owner_role="company_tutor", due_on="2026-12-01"
    )
    client = login(world["school_tutor"])
    before, _ = _get(client)

    change(fiche, action)

    assert _content(_get(client)[0]) != _content(before)


def _content(html: str) -> str:
    """The page's main content (the header's sign-out form has a new CSRF mask each time)."""
    return html.split('id="contenu"')[1].split("</main>")[0]


def _set(instance, **fields):
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.save()


def test_marking_an_action_done_shows_on_the_board(world, login):
    visit = f.VisitFactory(
        apprenticeship=world.own,
        state=VisitState.REPORTED,
        starts_at=datetime.datetime(2026, 10, 6, 14, tzinfo=PARIS),
    )
    action = VisitAction.objects.create(
        visit=visit, description="Former", owner_role="company_tutor", due_on="2026-12-01"
    )
    client = login(world["school_tutor"])
    before, _ = _get(client)
    assert _open_actions(before) == "1"

    assert client.post(reverse("lea:action_done", args=[action.pk])).status_code == 302

    assert _open_actions(_get(client)[0]) == "0"
    assert visit.actions.get().history.count() == 2  # audited, not updated in bulk


def _open_actions(html: str) -> str:
    """The open actions' cell of the board's only row (the seventh)."""
    row = html.split("<tbody>")[1].split("</tr>")[0]
    return row.split("<td>")[6].split("</td>")[0].strip()


def test_a_new_day_rebuilds_a_board(world, login):
    f.FicheFactory(apprenticeship=world.own, number=1, due_on=datetime.date(2026, 11, 24))  # late tomorrow
    with time_machine.travel("2026-11-24 23:58 +0100", tick=False):
        client = login(world["scolarite"])
        assert "Rien n'est en retard" in _get(client, reverse("lea:late_items"))[0]

    with time_machine.travel("2026-11-25 00:01 +0100", tick=False):  # three minutes later
        assert "Rien n'est en retard" not in _get(client, reverse("lea:late_items"))[0]


def test_each_person_and_each_query_has_their_own_board(world, login):
    f.FicheFactory(apprenticeship=world.other, number=1)
    mine = _get(login(world["school_tutor"]))[0]
    theirs = _get(login(world.other.school_tutor))[0]

    assert str(world.own.apprentice) in mine and str(world.other.apprentice) not in mine
    assert str(world.other.apprentice) in theirs and str(world.own.apprentice) not in theirs
    client = login(world["scolarite"])
    everyone = _get(client)[0]
    one_tutor = _get(client, f"{BOARD}?school_tutor={world['school_tutor'].pk}")[0]
    assert str(world.other.apprentice) in everyone and str(world.other.apprentice) not in one_tutor


def test_a_board_in_english_is_not_served_in_french(world, login):
    client = login(world["school_tutor"])
    french, _ = _get(client)
    client.cookies["django_language"] = "en"

    english, _ = _get(client)

    assert "Mes apprentis" in french and "My apprentices" in english


def test_a_cached_reminder_form_works_in_another_browser_of_the_same_person(world):
    fiche = f.FicheFactory(apprenticeship=world.own, number=1, due_on=datetime.date(2026, 11, 20))
    url = reverse("lea:late_items")
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for client in (first, second):
        client.force_login(world["scolarite"], backend=settings.AUTHENTICATION_BACKENDS[1])
        client.get(url)  # the CSRF cookie
    _get(first, url)

    html, _ = _get(second, url)

    token = html.split("<tbody>")[1].split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = second.post(
        reverse("lea:send_reminder", args=["fiche", fiche.pk]), {"csrfmiddlewaretoken": token, "next": url}
    )
    assert response.status_code == 302
    assert Reminder.objects.filter(
        content_type=ContentType.objects.get_for_model(fiche), object_id=fiche.pk, step=ReminderStep.MANUAL
    ).exists()
    assert "jamais" not in _get(second, url)[0]  # the reminder shows at once
