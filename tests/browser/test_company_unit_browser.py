"""The Unité Entreprise in a real browser: the company tutor finds what waits for them, grades
the professional behaviour and signs it, then scores the project rubric and submits it; the
apprentice uploads a report; the school tutor opens the report's grading and the jury's
agreed scores; scolarité opens the defences, a defence's form and cancellation, the
reports' deadlines and the reopening of the signed behaviour. axe-core on every page (no
serious or critical violation), no failed request, no console error. Skipped without
Chromium (tests/browser/conftest.py)."""

import pytest
from django.urls import reverse

from apprentissage.models import Signature
from evaluation import company_unit as uw
from evaluation import defences
from evaluation.enums import ScorerRole
from evaluation.models import ComponentGrade, ReportFile, RubricScoring
from tests import pdfs
from tests.browser.conftest import browser, context  # noqa: F401  (the fixtures)
from tests.browser.test_roles import Watcher, assert_accessible
from tests.evaluation import company_unit_helpers as h
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(page, live_server, email):
    page.goto("/accounts/login/")
    form = page.locator("form", has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(PASSWORD)
    form.locator("button[type='submit']").click()
    page.wait_for_url(f"{live_server.url}/")


def _visit(page, url):
    page.goto(url)
    assert_accessible(page)


def _as(browser, live_server, user):  # noqa: F811
    ctx = browser.new_context(locale="fr-FR", base_url=live_server.url)
    ctx.set_default_timeout(15_000)
    page = ctx.new_page()
    watcher = Watcher(page)
    _log_in(page, live_server, user.email)
    return ctx, page, watcher


def _fill_rubric(page, component, value):
    for criterion in component.rubric:
        page.locator(f"input[name='points_{criterion['code']}']").fill(value)


def test_the_company_tutor_grades_the_behaviour_and_scores_the_project(
    world,
    context,  # noqa: F811
    live_server,
):
    enrolment, components = h.own(world)
    behaviour, project = components[h.BEHAVIOUR], components[h.PROJECT[2]]
    tutor = world["company_tutor"]
    page = context.new_page()
    watcher = Watcher(page)
    _log_in(page, live_server, tutor.email)

    # What waits for them: the project's scoring and the behaviour.
    _visit(page, reverse("evaluation:to_grade"))
    page.locator(
        f"a[href='{reverse('evaluation:rubric_score', args=[enrolment.pk, behaviour.pk, 'company_tutor'])}']"
    ).click()
    page.wait_for_selector("input[name='points_ponctualite']")
    assert_accessible(page)

    # The behaviour: a draft first, then signed.
    page.locator("input[name='points_ponctualite']").fill("2.5")
    page.locator("button[name='save']").click()
    page.wait_for_load_state()
    assert RubricScoring.objects.get(component=behaviour).points == {"ponctualite": "2.5"}
    _fill_rubric(page, behaviour, "3")
    page.locator("input[name='typed_name']").fill(f"{tutor.first_name} {tutor.last_name}")
    page.locator("input[name='consent']").check()
    page.locator("button[name='sign']").click()
    page.wait_for_selector("strong.font-monospace")  # the verification code
    assert_accessible(page)
    assert Signature.objects.get().signer == tutor
    assert ComponentGrade.objects.get(component=behaviour).value == 18  # 6 × 3 on 20 points
    assert page.locator("input[name='points_ponctualite']").count() == 0  # read-only

    # The project's rubric, scored and submitted.
    _visit(page, reverse("evaluation:rubric_score", args=[enrolment.pk, project.pk, "company_tutor"]))
    _fill_rubric(page, project, "1.5")
    page.locator("textarea[name='comment']").fill("Démarche solide, bilan à approfondir.")
    page.locator("button[name='submit']").click()
    page.wait_for_selector("table caption")
    scoring = RubricScoring.objects.get(component=project, role=ScorerRole.COMPANY_TUTOR)
    assert scoring.submitted_at and scoring.points["bilan"] == "1.5"
    assert_accessible(page)

    # Their apprentice's page (no grade before publication).
    _visit(page, reverse("evaluation:company_unit", args=[enrolment.pk]))
    _visit(page, reverse("evaluation:to_grade"))
    assert not watcher.failures, watcher.failures
    assert not watcher.errors, watcher.errors


def test_every_other_new_page_is_accessible(world, browser, live_server):  # noqa: F811
    enrolment, components = h.own(world)
    report, project, behaviour = components[h.REPORT[2]], components[h.PROJECT[2]], components[h.BEHAVIOUR]
    h.defence_week(enrolment.school_year)
    defence = defences.schedule_defence(
        enrolment=enrolment, component=project, data=h.defence_data(enrolment), actor=world["scolarite"]
    )
    h.signed_behaviour(enrolment, behaviour, world["company_tutor"])
    uw.save_scoring(
        slot=h.slot(enrolment, project, ScorerRole.OPTION_LEAD),
        points=h.full_points(project, "2"),
        comment="Bon travail.",
        expected_version=0,
        actor=world["option_lead"],
        submit=True,
    )

    # The apprentice uploads their report.
    ctx, page, watcher = _as(browser, live_server, world["apprentice"])
    _visit(page, reverse("evaluation:my_company_unit"))
    _visit(page, reverse("evaluation:report_upload", args=[enrolment.pk, report.pk]))
    page.locator("input[name='file']").set_input_files(
        {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": pdfs.plain()}
    )
    page.locator("main form button[type='submit']").click()
    page.wait_for_url(f"**{reverse('evaluation:company_unit', args=[enrolment.pk])}")
    assert ReportFile.objects.get().current
    assert_accessible(page)
    assert not watcher.failures and not watcher.errors, (watcher.failures, watcher.errors)
    ctx.close()

    # The school tutor: the report's grading, the jury's agreed scores.
    ctx, page, watcher = _as(browser, live_server, world["school_tutor"])
    _visit(page, reverse("evaluation:report_grade", args=[enrolment.pk, report.pk]))
    page.locator("input[name='grade']").fill("15,5")
    page.locator("input[name='save']").click()
    page.wait_for_url(f"**{reverse('evaluation:company_unit', args=[enrolment.pk])}")
    assert ComponentGrade.objects.get(component=report).value == 15.5
    assert_accessible(page)
    _visit(page, reverse("evaluation:rubric_score", args=[enrolment.pk, project.pk, "agreed"]))
    _visit(page, reverse("evaluation:rubric_score", args=[enrolment.pk, project.pk, "school_tutor"]))
    assert not watcher.failures and not watcher.errors, (watcher.failures, watcher.errors)
    ctx.close()

    # Scolarité's pages.
    ctx, page, watcher = _as(browser, live_server, world["scolarite"])
    _visit(page, reverse("evaluation:defence_list") + "?annee=2026")
    _visit(page, reverse("evaluation:defence_edit", args=[defence.pk]))
    _visit(page, reverse("evaluation:defence_cancel", args=[defence.pk]))
    _visit(page, reverse("evaluation:defence_schedule", args=[h.enrolment_of(world.other).pk]))
    _visit(page, reverse("evaluation:report_deadlines") + "?annee=2026")
    _visit(page, reverse("evaluation:behaviour_reopen", args=[enrolment.pk, behaviour.pk]))
    assert not watcher.failures and not watcher.errors, (watcher.failures, watcher.errors)
    ctx.close()
