"""Scolarité's calendar editor: the week grid, range edits (htmx and plain POST), undo, copy,
totals beside targets, and bad input."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext, gettext_lazy

from apprentissage.enums import StaffRole
from apprentissage.models import Option, SchoolYear
from planning.enums import WeekKind as K
from planning.models import CalendarEdit, CalendarWeek, TapeSession

from .. import factories as f
from .conftest import d, plan

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def scolarite(db):
    return f.UserFactory(email="scolarite@example.com", groups=[StaffRole.SCOLARITE])


@pytest.fixture
def client_scolarite(client, scolarite):
    client.force_login(scolarite)
    return client


def kinds(school_year, study_year, option=None) -> dict[datetime.date, str]:
    return dict(
        CalendarWeek.objects.filter(
            school_year=school_year, study_year=study_year, option=option
        ).values_list("monday", "kind")
    )


def cell(html: str, study_year: int, monday: str) -> str:
    """The text of one cell of the grid (its data-kind and what is read out)."""
    match = re.search(
        rf'data-study-year="{study_year}" data-monday="{monday}" data-kind="([^"]*)">(.*?)</td>', html, re.S
    )
    assert match, f"no cell for {study_year}A {monday}"
    return match.group(1) + "|" + " ".join(re.sub(r"<[^>]+>", " ", match.group(2)).split())


def seed_2025(year):
    """The seed's table for 2025-2026: rentrée and propédeutique in 1A."""
    plan(year, 1, {38: K.RENTREE, 39: K.PROPEDEUTIC, 40: K.SCHOOL})
    plan(year, 2, {38: K.SCHOOL})
    plan(year, 3, {38: K.SCHOOL})


class TestGridPage:
    def test_index_redirects_to_the_current_school_year(self, client_scolarite, year_2025, year_2026):
        response = client_scolarite.get(reverse("planning:grid_index"))
        assert response.status_code == 302
        assert response.url == reverse("planning:grid", args=[2026])  # the frozen day is in 2026-2027

    def test_unknown_school_year_is_404(self, client_scolarite, year_2025):
        assert client_scolarite.get(reverse("planning:grid", args=[1999])).status_code == 404

    def test_shows_the_seeds_fixed_weeks(self, client_scolarite, year_2025, year_2026):
        seed_2025(year_2025)
        plan(year_2026, 3, {38: K.DEFENCES})
        html = client_scolarite.get(reverse("planning:grid", args=[2025])).content.decode()
        assert cell(html, 1, "2025-09-15").startswith("rentree|")
        assert str(K.RENTREE.label) in cell(html, 1, "2025-09-15")  # the full label is read out
        assert cell(html, 1, "2025-09-22").startswith("propedeutique|")
        assert str(K.PROPEDEUTIC.label) in cell(html, 1, "2025-09-22")
        assert cell(html, 2, "2025-09-22").startswith("entreprise|")
        assert re.search(r"<th scope=\"row\">S38</th>\s*<td>15/09/2025</td>\s*<td>19/09/2025</td>", html)
        assert 'class="week-cell week-rentree"' in html
        html = client_scolarite.get(reverse("planning:grid", args=[2026])).content.decode()
        assert cell(html, 3, "2026-09-14").startswith("soutenances|")
        assert str(K.DEFENCES.label) in cell(html, 3, "2026-09-14")
        assert 'class="week-cell week-soutenances"' in html

    def test_legend_lists_every_kind_with_its_text(self, client_scolarite, year_2025):
        html = client_scolarite.get(reverse("planning:grid", args=[2025])).content.decode()
        for kind in K:
            assert f'class="week-swatch week-{kind.value}"' in html
            assert str(kind.label) in html
        assert "css/planning.css" in html

    def test_unplanned_weeks_say_so(self, client_scolarite, year_2025):
        html = client_scolarite.get(reverse("planning:grid", args=[2025])).content.decode()
        assert cell(html, 1, "2025-09-15") == "|— " + gettext("Not planned")
        assert 'class="week-cell week-none"' in html

    def test_an_option_shows_its_overrides_marked(self, client_scolarite, year_2025):
        plan(year_2025, 2, {45: K.SCHOOL})
        genindus = Option.objects.get(code="genindus")
        client_scolarite.post(
            reverse("planning:grid_set", args=[2025]),
            {
                "study_years": "2",
                "first": "2025-11-03",
                "last": "2025-11-03",
                "kind": K.COMPANY,
                "option": "genindus",
            },
        )
        assert kinds(year_2025, 2, genindus) == {d("2025-11-03"): K.COMPANY}
        assert kinds(year_2025, 2)[d("2025-11-03")] == K.SCHOOL  # the common calendar is untouched
        html = client_scolarite.get(
            reverse("planning:grid", args=[2025]) + "?option=genindus"
        ).content.decode()
        assert "entreprise|" in cell(html, 2, "2025-11-03") and "*" in cell(html, 2, "2025-11-03")
        assert "*" not in cell(html, 2, "2025-11-10")
        common = client_scolarite.get(reverse("planning:grid", args=[2025])).content.decode()
        assert "ecole|" in cell(common, 2, "2025-11-03")

    def test_totals_beside_targets_flag_differences(self, client_scolarite, year_2025):
        # 1A: 18 school weeks (the target) in 54; 2A: 4 only.
        plan(
            year_2025,
            1,
            {n: K.SCHOOL for n in range(38, 52)} | {2: K.SCHOOL, 3: K.SCHOOL, 4: K.SCHOOL, 5: K.SCHOOL},
        )
        plan(year_2025, 2, {40: K.SCHOOL, 41: K.SCHOOL, 42: K.SCHOOL, 43: K.SCHOOL})
        response = client_scolarite.get(reverse("planning:grid", args=[2025]))
        school_weeks = [(c["value"], c["differs"]) for c in response.context["totals"][0]["cells"]]
        assert school_weeks == [(18, False), (4, True), (0, True)]
        html = response.content.decode()
        totals = html[html.index('id="totals-title"') :]
        flag = "≠ " + gettext("target %(target)s") % {"target": 18}
        assert totals.count(flag) == 2  # 2A and 3A, visible as text
        assert "161" in totals  # the program's own figures disagree: 46 × 3.5 = 161 ≠ 160


class TestRangeEdit:
    def test_htmx_returns_the_partial_with_the_new_kinds(self, client_scolarite, scolarite, year_2025):
        plan(year_2025, 2, {})
        response = client_scolarite.post(
            reverse("planning:grid_set", args=[2025]),
            {"study_years": "2", "first": "2025-11-03", "last": "2025-11-17", "kind": K.SCHOOL},
            **HTMX,
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert "<html" not in html and 'id="grid-editor"' in html
        assert 'hx-swap-oob="innerHTML:#grid-status"' in html
        for monday in ("2025-11-03", "2025-11-10", "2025-11-17"):
            assert cell(html, 2, monday).startswith("ecole|")
        assert cell(html, 2, "2025-11-24").startswith("entreprise|")
        assert [
            kinds(year_2025, 2)[d(m)] for m in ("2025-10-27", "2025-11-03", "2025-11-17", "2025-11-24")
        ] == [
            K.COMPANY,
            K.SCHOOL,
            K.SCHOOL,
            K.COMPANY,
        ]
        edit = CalendarEdit.objects.filter(undone_at=None).first()
        assert edit.made_by == scolarite
        assert edit.description == gettext("%(who)s: %(weeks)s → %(kind)s") % {
            "who": "2A",
            "weeks": "S45–S47",
            "kind": K.SCHOOL.label,
        }
        assert edit.description in html  # the audit trail under the grid

    def test_the_three_study_years_at_once(self, client_scolarite, year_2025):
        client_scolarite.post(
            reverse("planning:grid_set", args=[2025]),
            {"study_years": "all", "first": "2025-12-22", "last": "2025-12-29", "kind": K.CLOSURE},
            **HTMX,
        )
        for y in (1, 2, 3):
            assert kinds(year_2025, y) == {d("2025-12-22"): K.CLOSURE, d("2025-12-29"): K.CLOSURE}
        assert CalendarEdit.objects.count() == 1

    def test_plain_post_redirects_to_the_grid(self, client_scolarite, year_2025):
        response = client_scolarite.post(
            reverse("planning:grid_set", args=[2025]),
            {"study_years": "1", "first": "2025-09-15", "last": "2025-09-15", "kind": K.RENTREE},
        )
        assert response.status_code == 302 and response.url == reverse("planning:grid", args=[2025])
        assert kinds(year_2025, 1) == {d("2025-09-15"): K.RENTREE}
        page = client_scolarite.get(response.url).content.decode()
        assert "S38" in page and "rentree|" in cell(page, 1, "2025-09-15")

    @pytest.mark.parametrize(
        "data, field, message",
        [
            (
                {"study_years": "1", "first": "2025-11-17", "last": "2025-11-03", "kind": K.SCHOOL},
                "last",
                gettext_lazy("The last week comes before the first week."),
            ),
            (
                {"study_years": "1", "first": "2025-09-08", "last": "2025-11-03", "kind": K.SCHOOL},
                "first",
                "2025-2026",
            ),
            (
                {"study_years": "1", "first": "2025-11-03", "last": "2025-11-03", "kind": "vacances"},
                "kind",
                "vacances",
            ),
            (
                {"study_years": "4", "first": "2025-11-03", "last": "2025-11-03", "kind": K.SCHOOL},
                "study_years",
                "",
            ),
        ],
    )
    def test_bad_input_is_explained_and_changes_nothing(
        self, client_scolarite, year_2025, data, field, message
    ):
        plan(year_2025, 1, {})
        before = (kinds(year_2025, 1), CalendarEdit.objects.count())
        for extra in (HTMX, {}):
            response = client_scolarite.post(reverse("planning:grid_set", args=[2025]), data, **extra)
            assert response.status_code == 200
            form = response.context["form"]
            assert field in form.errors
            assert str(message) in " ".join(form.errors[field])
            html = response.content.decode()
            assert f"error_1_id_{field}" in html or "invalid-feedback" in html
            assert (kinds(year_2025, 1), CalendarEdit.objects.count()) == before

    def test_a_week_not_in_the_year_message_names_the_school_year(self, client_scolarite, year_2025):
        response = client_scolarite.post(
            reverse("planning:grid_set", args=[2025]),
            {"study_years": "1", "first": "2026-09-28", "last": "2026-09-28", "kind": K.SCHOOL},
            **HTMX,
        )
        assert "2025-2026" in response.context["form"].errors["first"][0]
        assert not CalendarWeek.objects.exists()

    def test_nothing_changed_is_said(self, client_scolarite, year_2025):
        plan(year_2025, 1, {})
        response = client_scolarite.post(
            reverse("planning:grid_set", args=[2025]),
            {"study_years": "1", "first": "2025-11-03", "last": "2025-11-03", "kind": K.COMPANY},
            **HTMX,
        )
        assert response.context["status"] and CalendarEdit.objects.count() == 1  # only plan()'s


class TestUndo:
    def test_undo_restores_the_weeks(self, client_scolarite, year_2025):
        plan(year_2025, 2, {})
        client_scolarite.post(
            reverse("planning:grid_set", args=[2025]),
            {"study_years": "2", "first": "2025-11-03", "last": "2025-11-10", "kind": K.SCHOOL},
            **HTMX,
        )
        response = client_scolarite.post(reverse("planning:grid_undo", args=[2025]), **HTMX)
        html = response.content.decode()
        assert "<html" not in html and cell(html, 2, "2025-11-03").startswith("entreprise|")
        assert set(kinds(year_2025, 2).values()) == {K.COMPANY}
        assert CalendarEdit.objects.exclude(undone_at=None).count() == 1
        assert "S45–S46" in response.context["status"]

    def test_undo_without_htmx_redirects(self, client_scolarite, year_2025):
        plan(year_2025, 1, {})
        response = client_scolarite.post(reverse("planning:grid_undo", args=[2025]))
        assert response.status_code == 302
        assert not CalendarWeek.objects.exists()

    def test_nothing_to_undo_says_so(self, client_scolarite, year_2025):
        response = client_scolarite.post(reverse("planning:grid_undo", args=[2025]), **HTMX)
        assert response.status_code == 200
        assert response.context["status"] == gettext("There is no change to undo.")
        assert gettext("There is no change to undo.") in response.content.decode()


class TestCopy:
    def test_copy_creates_next_years_weeks(self, client_scolarite, year_2025):
        seed_2025(year_2025)
        response = client_scolarite.post(reverse("planning:grid_copy", args=[2025]))
        assert response.status_code == 302 and response.url == reverse("planning:grid", args=[2026])
        year_2026 = SchoolYear.objects.get(start_year=2026)
        copied = kinds(year_2026, 1)
        assert len(copied) == 55 and copied[d("2026-09-14")] == K.RENTREE
        assert copied[d("2026-09-28")] == K.SCHOOL  # week 40
        assert CalendarEdit.objects.filter(school_year=year_2026).exists()

    def test_copy_into_an_existing_year_keeps_its_planned_weeks(self, client_scolarite, year_2025, year_2026):
        seed_2025(year_2025)
        plan(year_2026, 3, {38: K.DEFENCES})
        client_scolarite.post(reverse("planning:grid_copy", args=[2025]))
        assert kinds(year_2026, 3)[d("2026-09-14")] == K.DEFENCES
        assert kinds(year_2026, 1)[d("2026-09-14")] == K.RENTREE


class TestPermissions:
    @pytest.mark.parametrize("group", [None, StaffRole.SCHOOL_TUTOR, StaffRole.MIDISUP])
    def test_only_scolarite_and_admin_may_post(self, client, year_2025, group):
        client.force_login(f.UserFactory(groups=[group] if group else []))
        data = {"study_years": "1", "first": "2025-09-15", "last": "2025-09-15", "kind": K.SCHOOL}
        assert client.post(reverse("planning:grid_set", args=[2025]), data, **HTMX).status_code == 403
        assert client.post(reverse("planning:grid_undo", args=[2025])).status_code == 403
        assert client.post(reverse("planning:grid_copy", args=[2025])).status_code == 403
        assert client.get(reverse("planning:grid", args=[2025])).status_code == 403
        assert not CalendarWeek.objects.exists() and SchoolYear.objects.count() == 1

    def test_admin_may_edit(self, client, year_2025):
        client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
        data = {"study_years": "1", "first": "2025-09-15", "last": "2025-09-15", "kind": K.SCHOOL}
        assert client.post(reverse("planning:grid_set", args=[2025]), data).status_code == 302
        assert kinds(year_2025, 1) == {d("2025-09-15"): K.SCHOOL}


def test_grid_query_count_is_constant(client_scolarite, year_2025, year_2026):
    """The grid runs the same queries for an empty year and for three fully planned study years
    with an option's overrides, TAPE sessions, apprentices and an audit trail."""
    url = reverse("planning:grid", args=[2025])
    ours = ('FROM "planning_', 'FROM "apprentissage_schoolyear"')

    def count(path):
        client_scolarite.get(path)  # warm caches (permissions, content types)
        with CaptureQueriesContext(connection) as queries:
            assert client_scolarite.get(path).status_code == 200
        sql = [q["sql"] for q in queries.captured_queries]
        return len(sql), sum(any(table in q for table in ours) for q in sql)

    # The calendar's own queries: the school year; the grid (1); totals (2 per study year:
    # weeks, TAPE sessions); the audit trail (with its authors); the school years of the nav.
    # Besides: session, user, groups, the menu's permission checks, the option list (and with
    # ?option=, the option itself).
    empty, empty_option = count(url), count(url + "?option=genindus")
    assert empty[1] == empty_option[1] == 10
    for y in (1, 2, 3):
        plan(year_2025, y, {40: K.SCHOOL, 45: K.SCHOOL})
    genindus = Option.objects.get(code="genindus")
    plan(year_2025, 2, {41: K.SCHOOL}, option=genindus)
    for i in range(20):
        start = datetime.datetime(2025, 10, 6, 9, tzinfo=datetime.UTC) + datetime.timedelta(days=7 * i)
        TapeSession.objects.create(
            school_year=year_2025,
            study_year=1,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=3.5),
        )
    for _ in range(5):
        f.ApprenticeshipFactory(option=genindus)
    assert count(url) == empty
    assert count(url + "?option=genindus") == empty_option
