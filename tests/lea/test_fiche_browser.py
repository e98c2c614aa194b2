"""The apprentice's part of a fiche in a real browser at 390 px: no sideways scrolling, no
serious axe-core violation, the draft saved every minute by static/js/autosave.js (the
page's clock is driven by the test), and when someone else saved meanwhile, automatic
saving stops with the message and saving by hand shows what changed, nothing lost.
Skipped without Chromium (see tests/browser/conftest.py)."""

import pytest
from django.urls import reverse

from apprentissage.drafts import save_draft
from lea.enums import FicheState
from lea.models import Fiche
from tests.browser.conftest import browser, context  # noqa: F401  (the fixtures)
from tests.browser.test_roles import Watcher, assert_accessible
from tests.factories import PASSWORD

from .fiche_helpers import make_fiche

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def _log_in(page, live_server, email):
    page.goto("/accounts/login/")
    form = page.locator("form", has=page.locator("input[name='login']"))
    form.locator("input[name='login']").fill(email)
    form.locator("input[name='password']").fill(PASSWORD)
    form.locator("button[type='submit']").click()
    page.wait_for_url(f"{live_server.url}/")


def _no_sideways_scroll(page):
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide at {PHONE['width']} px"


def test_the_apprentice_fills_the_fiche_on_a_phone(world, context, live_server):  # noqa: F811
    fiche = make_fiche(world)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    watcher = Watcher(page)
    _log_in(page, live_server, world["apprentice"].email)
    page.clock.install()
    page.goto(reverse("lea:fiche_edit", args=[fiche.pk]))
    _no_sideways_scroll(page)
    assert_accessible(page)

    # Typing, then a minute: the draft is saved by itself, the status says so.
    page.locator("#id_activity_0_description").fill("Audit de la ligne d'usinage")
    page.locator("#id_activity_0_share").fill("60")
    page.get_by_role("group", name="Concevoir une solution").get_by_role("radio").nth(2).check()
    page.clock.run_for(61_000)
    page.wait_for_function("() => document.querySelector('#autosave-status').textContent.trim() !== ''")
    fiche.refresh_from_db()
    assert fiche.version == 2
    assert fiche.activities == [{"description": "Audit de la ligne d'usinage", "share": 60}]
    assert fiche.self_ratings == {"conception": 2}
    assert page.locator("input[name='version']").input_value() == "2"

    # Nothing typed: nothing posted.
    page.clock.run_for(61_000)
    fiche.refresh_from_db()
    assert fiche.version == 2

    # Someone else saves (another device); the next automatic save stops with the message.
    save_draft(
        fiche, data={"next_objectives": "Depuis le portable"}, expected_version=2, actor=world["apprentice"]
    )
    page.locator("#id_next_objectives").fill("Depuis le téléphone")
    page.clock.run_for(61_000)
    page.wait_for_function(
        "() => document.querySelector('#autosave-status').classList.contains('alert-danger')"
    )
    assert Fiche.objects.get(pk=fiche.pk).next_objectives == "Depuis le portable"

    # Saving by hand: refused, what was typed still there, and what changed is shown.
    page.locator("form[data-autosave] [name='save']").click()
    page.wait_for_selector(".others-changes")
    assert "Depuis le portable" in page.locator(".others-changes").inner_text()
    assert page.locator("#id_next_objectives").input_value() == "Depuis le téléphone"
    _no_sideways_scroll(page)
    assert_accessible(page)
    # The browser logs the two refused saves (409), expected; nothing else (CSP, scripts).
    assert [e for e in watcher.errors if "409" not in e] == [], watcher.errors


def test_the_tutors_part_and_the_fiches_page_on_a_phone(world, context, live_server):  # noqa: F811
    submitted = make_fiche(world, FicheState.SUBMITTED)
    signed = make_fiche(world, FicheState.COUNTERSIGNED)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    watcher = Watcher(page)
    _log_in(page, live_server, world["company_tutor"].email)
    for url in (
        reverse("lea:fiche_tutor_edit", args=[submitted.pk]),
        reverse("lea:fiche_detail", args=[submitted.pk]),
        reverse("lea:fiche_detail", args=[signed.pk]),
    ):
        page.goto(url)
        _no_sideways_scroll(page)
        assert_accessible(page)
    assert not watcher.errors, watcher.errors
