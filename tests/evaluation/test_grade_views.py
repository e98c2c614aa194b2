"""The grade pages: the grid (its content, the whole-grid form), saving a cell (JSON: saved, bad
grade, someone else's value, locked), the teachers' modules, constant query counts, the menu."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from apprentissage.models import SchoolYear
from evaluation import grades
from evaluation.models import Grade
from tests import factories as f

from .grade_helpers import add_apprentices, assessments_of, make_module


@pytest.fixture
def teacher(world):
    return world["module_teacher"]


@pytest.fixture
def module(world, teacher):
    return make_module(teachers=[teacher])


@pytest.fixture
def own(world):
    return world.own.enrolments.get(school_year__start_year=2026)


def _grid_url(module) -> str:
    return reverse("evaluation:grade_grid", args=[module.pk])


def _save_url(module) -> str:
    return reverse("evaluation:grade_save", args=[module.pk])


def _post_cell(client, module, assessment, enrolment, text, version=0):
    data = {"assessment": assessment.pk, "enrolment": enrolment.pk, "text": text, "version": version}
    return client.post(_save_url(module), data)


# --- The grid page ----------------------------------------------------------------------------


def test_the_grid_shows_each_apprentice_each_assessment_and_the_average(world, login, module, own, teacher):
    first, second, resit = assessments_of(module)
    _post_cell(login(teacher), module, first, own, "12,5")
    _post_cell(login(teacher), module, second, own, "abs")

    response = login(teacher).get(_grid_url(module))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="c-{first.pk}-{own.pk}" name="c-{first.pk}-{own.pk}" value="12,50"' in html
    assert f'name="c-{second.pk}-{own.pk}" value="ABS"' in html
    assert f'data-v="1" aria-labelledby="h-{first.pk} r-{own.pk}"' in html
    assert f'name="v-{own.pk}" value="{first.pk}:1,{second.pk}:1,{resit.pk}:0"' in html
    assert '<span class="avg-value">5,00</span>' in html  # 12.5 × 0.4 + 0 × 0.6
    positions = [html.index(f'id="h-{a.pk}"') for a in (first, second, resit)]
    assert positions == sorted(positions)  # the resit column last
    rows = response.context["grid"].rows
    other = world.other.enrolments.get(school_year__start_year=2026)
    assert {row.enrolment_id for row in rows} == {own.pk, other.pk}
    assert reverse("evaluation:grade_template", args=[module.pk]) in html
    assert reverse("evaluation:grade_import", args=[module.pk]) in html


def test_the_grid_escapes_the_names(world, login, module, teacher):
    apprentice = world.own.apprentice
    apprentice.first_name = "<script>alert(1)</script>"
    apprentice.save()
    html = login(teacher).get(_grid_url(module)).content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def test_a_module_without_assessment_says_so(login, teacher):
    module = f.ModuleFactory(
        unit=f.TeachingUnitFactory(programme=f.ProgrammeFactory(school_year=SchoolYear.for_start_year(2026))),
        teachers=[teacher],
    )
    response = login(teacher).get(_grid_url(module))
    assert response.status_code == 200 and 'id="grade-form"' not in response.content.decode()


# --- Saving a cell ----------------------------------------------------------------------------


def test_a_saved_cell_answers_the_stored_value_its_version_and_the_row_average(login, module, own, teacher):
    first, second, _resit = assessments_of(module)
    client = login(teacher)
    _post_cell(client, module, second, own, "10")

    response = _post_cell(client, module, first, own, "15.5")

    assert response.status_code == 200
    answer = response.json()
    assert answer["ok"] and answer["changed"] and answer["text"] == "15,50" and answer["version"] == 1
    assert answer["average"] == "12,20" and answer["complete"]  # 15.5 × 0.4 + 10 × 0.6
    grade = Grade.objects.get(assessment=first, enrolment=own)
    assert grade.value == Decimal("15.5") and grade.history.get().history_user == teacher


def test_the_same_cell_sent_twice_answers_the_same_and_saves_once(login, module, own, teacher):
    first, *_ = assessments_of(module)
    client = login(teacher)
    _post_cell(client, module, first, own, "12")

    again = _post_cell(client, module, first, own, "12,0", version=0)

    assert again.status_code == 200 and again.json()["changed"] is False and again.json()["version"] == 1
    assert Grade.objects.get(assessment=first, enrolment=own).history.count() == 1


@pytest.mark.parametrize("text", ["20,5", "-2", "douze", "1,234", "=A1"])
def test_a_bad_grade_answers_400_with_the_message_and_saves_nothing(login, module, own, teacher, text):
    first, *_ = assessments_of(module)
    with translation.override("en"):
        response = _post_cell(login(teacher), module, first, own, text)
    assert response.status_code == 400
    assert response.json()["ok"] is False and response.json()["message"]
    assert not Grade.objects.exists()


def test_the_message_of_a_grade_too_high_names_the_maximum(login, module, own, teacher):
    first, *_ = assessments_of(module)
    response = _post_cell(
        login(teacher),
        module,
        first,
        own,
        "21",
    )
    assert "20" in response.json()["message"] and "20,00" not in response.json()["message"]


@pytest.mark.parametrize("data", [{}, {"assessment": "x", "enrolment": "1"}, {"assessment": "1"}])
def test_a_malformed_cell_answers_400(login, module, teacher, data):
    response = login(teacher).post(_save_url(module), data)
    assert response.status_code == 400 and not Grade.objects.exists()


def test_a_cell_outside_the_grid_answers_404(world, login, module, own, teacher):
    first, *_ = assessments_of(module)
    first_year = f.ApprenticeshipFactory(cohort=f.CohortFactory(entry_year=2026))
    not_graded = first_year.enrolments.get(school_year__start_year=2026)  # 1A: not in this 2A module
    other_module = f.AssessmentFactory(module=make_module())

    assert _post_cell(login(teacher), module, first, not_graded, "12").status_code == 404
    assert _post_cell(login(teacher), module, other_module, own, "12").status_code == 404
    assert not Grade.objects.exists()


def test_two_people_on_the_same_cell_never_overwrite_each_other(world, login, module, own, teacher):
    # Both opened the grid while the cell was empty (version 0).
    first, *_ = assessments_of(module)
    from django.test import Client

    teacher_client, scolarite_client = Client(), Client()
    teacher_client.force_login(teacher, backend="django.contrib.auth.backends.ModelBackend")
    scolarite_client.force_login(world["scolarite"], backend="django.contrib.auth.backends.ModelBackend")
    assert _post_cell(teacher_client, module, first, own, "12").status_code == 200

    response = _post_cell(scolarite_client, module, first, own, "14", version=0)

    assert response.status_code == 409
    answer = response.json()
    assert answer["conflict"] and answer["text"] == "12,00" and answer["version"] == 1
    assert answer["by"] == str(teacher) and answer["at"] and "14,00" in answer["message"]
    grade = Grade.objects.get(assessment=first, enrolment=own)
    assert grade.value == 12 and grade.version == 1 and grade.history.count() == 1
    # Having seen it, scolarité types again at the version now shown: saved.
    assert _post_cell(scolarite_client, module, first, own, "14", version=1).status_code == 200
    assert Grade.objects.get(pk=grade.pk).value == 14


def test_locked_grades_answer_423_and_save_nothing(login, module, own, teacher, monkeypatch):
    first, *_ = assessments_of(module)
    monkeypatch.setattr(grades, "grades_locked", lambda module, school_year: True)
    response = _post_cell(login(teacher), module, first, own, "12")
    assert response.status_code == 423 and response.json()["message"]
    assert not Grade.objects.exists()
    page = login(teacher).get(_grid_url(module)).content.decode()
    assert "readonly" in page and reverse("evaluation:grade_import", args=[module.pk]) not in page


def test_saving_a_cell_is_a_few_queries(login, module, own, teacher, django_assert_num_queries):
    first, *_ = assessments_of(module)
    client = login(teacher)
    _post_cell(client, module, first, own, "10")
    # session, user, module, is the user its teacher, its assessments, the enrolment; the
    # row's grades (locked), whether a jury has deliberated (the lock), the update, its history
    # row = 10; (the test's transaction adds a
    # savepoint and its release around save_grade's own transaction).
    with django_assert_num_queries(12):
        response = _post_cell(client, module, first, own, "11", version=1)
    assert response.status_code == 200


# --- The whole grid at once (without JavaScript) ------------------------------------------------


def test_the_whole_grid_posted_saves_the_changed_cells(world, login, module, own, teacher):
    first, second, _resit = assessments_of(module)
    data = {f"c-{first.pk}-{own.pk}": "12,5", f"c-{second.pk}-{own.pk}": ""}
    data |= {f"v-{own.pk}": f"{first.pk}:0,{second.pk}:0"}

    response = login(teacher).post(_grid_url(module), data)

    assert response.status_code == 302 and response["Location"] == _grid_url(module)
    assert Grade.objects.get().value == Decimal("12.5")


def test_the_whole_grid_with_a_bad_cell_shows_it_with_its_message_and_saves_the_others(
    login, module, own, teacher
):
    first, second, _resit = assessments_of(module)
    data = {
        f"c-{first.pk}-{own.pk}": "12",
        f"c-{second.pk}-{own.pk}": "vingt",
        f"v-{own.pk}": f"{first.pk}:0,{second.pk}:0",
        "c-x-y": "1",  # garbage names are ignored
    }

    response = login(teacher).post(_grid_url(module), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="c-{second.pk}-{own.pk}" value="vingt"' in html and 'aria-invalid="true"' in html
    assert list(Grade.objects.values_list("assessment", "value")) == [(first.pk, 12)]


# --- My modules -------------------------------------------------------------------------------


def test_a_teacher_sees_their_modules_with_their_progress(login, module, own, teacher):
    first, *_ = assessments_of(module)
    _post_cell(login(teacher), module, first, own, "ATT")
    make_module()  # someone else's

    response = login(teacher).get(reverse("evaluation:my_modules"))

    assert response.status_code == 200
    (item,) = response.context["progress"]
    assert item.module == module and item.entered == 1 and item.expected == 4 and item.pending == 1
    assert _grid_url(module) in response.content.decode()
    assert response.context["form"] is None  # no filters: their own modules


def test_scolarite_sees_every_module_and_filters_them(login, world, module):
    third_year = make_module(study_year=3)
    option_module = make_module(option=f.option("genindus"))
    client = login(world["scolarite"])

    every = client.get(reverse("evaluation:my_modules")).context["progress"]
    by_year = client.get(reverse("evaluation:my_modules"), {"study_year": 3}).context["progress"]
    by_unit = client.get(reverse("evaluation:my_modules"), {"unit_code": "OPT"}).context["progress"]
    by_option = client.get(reverse("evaluation:my_modules"), {"option": f.option("genindus").pk})

    assert {p.module for p in every} == {module, third_year, option_module}
    assert [p.module for p in by_year] == [third_year]
    assert [p.module for p in by_unit] == [option_module]
    assert [p.module for p in by_option.context["progress"]] == [option_module]


@pytest.mark.parametrize("query", [{"study_year": "9"}, {"option": "999"}, {"unit_code": "<b>"}])
def test_bad_filters_are_said_and_filter_nothing(login, world, module, query):
    response = login(world["scolarite"]).get(reverse("evaluation:my_modules"), query)
    assert response.status_code == 200
    assert response.context["form"].errors and [p.module for p in response.context["progress"]] == [module]


def test_without_a_programme_the_list_is_empty(login, world):
    response = login(world["scolarite"]).get(reverse("evaluation:my_modules"))
    assert response.status_code == 200 and response.context["progress"] == []


def test_the_menu_leads_module_teachers_to_their_modules(login, teacher, world):
    url = reverse("evaluation:my_modules")
    assert url in login(teacher).get(reverse("home")).content.decode()
    assert url in login(world["scolarite"]).get(reverse("home")).content.decode()
    assert url not in login(world["school_tutor"]).get(reverse("home")).content.decode()


# --- Queries do not grow with the apprentices --------------------------------------------------


def _with_grades(module, count: int, teacher) -> None:
    enrolments = add_apprentices(count)
    first, second, _resit = assessments_of(module)
    Grade.objects.bulk_create(
        [Grade(assessment=first, enrolment=e, value=12, updated_by=teacher) for e in enrolments]
        + [Grade(assessment=second, enrolment=e, special="ABS", updated_by=teacher) for e in enrolments]
    )


# The grid, a module teacher: savepoint (ATOMIC_REQUESTS), session, user, the module, is the
# user its teacher = 5; the assessments, the enrolments (with the apprentices), the grades,
# whether a jury has deliberated (the lock) = 4; the user's facts (the menu) = 1; release
# savepoint = 1.
GRID_QUERIES = 11


@pytest.mark.parametrize("count", [5, 50])
def test_the_grid_queries_do_not_grow_with_apprentices(
    login, module, teacher, count, django_assert_num_queries
):
    _with_grades(module, count, teacher)
    client = login(teacher)
    client.get(reverse("evaluation:my_modules"))  # the session's first save

    with django_assert_num_queries(GRID_QUERIES):
        response = client.get(_grid_url(module))

    assert len(response.context["grid"].rows) == count + 2  # and world's two
    assert response.content.decode().count(' aria-labelledby="h-') == 3 * (count + 2)


# My modules, a module teacher: savepoint, session, user, the user's facts (permission and
# menu) = 4; the current school year, the modules (with UE, programme, option, their
# assessments counted), the apprentices per study year and option, the grades counted = 4;
# release savepoint = 1. Scolarité: the filter form's UEs and options = 2 more.
MY_MODULES_QUERIES = 9


@pytest.mark.parametrize("count", [5, 50])
def test_my_modules_queries_do_not_grow_with_apprentices(
    login, world, module, teacher, count, django_assert_num_queries
):
    _with_grades(module, count, teacher)
    for index in range(count // 5):
        make_module(teachers=[teacher], code=f"X{index}")
    client = login(teacher)
    client.get(_grid_url(module))

    with django_assert_num_queries(MY_MODULES_QUERIES):
        response = client.get(reverse("evaluation:my_modules"))

    progress = response.context["progress"]
    assert len(progress) == 1 + count // 5
    mine = next(p for p in progress if p.module == module)
    assert mine.apprentices == count + 2 and mine.entered == 2 * count

    scolarite = login(world["scolarite"])
    scolarite.get(_grid_url(module))
    with django_assert_num_queries(MY_MODULES_QUERIES + 2):
        scolarite.get(reverse("evaluation:my_modules"))


def test_the_grid_states_the_programme_s_resit_rule(login, module, teacher):
    programme = module.unit.programme
    programme.resit_rule, programme.resit_cap = "capped", 12
    programme.save()
    html = login(teacher).get(_grid_url(module), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cap: 12 / 20." in html


def test_a_grid_too_large_for_one_form_says_so_without_javascript(login, module, teacher, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5  # world's two apprentices: 2 × 4 + 2 fields
    html = login(teacher).get(_grid_url(module)).content.decode()
    assert "<noscript>" in html
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
    assert "<noscript>" not in login(teacher).get(_grid_url(module)).content.decode()
