"""The programme pages: what the page shows (UEs, modules, assessments, the Unité Entreprise,
totals beside the seed's, the rules in words), at a constant cost; scolarité starts a
programme, copies it to the next year, edits it, removes what has no grade."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from apprentissage.enums import StaffRole
from apprentissage.models import SchoolYear
from evaluation.models import Assessment, Module, Programme, TeachingUnit, UnitComponent
from evaluation.programmes import load_seed, rules_in_words

from .. import factories as f
from .programme_helpers import tiny_programme


def page(start_year: int | None = None) -> str:
    url = reverse("evaluation:programme")
    return f"{url}?annee={start_year}" if start_year else url


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def seeded(world):
    return load_seed(SchoolYear.objects.get(start_year=2026))


# --- Reading --------------------------------------------------------------------------------------


def test_the_page_shows_every_ue_module_assessment_and_component_of_the_seed(world, login, seeded):
    response = login(world["module_teacher"]).get(page())

    assert response.status_code == 200
    outline = response.context["outline"]
    assert outline.programme == seeded  # the current school year's (2026-2027)
    assert [year.study_year for year in outline.years] == [1, 2, 3]
    first = outline.years[0]
    assert [unit.code for unit in first.units] == ["SF", "TI", "CI", "OPT"]
    assert [unit.code for unit in first.company_units] == ["UW"]
    assert first.ects == 60
    options = first.units[3].module_list
    assert len(options) == 24 and all(module.option for module in options)
    html = response.content.decode()
    for code in ("SF1-01", "TI3-09", "GI3-06", "PHA1-01"):
        assert f">{code}</th>" in html
    sf101 = first.units[0].module_list[0]
    assert (sf101.code, sf101.coefficient_shown, sf101.semester_shown, sf101.hours_shown) == (
        "SF1-01",
        "1,5",
        "S1",
        "30",
    )
    assert [a.shown for a in sf101.assessments] == ["Contrôle continu (0,4, /20)", "Examen final (0,6, /20)"]
    assert "Rapport d&#x27;observation de l&#x27;entreprise" in html and "25\u00a0%" in html
    # a reader gets no edit link
    assert reverse("evaluation:programme_module_edit", args=[Module.objects.first().pk]) not in html
    assert reverse("evaluation:programme_rules", args=[2026]) not in html


def test_scolarite_gets_the_edit_links(world, login, seeded):
    module = Module.objects.get(code="SF1-01")
    html = login(world["scolarite"]).get(page()).content.decode()

    assert reverse("evaluation:programme_module_edit", args=[module.pk]) in html
    assert reverse("evaluation:programme_rules", args=[2026]) in html
    assert reverse("evaluation:programme_xlsx", args=[2026]) in html
    assert reverse("evaluation:programme_copy", args=[2026]) in html


def test_the_totals_are_shown_beside_the_seeds_and_a_difference_is_marked_in_words(world, login, seeded):
    Module.objects.filter(code="SF1-01", unit__programme=seeded).update(hours=36)

    response = login(world["school_tutor"]).get(page())

    rows = {
        (row.study_year, row.option.code): row
        for year in response.context["outline"].years
        for row in year.totals
    }
    assert rows[(1, "genindus")].hours.value == 606 and rows[(1, "genindus")].hours.differs
    assert not rows[(1, "genindus")].modules.differs and rows[(2, "genindus")].matches_seed
    overall = {row.option.code: row for row in response.context["outline"].overall}
    assert overall["energies"].hours.value == 1806 and overall["energies"].ects.value == 180
    html = response.content.decode()
    # four options × (1A, three years): marked by a sign and words, not by colour alone
    assert html.count('<tr class="differs">') == 8
    english = login(world["school_tutor"]).get(page(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert english.count("seed: 600") == 4 and english.count("seed: 1800") == 4
    assert english.count("differs from the seed") == 8


def test_the_page_costs_the_same_for_the_seed_and_a_tiny_programme(world, login):
    client = login(world["scolarite"])
    tiny_programme(2025)  # a tiny one in 2025-2026
    load_seed(SchoolYear.objects.get(start_year=2026))  # the whole seed in 2026-2027
    client.get(page(2025))  # the session, the user's facts: warm

    def queries_for(start_year) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page(start_year))
        modules = sum(len(u.module_list) for y in response.context["outline"].years for u in y.units)
        return len(queries), modules

    tiny, seed = queries_for(2025), queries_for(2026)
    # savepoint, session, user, the user's facts (scolarité?), the school years, the programme,
    # then the outline: options, UEs, modules, assessments, teachers, components; release
    assert tiny == (13, 1)
    assert seed == (13, 114)


def test_another_school_year_is_chosen_with_the_select(world, login, seeded):
    client = login(world["scolarite"])

    response = client.get(page(2025))

    assert response.context["school_year"].start_year == 2025 and response.context["outline"] is None
    assert reverse("evaluation:programme_start", args=[2025]) in response.content.decode()
    # an unknown or malformed year: the current one
    assert client.get(page() + "?annee=1999").context["school_year"].start_year == 2026
    assert client.get(reverse("evaluation:programme") + "?annee=abc").context["outline"].programme == seeded


def test_the_grading_rules_are_said_in_words(world):
    programme = tiny_programme().programme
    programme.eliminatory_below = Decimal("6")
    programme.resit_rule = "capped"
    programme.resit_cap = Decimal("12")
    programme.modules_compensate = False
    with translation.override("en"):
        words = " ".join(rules_in_words(programme))
    assert "9,995 reaches 10" in words or "9.995 reaches 10" in words
    assert "below 6/20 is eliminatory" in words
    assert "counts up to 12/20" in words
    assert "each of its modules' averages reach 10/20" in words
    assert "reaches 8/20 is compensated (CMP)" in words


# --- Starting and copying ------------------------------------------------------------------------


def test_scolarite_starts_a_year_from_the_seed_once(world, login):
    client = login(world["scolarite"])
    url = reverse("evaluation:programme_start", args=[2026])

    response = client.post(url, {"source": "seed"})

    assert response.status_code == 302 and response["Location"] == page(2026)
    programme = Programme.objects.get(school_year__start_year=2026)
    assert Module.objects.filter(unit__programme=programme).count() == 114
    pass_mark = programme.pass_mark
    # a second click replaces nothing
    response = client.post(url, {"source": "seed"}, HTTP_ACCEPT_LANGUAGE="en")
    assert Programme.objects.count() == 1 and Programme.objects.get().pass_mark == pass_mark
    assert messages_of(response)[-1] == "2026-2027 already has a programme: nothing was replaced."


def test_scolarite_starts_a_year_as_a_copy_of_the_previous_one(world, login):
    tiny = tiny_programme(2025)
    tiny.module.teachers.add(world["module_teacher"])
    client = login(world["scolarite"])

    client.post(reverse("evaluation:programme_start", args=[2026]), {"source": "previous"})

    copied = Module.objects.get(unit__programme__school_year__start_year=2026, code="TI2-01")
    assert copied.pk != tiny.module.pk and list(copied.teachers.all()) == [world["module_teacher"]]
    assert copied.assessments.count() == 2


def test_copying_from_a_year_without_a_programme_is_refused(world, login):
    client = login(world["scolarite"])

    response = client.post(
        reverse("evaluation:programme_start", args=[2026]), {"source": "previous"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302 and not Programme.objects.exists()
    assert messages_of(response) == ["2025-2026 has no programme to copy."]


def test_scolarite_copies_the_programme_into_the_next_year_after_confirming(world, login):
    tiny = tiny_programme()
    tiny.module.teachers.add(world["module_teacher"])
    client = login(world["scolarite"])
    url = reverse("evaluation:programme_copy", args=[2026])

    confirmation = client.get(url)
    assert confirmation.status_code == 200 and confirmation.context["target"] is None
    assert not Programme.objects.filter(school_year__start_year=2027).exists()  # GET changes nothing

    response = client.post(url)

    copy = Programme.objects.get(school_year__start_year=2027)
    assert response["Location"] == page(2027)
    assert list(Module.objects.get(unit__programme=copy).teachers.all()) == [world["module_teacher"]]
    assert UnitComponent.objects.filter(unit__programme=copy).count() == 2
    assert Module.objects.filter(unit__programme=tiny.programme).count() == 1  # the source is kept


def test_copying_into_a_year_that_has_a_programme_is_refused_with_a_message(world, login):
    tiny_programme()
    target = tiny_programme(2027)
    Module.objects.filter(unit__programme=target.programme).update(title="Déjà adapté")
    client = login(world["scolarite"])
    url = reverse("evaluation:programme_copy", args=[2026])

    confirmation = client.get(url)
    assert confirmation.context["target"] == target.programme
    assert b'<button type="submit" class="btn btn-primary">' not in confirmation.content

    response = client.post(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert messages_of(response) == ["2027-2028 already has a programme: it was not replaced."]
    assert Programme.objects.count() == 2
    assert Module.objects.get(unit__programme=target.programme).title == "Déjà adapté"


# --- Editing ------------------------------------------------------------------------------------


def test_scolarite_edits_the_grading_rules_and_history_says_who(world, login):
    programme = tiny_programme().programme
    data = {
        "pass_mark": "10",
        "eliminatory_below": "5",
        "year_compensation": "on",
        "compensation_floor": "7",
        "year_average_weights": "equal",
        "resit_rule": "capped",
        "resit_cap": "12",
    }

    response = login(world["scolarite"]).post(reverse("evaluation:programme_rules", args=[2026]), data)

    assert response.status_code == 302 and response["Location"] == page(2026) + "#regles"
    programme.refresh_from_db()
    assert not programme.modules_compensate and programme.compensation_floor == 7
    assert programme.rules().resit_rule == "capped" and programme.rules().eliminatory_below == 5
    assert programme.history.first().history_user == world["scolarite"]


def test_scolarite_adds_a_module_with_its_teachers_and_the_usual_assessments(world, login):
    tiny = tiny_programme()
    teachers = [world["module_teacher"], world["school_tutor"]]
    data = {
        "unit": tiny.option_unit.pk,
        "code": "GI2-01",
        "title": "Simulation de flux",
        "semester": 3,
        "coefficient": "1,5",
        "hours": 30,
        "option": world.own.option.pk,
        "teachers": [t.pk for t in teachers],
    }

    response = login(world["scolarite"]).post(reverse("evaluation:programme_module_add", args=[2026]), data)

    module = Module.objects.get(code="GI2-01")
    assert response["Location"] == page(2026) + f"#module-{module.pk}"
    assert module.option == world.own.option and module.coefficient == Decimal("1.5")
    assert set(module.teachers.all()) == set(teachers)
    assert [(a.title, a.weight) for a in module.assessments.order_by("position")] == [
        ("Contrôle continu", Decimal("0.4")),
        ("Examen final", Decimal("0.6")),
    ]
    assert module.history.first().history_user == world["scolarite"]


def test_a_new_teacher_can_be_found_among_many_people_and_teaches_only_after_saving(world, login):
    tiny = tiny_programme()
    for index in range(30):
        f.UserFactory(groups=[StaffRole.MODULE_TEACHER], last_name=f"Prof{index:02d}")
    client = login(world["scolarite"])
    url = reverse("evaluation:programme_module_edit", args=[tiny.module.pk])
    tiny.module.teachers.add(world["school_tutor"])

    form = client.get(url).context["form"]

    choices = list(form.fields["teachers"].queryset)
    assert choices[0] == world["school_tutor"]  # the module's teachers first
    assert world["module_teacher"] in choices and world["scolarite"] not in choices
    assert len(choices) >= 32


def test_scolarite_adds_and_edits_a_ue_and_an_assessment(world, login):
    tiny = tiny_programme()
    client = login(world["scolarite"])

    client.post(
        reverse("evaluation:programme_unit_add", args=[2026]),
        {"study_year": 2, "code": "CI", "title": "Culture de l'Ingénieur", "ects": 6, "position": 2},
    )
    client.post(
        reverse("evaluation:programme_unit_edit", args=[tiny.unit.pk]),
        {"study_year": 3, "code": "TI", "title": "Techniques", "ects": 10, "position": 1},
    )
    client.post(
        reverse("evaluation:programme_assessment_add", args=[tiny.module.pk]),
        {"title": "Rattrapage", "weight": "1", "out_of": "20", "is_resit": "on", "position": 3},
    )
    client.post(
        reverse("evaluation:programme_assessment_edit", args=[tiny.assessment.pk]),
        {"title": "Partiel", "weight": "0,5", "out_of": "40", "position": 1},
    )

    assert TeachingUnit.objects.get(programme=tiny.programme, code="CI").ects == 6
    tiny.unit.refresh_from_db()
    assert (tiny.unit.study_year, tiny.unit.title, tiny.unit.ects) == (2, "Techniques", 10)  # stays in 2A
    assert tiny.module.assessments.filter(is_resit=True, title="Rattrapage").exists()
    tiny.assessment.refresh_from_db()
    assert (tiny.assessment.title, tiny.assessment.weight, tiny.assessment.out_of) == (
        "Partiel",
        Decimal("0.5"),
        40,
    )


def test_scolarite_edits_the_components_and_adds_one(world, login):
    tiny = tiny_programme()
    project, behaviour = (
        tiny.company_unit.components.order_by("code")[1],
        tiny.company_unit.components.order_by("code")[0],
    )
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "2",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, (component, weight) in enumerate([(project, "0.5"), (behaviour, "0.25")]):
        data.update(
            {
                f"form-{index}-id": component.pk,
                f"form-{index}-code": component.code,
                f"form-{index}-title": component.title,
                f"form-{index}-weight": weight,
                f"form-{index}-graded_by": component.graded_by,
                f"form-{index}-position": index,
            }
        )
    data.update(
        {
            "form-2-code": "RAPPORT",
            "form-2-title": "Rapport d'ingénierie",
            "form-2-weight": "0,25",
            "form-2-graded_by": "school_tutor",
            "form-2-position": "2",
        }
    )

    response = login(world["scolarite"]).post(
        reverse("evaluation:programme_components", args=[tiny.company_unit.pk]), data
    )

    assert response.status_code == 302
    assert dict(tiny.company_unit.components.values_list("code", "weight")) == {
        "PROJET": Decimal("0.5"),
        "COMPORTEMENT": Decimal("0.25"),
        "RAPPORT": Decimal("0.25"),
    }


def test_the_components_page_of_a_ue_of_courses_is_not_found(world, login):
    tiny = tiny_programme()
    response = login(world["scolarite"]).get(reverse("evaluation:programme_components", args=[tiny.unit.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "name", ["programme_module_edit", "programme_module_delete", "programme_assessment_add"]
)
def test_a_module_that_does_not_exist_is_not_found(world, login, name):
    assert login(world["scolarite"]).get(reverse(f"evaluation:{name}", args=[987654])).status_code == 404


# --- Removing -----------------------------------------------------------------------------------


def test_a_module_without_grades_is_removed_with_its_assessments(world, login):
    tiny = tiny_programme()
    client = login(world["scolarite"])
    url = reverse("evaluation:programme_module_delete", args=[tiny.module.pk])
    assert client.get(url).context["graded"] is False

    response = client.post(url)

    assert response["Location"] == page(2026) + f"#ue-{tiny.unit.pk}"
    assert not Module.objects.filter(pk=tiny.module.pk).exists()
    assert not Assessment.objects.filter(module_id=tiny.module.pk).exists()
    assert Module.history.filter(id=tiny.module.pk, history_type="-").get().history_user == world["scolarite"]


def test_a_module_with_a_grade_is_kept_with_a_clear_message(world, login):
    tiny = tiny_programme()
    f.GradeFactory(assessment=tiny.assessment)
    client = login(world["scolarite"])
    url = reverse("evaluation:programme_module_delete", args=[tiny.module.pk])
    assert client.get(url).context["graded"] is True

    response = client.post(url, HTTP_ACCEPT_LANGUAGE="en")

    assert Module.objects.filter(pk=tiny.module.pk).exists() and tiny.module.assessments.count() == 2
    assert response["Location"] == page(2026) + f"#module-{tiny.module.pk}"
    assert messages_of(response) == [
        "The module TI2-01 has grades: it cannot be removed (its grades are kept)."
    ]


def test_an_assessment_without_grades_is_removed_and_one_with_grades_is_kept(world, login):
    tiny = tiny_programme()
    graded, free = list(tiny.module.assessments.order_by("position"))
    f.GradeFactory(assessment=graded)
    client = login(world["scolarite"])

    client.post(reverse("evaluation:programme_assessment_delete", args=[free.pk]))
    response = client.post(
        reverse("evaluation:programme_assessment_delete", args=[graded.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert list(tiny.module.assessments.all()) == [graded]
    assert response.status_code == 302
    assert messages_of(response)[-1] == (
        "The assessment Contrôle continu has grades: it cannot be removed (its grades are kept)."
    )
    edit = client.get(reverse("evaluation:programme_module_edit", args=[tiny.module.pk]))
    assert edit.context["graded_assessments"] == {graded.pk}
    assert reverse("evaluation:programme_assessment_delete", args=[graded.pk]) not in edit.content.decode()
    assert reverse("evaluation:programme_module_delete", args=[tiny.module.pk]) not in edit.content.decode()


def test_the_menu_leads_school_staff_to_the_programme(world, login):
    url = reverse("evaluation:programme")
    assert url in login(world["module_teacher"]).get(reverse("home")).content.decode()
    assert url not in login(world["midisup"]).get(reverse("home")).content.decode()


def test_no_edit_page_offers_a_bare_dash_empty_choice(world, login):
    tiny = tiny_programme()
    client = login(world["scolarite"])
    urls = [
        reverse("evaluation:programme_rules", args=[2026]),
        reverse("evaluation:programme_unit_add", args=[2026]),
        reverse("evaluation:programme_unit_edit", args=[tiny.unit.pk]),
        reverse("evaluation:programme_module_add", args=[2026]),
        reverse("evaluation:programme_module_edit", args=[tiny.module.pk]),
        reverse("evaluation:programme_assessment_add", args=[tiny.module.pk]),
        reverse("evaluation:programme_components", args=[tiny.company_unit.pk]),
        page(2026),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200 and "---------" not in response.content.decode(), url
