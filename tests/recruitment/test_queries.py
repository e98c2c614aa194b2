"""The staff lists of recruitment run a fixed number of SQL queries whatever the number of
dossiers; the board's export matches its filters; dossiers that do not move are flagged."""

import datetime
import html
import io
import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apprentissage.models import User
from apprentissage.tabular import XLSX_MIME
from recruitment.enums import DossierState, MissionSheetState
from recruitment.models import AccordPrealable, Candidate, Dossier, MissionSheet
from recruitment.views.midisup import QUEUE_PAGE_SIZE
from recruitment.views.staff import EXPORT_HEADERS
from tests.factories import option

_serial = itertools.count(1)


def make_dossiers(world, count: int, *, state=DossierState.COMPANY_INVITED, opt=None, **dossier_fields):
    """`count` dossiers with their candidate, accord and mission sheet, in five bulk inserts."""
    opt = opt or world.dossier.option
    numbers = [next(_serial) for _ in range(count)]
    users = User.objects.bulk_create(
        [
            User(email=f"candidat.{n}@example.com", first_name="Camille", last_name=f"Nom{n:04d}")
            for n in numbers
        ]
    )
    candidates = Candidate.objects.bulk_create(
        [
            Candidate(
                user=user,
                cohort=world.dossier.cohort,
                option=opt,
                birth_date=datetime.date(2005, 1, 1),
                diploma="but",
            )
            for user in users
        ]
    )
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                candidate=candidate,
                contact=world.dossier.contact,
                option=opt,
                cohort=world.dossier.cohort,
                state=state,
                **dossier_fields,
            )
            for candidate in candidates
        ]
    )
    AccordPrealable.objects.bulk_create(
        [
            AccordPrealable(
                dossier=d,
                company_name=f"Entreprise {n}",
                siret=f"{n:014d}",
                hr_first_name="Hélène",
                hr_email="rh@x.fr",
            )
            for d, n in zip(dossiers, numbers, strict=True)
        ]
    )
    sheet_state = (
        MissionSheetState.VALIDATED if state in DossierState.with_midisup() else MissionSheetState.DRAFT
    )
    MissionSheet.objects.bulk_create([MissionSheet(dossier=d, state=sheet_state) for d in dossiers])
    return dossiers


def _count_queries(client, url, django_assert_num_queries, expected):
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    return response


# The board, for scolarité, 10 or 100 dossiers (50 shown a page): savepoint (ATOMIC_REQUESTS),
# session, user, the user's facts (recruitment.manage: one query answering every role
# predicate, the menu's included: apprentissage.rules.user_fact) = 4; the paginator's count,
# the page of dossiers with candidate, contact, company, option, cohort, accord and mission
# sheet joined, the counts per state and option, and the options for its columns = 4; the
# menu (every app's entries) = 0 more; the filter form's option list = 1; release savepoint
# = 1; the session saved (savepoint, update, release) = 3. (Before the user facts: 21.)
BOARD_QUERIES = 13


@pytest.mark.parametrize("count", [10, 100])
def test_board_queries_do_not_grow_with_dossiers(world, login, django_assert_num_queries, count):
    # Arrange
    make_dossiers(world, count)
    client = login(world["scolarite"])

    # Act
    response = _count_queries(client, reverse("recruitment:board"), django_assert_num_queries, BOARD_QUERIES)

    # Assert
    assert response.context["page"].paginator.count == count + 2  # and world's two
    assert len(response.context["page"]) == min(count + 2, 50)


# The MidiSup queue, 10 or 100 dossiers (pages of 50): savepoint, session, user, the
# user's facts (view_midisup_queue; the menu's too) = 4; the page's count and its dossiers
# with everything the rows show joined = 2; the menu = 0 more; release savepoint = 1; the
# session saved after signing in (savepoint, update, release) = 3. (Before the user facts: 17.)
MIDISUP_QUEUE_QUERIES = 10


@pytest.mark.parametrize("count", [10, 100])
def test_midisup_queue_queries_do_not_grow_with_dossiers(world, login, django_assert_num_queries, count):
    # Arrange: handed to MidiSup (states set directly: only the list is measured here)
    dossiers = make_dossiers(world, count, company=world.own.company)
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers]).update(state=DossierState.WITH_MIDISUP)
    client = login(world["midisup"])

    # Act
    response = _count_queries(
        client, reverse("recruitment:midisup_queue"), django_assert_num_queries, MIDISUP_QUEUE_QUERIES
    )

    # Assert
    assert response.context["page"].paginator.count == count
    shown = min(count, QUEUE_PAGE_SIZE)
    assert len(response.context["dossiers"]) == shown
    assert html.unescape(response.content.decode()).count(world.own.company.name) == shown


# Scolarité's candidate list, 50 a page: savepoint, session, user, the user's facts = 4;
# the paginator's count, the page of candidates with person, option and cohort, which of
# them have an open dossier = 3; the menu = 0 more; release savepoint = 1; session saved = 3.
# (Before the user facts: 19.)
CANDIDATE_LIST_QUERIES = 11


@pytest.mark.parametrize("count", [10, 100])
def test_candidate_list_queries_do_not_grow_with_candidates(world, login, django_assert_num_queries, count):
    make_dossiers(world, count)
    client = login(world["scolarite"])

    response = _count_queries(
        client, reverse("recruitment:candidate_list"), django_assert_num_queries, CANDIDATE_LIST_QUERIES
    )

    assert len(response.context["page"]) == min(count + 2, 50)
    assert len(response.context["with_open_dossier"]) == min(count + 2, 50)


# The option lead's mission sheets to review: savepoint, session, user = 3; the user's facts
# (does the user lead an option: the page's permission; the menu's too) = 1; the sheets with
# dossier, candidate, option, accord and company joined = 1; the menu = 0 more; release
# savepoint = 1; session saved = 3. (Before the user facts: 18.)
REVIEW_LIST_QUERIES = 9


@pytest.mark.parametrize("count", [10, 100])
def test_review_list_queries_do_not_grow_with_sheets(world, login, django_assert_num_queries, count):
    dossiers = make_dossiers(world, count)
    MissionSheet.objects.filter(dossier__in=dossiers).update(state=MissionSheetState.SUBMITTED)
    client = login(world["option_lead"])

    response = _count_queries(
        client, reverse("recruitment:review_list"), django_assert_num_queries, REVIEW_LIST_QUERIES
    )

    assert len(response.context["sheets"]) == count


# The board's export


def _export(client, **filters):
    response = client.get(reverse("recruitment:board_export"), filters)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_MIME
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    return list(rows[0]), [dict(zip(EXPORT_HEADERS, row, strict=True)) for row in rows[1:]]


def test_board_export_rows_match_the_filtered_dossiers(world, login):
    # Arrange: GenIndus being filled (60: more than a page), GenIndus with MidiSup, Énergies
    genindus = make_dossiers(world, 60)
    make_dossiers(world, 3, state=DossierState.WITH_MIDISUP)
    make_dossiers(world, 4, opt=option("energies"))
    client = login(world["scolarite"])

    # Act
    header, rows = _export(client, option=world.dossier.option.pk, state=DossierState.COMPANY_INVITED)

    # Assert: every matching dossier, not only the board's first page
    assert header == EXPORT_HEADERS
    expected = Dossier.objects.filter(option=world.dossier.option, state=DossierState.COMPANY_INVITED)
    assert expected.count() == 61  # and world's own dossier
    assert sorted(r["E-mail candidat"] for r in rows) == sorted(
        expected.values_list("candidate__user__email", flat=True)
    )
    assert {(r["Option"], r["État"], r["Promotion"]) for r in rows} == {
        ("GenIndus", Dossier(state=DossierState.COMPANY_INVITED).get_state_display(), 2027)
    }
    first = next(r for r in rows if r["E-mail candidat"] == genindus[0].candidate.user.email)
    accord = genindus[0].accord
    assert (first["Entreprise"], first["SIRET"], first["E-mail RH"]) == (
        accord.company_name,
        accord.siret,
        accord.hr_email,
    )


def test_board_export_search_finds_by_company_and_siret(world, login):
    # Arrange
    dossiers = make_dossiers(world, 5)
    target = dossiers[2].accord
    client = login(world["scolarite"])

    # Act
    _header, by_name = _export(client, q=target.company_name)
    _header, by_siret = _export(client, q=target.siret)

    # Assert
    assert [r["SIRET"] for r in by_name] == [r["SIRET"] for r in by_siret] == [target.siret]


# Stale dossiers


def test_board_flags_open_dossiers_not_moved_for_more_than_n_days(world, login):
    # Arrange
    now = timezone.now()
    old = make_dossiers(world, 2, state_changed_at=now - timedelta(days=7, hours=1))
    recent = make_dossiers(world, 2, state_changed_at=now - timedelta(days=6, hours=23))
    closed = make_dossiers(world, 1, state=DossierState.WITHDRAWN, state_changed_at=now - timedelta(days=40))
    client = login(world["scolarite"])

    # Act
    response = client.get(reverse("recruitment:board"), {"stale_days": 7})

    # Assert
    flags = {d.pk: d.is_stale for d in response.context["page"]}
    assert {pk for pk, stale in flags.items() if stale} == {d.pk for d in old}
    assert not any(flags[d.pk] for d in [*recent, *closed])
    page = html.unescape(response.content.decode())
    assert page.count('class="table-warning"') == 2
    assert page.count("badge text-bg-warning") == 2


def test_board_stale_threshold_follows_the_filter(world, login):
    # Arrange: 10 days without a move
    dossiers = make_dossiers(world, 1, state_changed_at=timezone.now() - timedelta(days=10))
    client = login(world["scolarite"])

    # Act
    default = client.get(reverse("recruitment:board"))
    patient = client.get(reverse("recruitment:board"), {"stale_days": 30})

    # Assert
    assert default.context["stale_days"] == 7 and patient.context["stale_days"] == 30
    assert [d.is_stale for d in default.context["page"] if d.pk == dossiers[0].pk] == [True]
    assert [d.is_stale for d in patient.context["page"] if d.pk == dossiers[0].pk] == [False]


def test_dossier_list_queries_do_not_grow_with_dossiers(world, login):
    # Arrange: the company contact's list, with world's dossiers only, then 60 more (50 a page)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(world["company_contact"])
    url = reverse("recruitment:dossier_list")

    def queries_and_rows():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), len(response.context["page"])

    queries_and_rows()  # the first request after signing in also saves the session
    few, few_rows = queries_and_rows()
    make_dossiers(world, 60)

    # Act
    many, many_rows = queries_and_rows()

    # Assert: a full page of rows, each with its person, company and option, in as many queries
    assert (few_rows, many_rows) == (few_rows, 50) and few_rows < 50
    assert many == few
