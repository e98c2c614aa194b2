"""Scolarité's competency framework (blocks, competencies: add, edit, retire, reorder) and
the yearly deadlines page."""

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apprentissage.enums import StudyYear
from lea.deadlines import due_date
from lea.models import Competency, CompetencyBlock, Deadline
from lea.models.competencies import framework_for

from .. import factories as f
from .plans_helpers import year


@pytest.fixture
def framework(world):
    common = f.CompetencyBlockFactory(name="Compétences communes", position=1)
    genindus = f.CompetencyBlockFactory(name="Génie industriel", option=world.own.option, position=1)
    return {
        "common": common,
        "genindus": genindus,
        "design": f.CompetencyFactory(block=common, code="C1", label="Concevoir", position=1),
        "organise": f.CompetencyFactory(block=common, code="C2", label="Organiser la production", position=2),
        "lean": f.CompetencyFactory(block=genindus, code="GI1", label="Piloter un chantier Lean", position=1),
    }


def test_the_framework_page_lists_common_blocks_then_options(world, login, framework):
    page = login(world["scolarite"]).get(reverse("lea:framework")).content.decode()

    assert page.index("Compétences communes") < page.index("Génie industriel")
    assert (
        page.index("Concevoir")
        < page.index("Organiser la production")
        < page.index("Piloter un chantier Lean")
    )


def test_the_framework_page_costs_the_same_for_3_or_30_competencies(world, login, framework):
    client = login(world["scolarite"])
    client.get(reverse("lea:framework"))  # the session, the user's facts: warm

    def shown() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("lea:framework"))
        return len(queries), sum(len(b.competencies.all()) for b in response.context["blocks"])

    few = shown()
    for i in range(9):
        block = f.CompetencyBlockFactory(name=f"Bloc {i}", position=i + 2)
        f.CompetencyFactory.create_batch(3, block=block)

    # savepoint, session, user, the user's facts (scolarité?), the blocks with their option,
    # their competencies, release
    assert few == (7, 3)
    assert shown() == (7, 30)


def test_add_a_block_and_a_competency(world, login, framework):
    client = login(world["scolarite"])
    response = client.post(
        reverse("lea:framework_block_add"),
        {"name": "Énergies", "option": world.other.option.pk, "position": 1},
    )
    assert response.status_code == 302
    block = CompetencyBlock.objects.get(name="Énergies")

    response = client.post(
        reverse("lea:framework_competency_add", args=[block.pk]),
        {"block": block.pk, "code": "EN1", "label": "Auditer un bâtiment", "position": 1},
    )

    assert response.status_code == 302
    assert Competency.objects.get(code="EN1").block == block
    assert [c["code"] for c in framework_for(world.other.option)] == ["C1", "C2", "EN1"]


def test_a_duplicate_code_is_refused(world, login, framework):
    response = login(world["scolarite"]).post(
        reverse("lea:framework_competency_add", args=[framework["common"].pk]),
        {"block": framework["common"].pk, "code": "C1", "label": "Doublon", "position": 3},
    )

    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert not Competency.objects.filter(label="Doublon").exists()


def test_reorder_by_position(world, login, framework):
    organise = framework["organise"]
    login(world["scolarite"]).post(
        reverse("lea:framework_competency_edit", args=[organise.pk]),
        {"block": organise.block_id, "code": "C2", "label": organise.label, "position": 0},
    )

    assert [c["code"] for c in framework_for(world.own.option)] == ["C2", "C1", "GI1"]


def test_retire_then_restore_never_deletes(world, login, framework):
    client = login(world["scolarite"])
    design = framework["design"]

    response = client.post(reverse("lea:framework_competency_active", args=[design.pk, 0]))

    assert response.status_code == 302
    design.refresh_from_db()
    assert design.is_active is False
    assert "C1" not in [c["code"] for c in framework_for(world.own.option)]
    assert "Retirée" in client.get(reverse("lea:framework")).content.decode()

    client.post(reverse("lea:framework_competency_active", args=[design.pk, 1]))
    assert Competency.objects.get(pk=design.pk).is_active is True


def test_a_fiche_keeps_its_framework_after_an_edit(world, login, framework):
    fiche = f.FicheFactory(apprenticeship=world.own, framework=framework_for(world.own.option))
    frozen = list(fiche.framework)
    client = login(world["scolarite"])

    client.post(
        reverse("lea:framework_competency_edit", args=[framework["design"].pk]),
        {"block": framework["common"].pk, "code": "C1", "label": "Concevoir un système", "position": 1},
    )
    client.post(reverse("lea:framework_competency_active", args=[framework["lean"].pk, 0]))

    fiche.refresh_from_db()
    assert fiche.framework == frozen
    assert [c["label"] for c in fiche.framework] == [
        "Concevoir",
        "Organiser la production",
        "Piloter un chantier Lean",
    ]
    assert framework_for(world.own.option)[0]["label"] == "Concevoir un système"


# Deadlines


def _deadlines_data(client) -> dict:
    form = client.get(reverse("lea:deadlines")).context["form"]
    return {name: field.initial.isoformat() for name, field in form.fields.items()}


def test_deadlines_page_shows_defaults_marked(world, login):
    response = login(world["scolarite"]).get(reverse("lea:deadlines"))

    page = response.content.decode()
    assert "2026-2027" in page
    assert 'value="2026-11-15"' in page and 'value="2027-01-31"' in page
    assert page.count("par défaut") >= 6


def test_scolarite_sets_a_date_only_what_changed_is_recorded(world, login):
    client = login(world["scolarite"])
    data = _deadlines_data(client)
    data["d_2026_2_missions"] = "2026-12-15"

    response = client.post(reverse("lea:deadlines"), data)

    assert response.status_code == 302
    with translation.override("fr"):
        said = [str(m) for m in client.get(response.url).context["messages"]]
        assert said == [
            translation.ngettext(
                "Dates saved (%(count)d date changed).", "Dates saved (%(count)d dates changed).", 1
            )
            % {"count": 1}
        ]
    assert list(Deadline.objects.values_list("study_year", "kind", "due_on")) == [
        (2, "missions", datetime.date(2026, 12, 15))
    ]
    assert due_date("missions", year(), 2) == datetime.date(2026, 12, 15)
    assert due_date("missions", year(), 1) == datetime.date(2026, 11, 15)
    page = client.get(reverse("lea:deadlines")).content.decode()
    assert 'value="2026-12-15"' in page


def test_the_next_school_year_is_editable_when_it_exists(world, login):
    f.SchoolYearFactory(start_year=2027)

    page = login(world["scolarite"]).get(reverse("lea:deadlines")).content.decode()

    assert "2027-2028" in page and "2025-2026" not in page


@pytest.mark.parametrize("value", ["2028-01-01", "2026-01-31"])
def test_a_date_outside_the_school_year_is_refused(world, login, value):
    client = login(world["scolarite"])
    data = _deadlines_data(client)
    data["d_2026_3_subject"] = value

    response = client.post(reverse("lea:deadlines"), data)

    assert response.status_code == 400
    assert (
        "en dehors de l" in response.content.decode()
        or "outside the school year" in response.content.decode()
    )
    assert not Deadline.objects.exists()


def _tag(page: str, pattern: str) -> str:
    (tag,) = re.findall(pattern, page)
    return tag


def test_a_refused_date_shows_its_error_tied_to_its_input(world, login):
    client = login(world["scolarite"])
    data = _deadlines_data(client)
    data["d_2026_3_subject"] = "2028-01-01"

    page = client.post(reverse("lea:deadlines"), data).content.decode()

    field = _tag(page, r'<input[^>]*name="d_2026_3_subject"[^>]*>')
    assert re.search(r'class="[^"]*\bis-invalid\b', field)  # Bootstrap shows the .invalid-feedback after it
    assert 'aria-invalid="true"' in field
    (described_by,) = re.findall(r'aria-describedby="([^"]+)"', field)
    error = _tag(page, rf'<div class="invalid-feedback" id="{described_by}">[^<]*</div>')
    with translation.override("fr"):
        assert "en dehors de l" in html.unescape(error)
    # Three dates of a kind per school year: each label names its study year too.
    label = _tag(page, r'<label for="id_d_2026_3_subject">.*?</label>')
    with translation.override("fr"):
        assert str(StudyYear.THIRD.label) in html.unescape(label)
    other = _tag(page, r'<input[^>]*name="d_2026_1_missions"[^>]*>')
    assert "is-invalid" not in other and "aria-invalid" not in other


def test_a_missing_date_is_refused(world, login):
    client = login(world["scolarite"])
    data = _deadlines_data(client)
    data["d_2026_1_missions"] = ""

    assert client.post(reverse("lea:deadlines"), data).status_code == 400
    assert not Deadline.objects.exists()
