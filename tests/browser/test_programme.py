"""Scolarité reads the programme and edits a module's teachers in a real browser: the search
field narrows a long list of people, the choice is saved and shown on the programme page.
axe-core checks the programme page, the module's edit page and the Unité Entreprise's
components page (no serious or critical violation)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from apprentissage.enums import StaffRole
from apprentissage.models import SchoolYear
from apprentissage.tabular import XLSX_MIME, xlsx_bytes
from evaluation.imports import export_headers
from evaluation.models import Module
from evaluation.programmes import load_seed
from tests import factories as f

from .test_roles import Watcher, assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def signed_in(context, live_server, user):
    """The browser context signed in as `user` (a session made by Django's test client)."""
    client = Client()
    client.force_login(user, backend=settings.AUTHENTICATION_BACKENDS[1])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.fixture
def programme(live_server):
    year = SchoolYear.for_start_year(2026)
    for index in range(40):  # many people to choose a teacher from
        f.UserFactory(
            email=f"enseignant{index}@example.com",
            last_name=f"Enseignant{index:02d}",
            groups=[StaffRole.MODULE_TEACHER if index % 2 else StaffRole.SCHOOL_TUTOR],
        )
    f.UserFactory(
        email="dupont@example.com", first_name="Anne", last_name="Dupont", groups=[StaffRole.SCHOOL_TUTOR]
    )
    return load_seed(year)


def test_scolarite_reads_the_programme_and_chooses_a_module_teacher(context, live_server, programme):
    scolarite = f.UserFactory(email="scolarite@example.com", groups=[StaffRole.SCOLARITE])
    signed_in(context, live_server, scolarite)
    page = context.new_page()
    watcher = Watcher(page)

    page.goto(reverse("evaluation:programme") + "?annee=2026")
    assert page.locator("#module-" + str(Module.objects.get(code="TI2-01").pk)).is_visible()
    assert page.locator(".programme-totals tr.differs").count() == 0  # the seed matches itself
    watcher.assert_healthy()
    assert_accessible(page)

    module = Module.objects.get(unit__programme=programme, code="TI2-01")
    page.locator(f"#module-{module.pk} a").click()
    page.wait_for_url(f"**{reverse('evaluation:programme_module_edit', args=[module.pk])}")
    search = page.locator("#teacher-filter")
    search.fill("dupont")
    visible = page.locator(".teacher-choices .form-check:visible")
    assert visible.count() == 1
    page.mouse.move(0, 0)
    assert_accessible(page)
    visible.locator("input").check()
    search.press("Enter")  # does not submit the form
    assert "modules" in page.url
    page.locator("input[name='save']").click()
    page.wait_for_url(lambda url: url.endswith(f"?annee=2026#module-{module.pk}"))
    assert "Anne DUPONT" in page.locator(f"#module-{module.pk}").inner_text()
    assert [t.email for t in module.teachers.all()] == ["dupont@example.com"]

    uw = programme.units.get(study_year=1, code="UW")
    page.goto(reverse("evaluation:programme_components", args=[uw.pk]))
    assert page.locator("fieldset").count() == uw.components.count() + 1
    assert_accessible(page)
    assert not watcher.errors, watcher.errors


def test_scolarite_checks_an_import_of_modules(context, live_server, programme):
    scolarite = f.UserFactory(email="scolarite@example.com", groups=[StaffRole.SCOLARITE])
    signed_in(context, live_server, scolarite)
    page = context.new_page()
    rows = [
        [2, "TI", "TI2-01", "Automatique et régulation", "S3", "1,5", "30", "", "dupont@example.com"],
        [2, "TI", "TI2-99", "Semestre faux", "S5", "1", "30", "", ""],
    ]

    page.goto(reverse("evaluation:programme_import", args=[2026]))
    assert_accessible(page)
    page.set_input_files(
        "input[name='file']",
        files=[
            {
                "name": "programme.xlsx",
                "mimeType": XLSX_MIME,
                "buffer": xlsx_bytes(export_headers(), rows, title="P"),
            }
        ],
    )
    page.locator("input[name='preview']").click()
    page.wait_for_url("**/importations/**")
    assert page.locator("table tbody tr.table-danger").count() == 1
    page.mouse.move(0, 0)
    assert_accessible(page)
