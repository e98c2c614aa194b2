"""apprentissage/templatetags/list_pages.py: `{% simple_crispy form %}` gives the markup
`{% crispy form %}` gives (whitespace and attribute order aside), and falls back to crispy
for what it does not know; `{{ obj|display:"field" }}` is `obj.get_field_display()`."""

import datetime
import re

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from apprentissage.enums import ApprenticeshipStatus
from apprentissage.forms import ApprenticeshipFilterForm, PersonFilterForm
from apprentissage.templatetags import list_pages
from planning.forms import GridOptionForm, WeekRangeForm
from planning.models import TapeSession
from planning.views.tape import AddSessionForm, GenerateForm, MarkForm
from recruitment.forms import BoardFilterForm
from tests import factories as f

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
SIMPLE = engines["django"].from_string("{% load list_pages %}{% simple_crispy form %}")


def _normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="T"', html)
    html = re.sub(r"\s+", " ", html)
    html = re.sub(r"\s*/?>\s*", ">", html)
    html = re.sub(r"\s*<", "<", html)

    def sorted_attributes(match):
        attributes = re.findall(r'([\w-]+)(?:="([^"]*)")?', match.group(2))
        return "<" + match.group(1) + "".join(sorted(f' {a}="{v}"' for a, v in attributes)) + ">"

    return re.sub(r'<(\w+)((?:\s+[\w-]+(?:="[^"]*")?)*)>', sorted_attributes, html).strip()


@pytest.fixture
def render(monkeypatch):
    """Both renderings of a form, the simple one forbidden to fall back to crispy."""
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "x" * 32

    def _render(form):
        from django.template.context_processors import csrf

        if form.is_bound:
            form.is_valid()
        context = {"form": form, **csrf(request)}
        with monkeypatch.context() as patch:
            patch.setattr("crispy_forms.utils.render_crispy_form", _no_fallback)
            simple = SIMPLE.render(context, request)
        return _normalised(CRISPY.render(context, request)), _normalised(simple)

    return _render


def _no_fallback(*args, **kwargs):
    raise AssertionError("simple_crispy fell back to crispy")


@pytest.fixture
def year(db):
    f.option("genindus")
    f.option("materiaux")
    return f.SchoolYearFactory(start_year=2026)


FORMS = {
    "apprenticeship filter": lambda y: ApprenticeshipFilterForm(),
    "apprenticeship filter, filled": lambda y: ApprenticeshipFilterForm(
        {"q": "a <b>", "status": "active", "sans_tuteur_ecole": "on"}
    ),
    "apprenticeship filter, wrong option": lambda y: ApprenticeshipFilterForm({"option": "999"}),
    "person filter": lambda y: PersonFilterForm({"invitation": "en_attente"}),
    "board filter, invalid number": lambda y: BoardFilterForm({"stale_days": "0"}),
    "grid option": lambda y: GridOptionForm(initial={"option": None}),
    "week range (POST, htmx, hidden field)": lambda y: WeekRangeForm(school_year=y),
    "week range, errors": lambda y: WeekRangeForm({"study_years": "9", "first": "2020-01-05"}, school_year=y),
    "TAPE generation (nested columns, time inputs)": lambda y: GenerateForm(school_year=y),
    "TAPE generation, errors": lambda y: GenerateForm({"study_year": "2", "day_1": "3"}, school_year=y),
    "one TAPE session (date input)": lambda y: AddSessionForm({"day": "x"}, school_year=y),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_simple_crispy_gives_crispys_markup(render, year, name):
    crispy, simple = render(FORMS[name](year))
    assert simple == crispy


def test_radio_buttons_with_their_errors(render, year):
    starts_at = datetime.datetime(2026, 11, 5, 9, tzinfo=datetime.UTC)
    session = TapeSession.objects.create(
        school_year=year, study_year=2, starts_at=starts_at, ends_at=starts_at + datetime.timedelta(hours=3.5)
    )
    for data in (None, {f"s{session.pk}-followed": "no"}, {f"s{session.pk}-followed": "maybe"}):
        crispy, simple = render(MarkForm(data, session=session))
        assert simple == crispy
        assert 'type="radio"' in simple


def test_what_it_does_not_know_is_left_to_crispy(rf):
    class WithFieldset(forms.Form):
        name = forms.CharField()

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.helper = FormHelper()
            self.helper.form_tag = False
            self.helper.layout = Layout(Fieldset("Legend", "name"))

    form, request = WithFieldset(), rf.get("/")
    simple = SIMPLE.render({"form": form}, request)
    assert "<fieldset" in simple
    assert _normalised(simple) == _normalised(CRISPY.render({"form": form}, request))


@pytest.mark.parametrize("status", [*ApprenticeshipStatus.values, "unknown"])
def test_display_is_get_display(db, status):
    apprenticeship = f.ApprenticeshipFactory.build(status=status)
    for language in ("fr", "en"):
        with translation.override(language):
            assert list_pages.display(apprenticeship, "status") == apprenticeship.get_status_display()


class _Plain(forms.Form):
    name = forms.CharField()


def _with_helper(**settings):
    form = _Plain()
    form.helper = FormHelper()
    form.helper.layout = Layout("name")
    for name, value in settings.items():
        setattr(form.helper, name, value)
    return form


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(_Plain, id="no helper"),
        pytest.param(lambda: _with_helper(layout=None), id="helper without layout"),
        pytest.param(lambda: _with_helper(label_class="col-2", field_class="col-10"), id="horizontal"),
        pytest.param(lambda: _with_helper(form_error_title="Erreurs"), id="error title"),
        pytest.param(
            lambda: _with_helper(layout=Layout("name", "removed_field")), id="a field not in the form"
        ),
    ],
)
def test_helpers_it_does_not_know_are_left_to_crispy(rf, make):
    form, request = make(), rf.get("/")
    simple = SIMPLE.render({"form": form}, request)
    assert 'name="name"' in simple
    assert _normalised(simple) == _normalised(CRISPY.render({"form": form}, request))
