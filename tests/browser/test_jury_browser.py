"""A jury once in a real browser, on the demo data, as issue 10's "Done when" tells it:
scolarité checks the completeness of this year's 2A session, deliberates (with a recorded
reason: the year is in progress), decides in the grid, closes the session (minutes) and
publishes; the apprentice then reads their results and downloads a transcript whose code
verifies on the public page. axe-core checks every page (no serious or critical violation)."""

import re

import pytest
from django.urls import reverse

from apprentissage.signatures import signatures_of
from evaluation.enums import JuryState
from evaluation.models import JuryDecision, JurySession, Transcript

from .test_lea_journey import checked, fire, session
from .test_roles import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_scolarite_deliberates_and_publishes_and_the_apprentice_verifies_a_transcript(
    browser, live_server, demo_data
):
    jury = JurySession.objects.get(school_year__start_year=2026, study_year=2)
    context, page = session(browser, live_server)
    log_in(page, live_server, "scolarite@example.com")

    page.goto(reverse("evaluation:jury_list"))
    checked(page)
    page.get_by_role("link", name=str(jury)).click()
    page.wait_for_load_state()
    checked(page)
    assert "notes manquantes ou en attente" in page.content()  # the year is in progress

    form = page.locator("form[action$='/action/deliberate_anyway/']")
    page.locator("details summary").first.click()
    form.locator("textarea").fill("Jury intermédiaire : le second semestre n'est pas encore noté.")
    page.once("dialog", lambda dialog: dialog.accept())
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert JurySession.objects.get(pk=jury.pk).state == JuryState.DELIBERATING

    page.goto(reverse("evaluation:jury_grid", args=[jury.pk]))
    checked(page)
    for decision in JuryDecision.objects.filter(session=jury):
        row = page.locator(f"form[action*='/decisions/{decision.pk}/']")
        row.locator("select[name$='-code']").select_option("ADM")
        row.locator("button[type=submit]").click()
        page.wait_for_load_state()
    assert not JuryDecision.objects.filter(session=jury, code="").exists()
    assert not JuryDecision.objects.filter(session=jury, automatic=True).exists()

    page.goto(reverse("evaluation:jury_detail", args=[jury.pk]))
    fire(page, "close")
    assert page.get_by_role("link", name="Procès-verbal (PDF)").count() == 1
    fire(page, "publish")
    checked(page)
    assert JurySession.objects.get(pk=jury.pk).state == JuryState.PUBLISHED
    context.close()

    context, page = session(browser, live_server, phone=True)
    log_in(page, live_server, "apprenti@example.com")
    page.goto(reverse("evaluation:my_results"))
    checked(page)
    assert "Provisoire" not in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger mon relevé")).first.click()
    assert download.value.suggested_filename.endswith(".pdf")
    transcript = Transcript.objects.filter(
        enrolment__apprenticeship__apprentice__email="apprenti@example.com"
    ).latest("pk")
    code = signatures_of(transcript).get().verification_code

    page.goto(reverse("signature_verification"))
    page.locator("input[name='code']").fill(code)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_load_state()
    checked(page)
    assert "Valide" in page.content()
    context.close()
