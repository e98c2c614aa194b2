"""Scolarité sees every grade change: who, the old and the new value, when."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation.models import Grade
from tests import factories as f


def _change(grade, user, **values):
    for name, value in values.items():
        setattr(grade, name, value)
    grade._history_user = user
    grade.save()


def test_a_change_shows_who_and_the_value_before_and_after(world, login):
    teacher = world["module_teacher"]
    grade = f.GradeFactory(value=Decimal("8.5"))
    _change(grade, teacher, value=Decimal("12.5"))
    _change(grade, teacher, value=None, special="ABS")

    response = login(world["scolarite"]).get(reverse("evaluation:grade_audit"))

    changes = response.context["changes"]
    assert [(c["old"], c["new"]) for c in changes] == [("12,50", "ABS"), ("8,50", "12,50"), ("", "8,50")]
    assert changes[0]["row"].history_user == teacher


def test_the_audit_filters_by_module_and_runs_a_constant_number_of_queries(world, login):
    client = login(world["scolarite"])
    module = f.ModuleFactory(code="CI2-99")
    f.GradeFactory(assessment=f.AssessmentFactory(module=module))

    def measure(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return len(queries), response

    measure(reverse("evaluation:grade_audit"))  # warms the per-process caches
    few, _ = measure(reverse("evaluation:grade_audit"))
    for _ in range(30):
        _change(f.GradeFactory(), world["scolarite"], value=Decimal(15))
    many, response = measure(reverse("evaluation:grade_audit"))
    assert many == few and len(response.context["changes"]) == 50

    _, filtered = measure(reverse("evaluation:grade_audit") + "?module=ci2-99")
    assert {c["row"].assessment.module.code for c in filtered.context["changes"]} == {"CI2-99"}


def test_grades_are_not_changed_by_reading_their_history(world, login):
    grade = f.GradeFactory(value=Decimal(10))
    login(world["scolarite"]).get(reverse("evaluation:grade_audit"))
    assert Grade.objects.get(pk=grade.pk).value == 10
